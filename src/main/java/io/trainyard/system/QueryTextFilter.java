package io.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a query string that is not text before any handler reads it: a broken percent escape ({@code %zz}),
 * escaped bytes that are not UTF-8 ({@code %ff}), or the NUL character ({@code %00}). The servlet container would
 * throw on the first two when a handler asks for the parameter (a 500), and PostgreSQL text cannot hold the third.
 */
@Component
@Order(BodySizeLimitFilter.ORDER - 1)
class QueryTextFilter extends RefusingFilter {

    QueryTextFilter(JsonMapper json) {
        super(json);
    }

    /** What is wrong with one query parameter, named as the client spelt it. */
    record Problem(String parameter, String message) {
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String query = request.getQueryString();
        return query == null || query.chars().allMatch(c -> c != '%' && c < 0x80);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Problem> problem = check(request.getQueryString());
        if (problem.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        refuse(request, response, ApiException.invalid(problem.get().parameter(), problem.get().message()));
    }

    /** The first parameter whose name or value is not text, in query order. */
    static Optional<Problem> check(String query) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            for (String part : eq < 0 ? new String[] {pair} : new String[] {rawName, pair.substring(eq + 1)}) {
                Optional<String> wrong = wrong(part);
                if (wrong.isPresent()) {
                    return Optional.of(new Problem(readable(rawName), wrong.get()));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> wrong(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (lo < 0) {
                    return Optional.of("has a broken percent escape; write a '%' as %25 and other bytes as %xx "
                            + "with two hex digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0xFF) {
                return Optional.empty(); // already decoded text: the container took it as such
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return Optional.of("is not UTF-8 text once its percent escapes are decoded; encode text as UTF-8");
        }
        return text.indexOf('\0') >= 0
                ? Optional.of("must not contain the NUL character (%00); query parameters are text")
                : Optional.empty();
    }

    /** The parameter's name for the message: decoded where it can be, else as sent. */
    private static String readable(String rawName) {
        try {
            return java.net.URLDecoder.decode(rawName, StandardCharsets.UTF_8).replace("\0", "");
        } catch (IllegalArgumentException e) {
            return rawName;
        }
    }
}
