package io.trainyard.inference;

import io.trainyard.inference.PredictController.PredictRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;

/**
 * Reads predict bodies ({@code {"instances": [...], "topK": k}}) of plain numbers straight from their bytes: the
 * serving hot path, where Jackson's tokenizer was the largest single cost of a request (docs/inference.md,
 * "Performance"). Any body it does not take — another charset, a string or object among the instances, an unknown
 * field, malformed JSON, no Content-Length — goes to the application's Jackson converter unchanged, so results,
 * error messages and pointers are exactly Jackson's.
 */
final class PredictBodyConverter extends AbstractHttpMessageConverter<PredictRequest> {

    /** Larger bodies stream through Jackson rather than being held twice (bytes, then floats). */
    static final long MAX_SCANNED_BYTES = 8 << 20;

    private final HttpMessageConverter<Object> json;

    @SuppressWarnings("unchecked")
    PredictBodyConverter(HttpMessageConverter<?> json) {
        super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
        this.json = (HttpMessageConverter<Object>) json;
    }

    /** Puts the converter ahead of the application's Jackson converter, which it falls back to. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        ServerHttpMessageConvertersCustomizer predictBodies() {
            return builder -> builder.configureMessageConvertersList(converters -> {
                for (int i = 0; i < converters.size(); i++) {
                    if (converters.get(i).canRead(PredictRequest.class, MediaType.APPLICATION_JSON)) {
                        converters.add(i, new PredictBodyConverter(converters.get(i)));
                        return;
                    }
                }
            });
        }
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return clazz == PredictRequest.class;
    }

    @Override
    protected boolean canWrite(MediaType mediaType) {
        return false;
    }

    @Override
    protected PredictRequest readInternal(Class<? extends PredictRequest> clazz, HttpInputMessage input)
            throws IOException {
        HttpHeaders headers = input.getHeaders();
        long length = headers.getContentLength();
        Charset charset = headers.getContentType() == null ? null : headers.getContentType().getCharset();
        if (length < 0 || length > MAX_SCANNED_BYTES
                || (charset != null && !StandardCharsets.UTF_8.equals(charset))) {
            return (PredictRequest) json.read(clazz, input);
        }
        byte[] body = input.getBody().readNBytes((int) length);
        PredictRequest request = scan(body);
        return request != null ? request : (PredictRequest) json.read(clazz, new Buffered(body, headers));
    }

    /** The request if {@code body} is a predict body of plain numbers, else null. */
    static PredictRequest scan(byte[] body) {
        return scan(body, body.length);
    }

    /** As {@link #scan(byte[])}, for a body in the first {@code length} bytes of {@code buffer}. */
    static PredictRequest scan(byte[] buffer, int length) {
        JsonScanner in = new JsonScanner(buffer, length);
        if (!in.consume('{')) {
            return null;
        }
        RawArray instances = null;
        Integer topK = null;
        if (!in.consume('}')) {
            do {
                if (instances == null && in.consumeName("instances")) {
                    if (!in.consume(':') || (instances = RawArray.scan(in)) == null) {
                        return null;
                    }
                } else if (topK == null && in.consumeName("topK")) {
                    if (!in.consume(':') || (topK = in.integer()) == null) {
                        return null;
                    }
                } else {
                    return null;
                }
            } while (in.consume(','));
            if (!in.consume('}')) {
                return null;
            }
        }
        return instances != null && in.atEnd() ? new PredictRequest(instances, topK) : null;
    }

    @Override
    protected void writeInternal(PredictRequest request, HttpOutputMessage output) {
        throw new UnsupportedOperationException("reads only");
    }

    private record Buffered(byte[] body, HttpHeaders headers) implements HttpInputMessage {
        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(body);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }
}
