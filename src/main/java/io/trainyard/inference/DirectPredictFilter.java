package io.trainyard.inference;

import io.trainyard.inference.PredictController.PredictRequest;
import io.trainyard.inference.PredictController.PredictResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers the serving hot path — a predict, encode or reconstruct request whose body is plain JSON numbers — without
 * Spring MVC's dispatch. Handler lookup over every mapping, argument resolution, content negotiation and return-value
 * handling cost about a tenth of a batched server's CPU per request at 64 connections (docs/inference.md, "A direct
 * path for plain predict requests"). The answer is {@link PredictController#serve}'s, written with the application's
 * JSON mapper; errors go through the same exception handlers MVC uses, so status, body and headers are MVC's.
 *
 * <p>It takes only what it can answer exactly as the controller would: {@code POST} on one of the controller's
 * three routes with no encoded or matrix characters in the path, {@code Content-Type: application/json} (UTF-8),
 * a {@code Content-Length}, no {@code Accept} or one that accepts {@code application/json} as such, and a body
 * {@link PredictBodyConverter#scan} reads. Everything else goes on to MVC unchanged (a body already read is
 * replayed). Ordered last, so the body limit ({@code BodySizeLimitFilter}, ordered before it), the HTTP metrics'
 * observation and the encoding filters run first.
 * MVC's handler interceptors and CORS processing do not run for the requests it takes (the application has
 * neither); a request with an {@code Origin} header, which CORS would concern, goes to MVC.
 */
final class DirectPredictFilter extends OncePerRequestFilter implements Ordered {

    private static final Pattern ROUTE = Pattern.compile(
            "/api/v1/models/([^/;%]+)(?:/versions/([0-9]{1,9})|/aliases/([^/;%]+))?/(predict|encode|reconstruct)");

    /**
     * Request bodies up to this size are read into a buffer each HTTP thread keeps rather than a fresh array per
     * request, one of the larger pieces of the ~18 KB of garbage a 784-feature predict request left
     * (docs/inference.md, "A request's garbage").
     */
    private static final int BODY_KEPT = 1 << 16;
    private static final ThreadLocal<byte[]> BODY = ThreadLocal.withInitial(() -> new byte[8192]);

    private final PredictController controller;
    private final JsonMapper json;
    private final HandlerExceptionResolver errors;
    private final boolean enabled;

    DirectPredictFilter(PredictController controller, JsonMapper json, HandlerExceptionResolver errors,
            InferenceProperties properties) {
        this.controller = controller;
        this.json = json;
        this.errors = errors;
        this.enabled = properties.directPath();
    }

    /**
     * A bean of the application's configuration rather than a scanned component: web-slice tests, which pick up
     * every filter component, have no {@link PredictController}; an application without a web server (the
     * benchmark's model registration) has no exception resolvers.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Registration {
        @Bean
        DirectPredictFilter directPredictFilter(PredictController controller, JsonMapper json,
                @Qualifier("handlerExceptionResolver") HandlerExceptionResolver errors,
                InferenceProperties properties) {
            return new DirectPredictFilter(controller, json, errors, properties);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Matcher route = enabled && "POST".equals(request.getMethod()) && plain(request) ? route(request) : null;
        if (route == null) {
            chain.doFilter(request, response);
            return;
        }
        int length = (int) request.getContentLengthLong();
        byte[] body = bodyBuffer(length);
        int read;
        try {
            read = request.getInputStream().readNBytes(body, 0, length);
        } catch (IOException e) {
            // A body that stopped arriving (the client stalled past the read timeout, or reset): answered as MVC
            // answers an unreadable body, without handing MVC the stream to wait on for another timeout.
            answerError(request, response, new HttpMessageNotReadableException("The request body could not be read: "
                    + e.getMessage(), e, new ServletServerHttpRequest(request)));
            return;
        }
        PredictRequest predict = PredictBodyConverter.scan(body, read);
        if (predict == null) {
            chain.doFilter(new Replayed(request, Arrays.copyOf(body, read)), response);
            return;
        }
        String name = route.group(1);
        String version = route.group(2);
        String alias = route.group(3);
        ModelSelector selector = version != null ? ModelSelector.version(name, Integer.parseInt(version))
                : alias != null ? ModelSelector.alias(name, alias) : ModelSelector.latest(name);
        String pattern = PredictController.BASE + (version != null ? PredictController.VERSION
                : alias != null ? PredictController.ALIAS : "") + PredictController.OPERATION;
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(pattern));
        PredictResponse answer;
        try {
            answer = controller.serve(selector, route.group(4), predict);
        } catch (Exception e) {
            answerError(request, response, e);
            return;
        }
        byte[] out = json.writeValueAsBytes(answer);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }

    /**
     * As DispatcherServlet.processHandlerException does for a handler's exception. The application's handlers write
     * the problem themselves (an empty ModelAndView); a view to render would need MVC.
     */
    private void answerError(HttpServletRequest request, HttpServletResponse response, Exception e)
            throws ServletException, IOException {
        ModelAndView handled = errors.resolveException(request, response, null, e);
        if (handled == null || !handled.isEmpty()) {
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new ServletException(e);
        }
        request.setAttribute(DispatcherServlet.EXCEPTION_ATTRIBUTE, e);
    }

    /**
     * An array for a body of {@code length} bytes: the thread's own, reused, up to {@link #BODY_KEPT} bytes. The scan
     * copies the numbers out and nothing else keeps the bytes, so the next request on the thread can have them.
     */
    private static byte[] bodyBuffer(int length) {
        if (length > BODY_KEPT) {
            return new byte[length];
        }
        byte[] buffer = BODY.get();
        if (buffer.length < length) {
            buffer = new byte[length];
            BODY.set(buffer);
        }
        return buffer;
    }

    private static Matcher route(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Matcher m = ROUTE.matcher(path);
        return m.matches() ? m : null;
    }

    /**
     * JSON in UTF-8 with a known length, to be answered as {@code application/json}, and not cross-origin: what
     * MVC would answer the same way.
     */
    private static boolean plain(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length < 0 || length > PredictBodyConverter.MAX_SCANNED_BYTES) {
            return false;
        }
        String type = request.getContentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT).replace(" ", "");
        if (!t.equals("application/json") && !t.equals("application/json;charset=utf-8")) {
            return false;
        }
        if (request.getHeader("Origin") != null) {
            return false;
        }
        String accept = request.getHeader("Accept");
        return accept == null || accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON_VALUE);
    }

    /** The request with its body, already read, to be read again. */
    private static final class Replayed extends HttpServletRequestWrapper {

        private final byte[] body;

        Replayed(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
