package io.trainyard.system;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A user-facing failure with its HTTP status. Rendered as RFC 9457 problem+json by
 * {@link ProblemHandler}; the {@code type} slug becomes {@code urn:trainyard:problem:<slug>}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final List<Violation> violations;

    public ApiException(HttpStatus status, String type, String title, String detail, List<Violation> violations) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.violations = List.copyOf(violations);
    }

    public static ApiException invalid(List<Violation> violations) {
        String detail = violations.size() == 1
                ? violations.get(0).pointer() + ": " + violations.get(0).message()
                : violations.size() + " problems in the request; see errors[] for each";
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, violations);
    }

    public static ApiException invalid(String pointer, String message) {
        return invalid(List.of(Violation.at(pointer, message)));
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", what + " not found",
                "No " + what.toLowerCase() + " with id " + id + " exists (or it belongs to another team).", List.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "conflict", "Conflict with the current state", detail, List.of());
    }

    /** A well-formed request that asks for more than a configured limit allows. */
    public static ApiException limitExceeded(List<Violation> violations) {
        String detail = violations.stream().map(v -> v.pointer() + ": " + v.message())
                .reduce((a, b) -> a + "; " + b).orElse("A configured limit was exceeded");
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "limit-exceeded", "Limit exceeded", detail, violations);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload too large", detail, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Violation> violations() {
        return violations;
    }
}
