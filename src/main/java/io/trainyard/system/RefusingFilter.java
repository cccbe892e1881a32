package io.trainyard.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A filter that refuses some requests before any handler runs, where no exception handler answers for it: it
 * writes the error itself, in the shape the endpoint's own errors have (problem+json as {@link ProblemHandler}
 * writes it, or the Open Inference Protocol's {@code {"error"}} under {@code /v2}).
 */
abstract class RefusingFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    RefusingFilter(JsonMapper json) {
        this.json = json;
    }

    void refuse(HttpServletRequest request, HttpServletResponse response, ApiException problem) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        // Open Inference Protocol clients read errors from {"error": "..."}, as its endpoints answer them.
        boolean openInference = path.equals("/v2") || path.startsWith("/v2/");
        response.setStatus(problem.status().value());
        response.setContentType(openInference ? MediaType.APPLICATION_JSON_VALUE
                : MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), openInference ? Map.of("error", problem.getMessage())
                : Problems.of(problem));
    }
}
