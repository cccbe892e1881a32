package io.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request body sent with a {@code Content-Encoding} (gzip, deflate, br, ...): neither Tomcat nor the
 * handlers decode one, so a compressed JSON body was read as raw bytes and answered "not valid JSON at line 1,
 * column 1", and a compressed multipart upload as a malformed form. A 415, as RFC 9110 §15.5.16 has it for a
 * content coding the server does not take, with {@code Accept-Encoding: identity} saying what it does take.
 * Data set files may still be gzip'd inside an upload; that is the file's own format, not a content coding.
 */
@Component
@Order(BodySizeLimitFilter.ORDER - 2)
class ContentEncodingFilter extends RefusingFilter {

    ContentEncodingFilter(JsonMapper json) {
        super(json);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HttpHeaders.CONTENT_ENCODING) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> codings = codings(request);
        // A stray header on a request without a body (a client that sets it on every request) encodes nothing.
        boolean body = request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        if (codings.isEmpty() || !body) {
            chain.doFilter(request, response);
            return;
        }
        String sent = String.join(", ", codings);
        response.setHeader(HttpHeaders.ACCEPT_ENCODING, "identity");
        refuse(request, response, new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type", "Unsupported media type", "Content-Encoding " + sent + " is not accepted: "
                        + "send the request body uncompressed, with no Content-Encoding header or Content-Encoding: "
                        + "identity. A data set file may be uploaded gzip'd as the file itself (e.g. data.csv.gz).",
                List.of(Violation.at(HttpHeaders.CONTENT_ENCODING, "must be identity or absent; got '" + sent
                        + "'; this service takes request bodies uncompressed"))));
    }

    /** The codings named other than identity, in the order sent, across repeated headers. */
    private static List<String> codings(HttpServletRequest request) {
        List<String> codings = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders(HttpHeaders.CONTENT_ENCODING))) {
            for (String coding : header.split(",")) {
                String c = coding.trim();
                if (!c.isEmpty() && !c.equalsIgnoreCase("identity")) {
                    codings.add(c.toLowerCase(Locale.ROOT));
                }
            }
        }
        return codings;
    }
}
