package io.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounds JSON bodies (multipart uploads have their own limit): a declared Content-Length over the
 * limit is refused before reading; a chunked body is cut off when it crosses the limit.
 */
@Component
@Order(BodySizeLimitFilter.ORDER)
class BodySizeLimitFilter extends RefusingFilter {

    /** After Spring's own filters, ahead of the application's filters that read bodies (inference's direct path). */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private final long limit;

    BodySizeLimitFilter(WebProperties properties, JsonMapper json) {
        super(json);
        this.limit = properties.maxJsonBody().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase().startsWith(MediaType.MULTIPART_FORM_DATA_VALUE);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            reject(request, response);
            return;
        }
        chain.doFilter(new LimitedRequest(request, limit), response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response) throws IOException {
        refuse(request, response, ApiException.tooLarge("The request body is larger than the configured maximum of "
                + limit + " bytes (trainyard.web.max-json-body). Upload data sets as multipart files."));
    }

    /** Thrown by the wrapped stream; surfaces through Spring as an unreadable body, mapped to 413. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("Request body exceeds " + limit + " bytes (trainyard.web.max-json-body)");
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long limit;

        LimitedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long count;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++count > limit) {
                        throw new BodyTooLargeException(limit);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (count += n) > limit) {
                        throw new BodyTooLargeException(limit);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
