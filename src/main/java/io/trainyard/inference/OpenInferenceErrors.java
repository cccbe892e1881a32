package io.trainyard.inference;

import io.trainyard.system.ApiException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;

/**
 * Errors of the v2 endpoints in the protocol's own shape, {@code {"error": "..."}}, instead of problem+json: v2
 * clients (KServe, Triton's client libraries) parse that field. The message carries what problem+json would put
 * in {@code detail} and {@code errors[]}. Statuses follow KServe: invalid input 400, unknown model 404, model
 * not ready 503; an {@code Accept} that rules out JSON is 406, as elsewhere in the API.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {

    private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, String>> api(ApiException e) {
        String message = e.violations().isEmpty() ? e.getMessage()
                : e.violations().stream().map(v -> v.pointer() + ": " + v.message()).collect(Collectors.joining("; "));
        return error(e.status(), message);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("BodyTooLargeException")) {
                return error(HttpStatus.CONTENT_TOO_LARGE, t.getMessage());
            }
            if (t instanceof JacksonException j) {
                String path = j.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                        : String.valueOf(r.getIndex())).collect(Collectors.joining("/", "/", ""));
                return error(HttpStatus.BAD_REQUEST, "invalid inference request at " + path + ": "
                        + j.getOriginalMessage());
            }
        }
        return error(HttpStatus.BAD_REQUEST, "the body must be an inference request in JSON");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the inference request as application/json");
    }

    /**
     * An {@code Accept} header that rules out JSON: 406, as the rest of the API answers it, and the body in JSON
     * all the same (the rest of the API writes its problem+json then too): a v2 client reads no other format.
     */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<Map<String, String>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return error(HttpStatus.NOT_ACCEPTABLE, "the Open Inference Protocol answers in application/json, which "
                + "this request's Accept header rules out; accept application/json (or */*)");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e) {
        log.error("Unhandled error in an Open Inference Protocol request", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; it has been logged");
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }
}
