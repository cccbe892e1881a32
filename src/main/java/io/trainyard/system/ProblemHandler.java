package io.trainyard.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.multipart.MultipartException;

/**
 * Every error becomes RFC 9457 problem+json with a {@code type}, a {@code title}, a {@code detail}
 * that says what to do, and, where the request body or a parameter is at fault, {@code errors[]}
 * entries with a JSON pointer.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE - 10)
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        return problem(Problems.of(e));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a different value" : JsonMistakes.describe(e.getRequiredType());
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "Parameter '" + e.getName() + "' must be " + expected + ".",
                List.of(Violation.at(e.getName(), "must be " + expected + "; got '" + e.getValue() + "'"))));
    }

    /** A body that says it is multipart but cannot be parsed as such (no boundary, cut off); 413s have their own. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> multipart(MultipartException e) {
        String reason = e.getMostSpecificCause() == e || e.getMostSpecificCause().getMessage() == null ? ""
                : " (" + e.getMostSpecificCause().getMessage() + ")";
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The multipart/form-data body could not be read" + reason + ". Send a complete multipart body with "
                        + "the boundary its Content-Type names, as curl -F does.",
                List.of(Violation.at("", "malformed multipart/form-data body"))));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("Unhandled error", e);
        return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal server error",
                "The service failed unexpectedly; the error has been logged. Retry, and report it if it persists.",
                List.of()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimitFilter.BodyTooLargeException) {
                return problem(Problems.of(ApiException.tooLarge(t.getMessage() + ".")));
            }
        }
        JsonMistakes.Mistake mistake = JsonMistakes.of(ex, "");
        List<Violation> violations = new ArrayList<>();
        String detail;
        if (mistake != null) {
            violations.add(mistake.violation());
            detail = mistake.detail();
        } else if (ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")) {
            violations.add(Violation.at("", "a JSON body is required"));
            detail = "The request needs a JSON body.";
        } else {
            violations.add(Violation.at("", "unreadable body"));
            detail = "The body could not be read. Send a well-formed JSON document.";
        }
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, violations));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Violation> violations = new ArrayList<>();
        ex.getBindingResult().getFieldErrors().forEach(fe ->
                violations.add(Violation.at(Problems.pointer(fe.getField()), fe.getDefaultMessage())));
        ex.getBindingResult().getGlobalErrors().forEach(ge ->
                violations.add(Violation.at("", ge.getDefaultMessage())));
        return problem(Problems.of(ApiException.invalid(violations)));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Violation> violations = new ArrayList<>();
        ex.getParameterValidationResults().forEach(r -> r.getResolvableErrors().forEach(err -> {
            String name = r.getMethodParameter().getParameterName();
            violations.add(Violation.at(name == null ? "" : name, err.getDefaultMessage()));
        }));
        return problem(Problems.of(ApiException.invalid(violations)));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(ApiException.invalid(List.of(Violation.at(ex.getParameterName(),
                "required " + ex.getParameterType() + " parameter is missing")))));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(ApiException.invalid(List.of(Violation.at(ex.getRequestPartName(),
                "required multipart field is missing")))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String supported = ex.getSupportedMediaTypes().stream().map(MediaType::toString).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("none");
        ProblemDetail body = Problems.of(status, "unsupported-media-type", "Unsupported media type",
                "Content-Type " + (ex.getContentType() == null ? "(none)" : ex.getContentType())
                        + " is not accepted here; send one of: " + supported + ".", List.of());
        return problem(body, headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Set<String> allowed = ex.getSupportedMethods() == null ? Set.of() : Set.of(ex.getSupportedMethods());
        ProblemDetail body = Problems.of(status, "method-not-allowed", "Method not allowed",
                ex.getMethod() + " is not supported here; allowed: " + JsonMistakes.sorted(allowed) + ".", List.of());
        return problem(body, headers);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(ApiException.tooLarge(
                "The upload is larger than the configured maximum"
                        + (ex.getMaxUploadSize() > 0 ? " of " + ex.getMaxUploadSize() + " bytes" : "")
                        + " (spring.servlet.multipart.max-file-size).")));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String path = "/" + ex.getResourcePath();
        ProblemDetail body = Problems.of(status, "not-found", "Not found", "No endpoint " + ex.getHttpMethod() + " "
                + path + ". The API is described at /v3/api-docs and /swagger-ui.html.", List.of());
        body.setInstance(java.net.URI.create(path));
        return problem(body, headers);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        // Spring's own MVC exceptions (406, missing path variables, ...) arrive here; give them our type scheme
        // so clients see one shape.
        ProblemDetail pd = body instanceof ProblemDetail p ? p
                : ex instanceof ErrorResponse er ? er.getBody() : null;
        if (pd != null && (pd.getType() == null || "about:blank".equals(pd.getType().toString()))) {
            String title = pd.getTitle() == null ? HttpStatus.valueOf(statusCode.value()).getReasonPhrase() : pd.getTitle();
            ProblemDetail ours = Problems.of(statusCode, Problems.slug(title), title, pd.getDetail(), List.of());
            ours.setInstance(pd.getInstance());
            return problem(ours, headers);
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    private static ResponseEntity<Object> problem(ProblemDetail body) {
        return problem(body, new HttpHeaders());
    }

    private static ResponseEntity<Object> problem(ProblemDetail body, HttpHeaders headers) {
        return ResponseEntity.status(body.getStatus()).headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
