package io.trainyard.system;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A filter that refuses some requests before any handler runs, where no exception handler answers for it: it
 * writes the problem+json itself, in the shape {@link ProblemHandler} gives every other error.
 */
abstract class RefusingFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    RefusingFilter(JsonMapper json) {
        this.json = json;
    }

    void refuse(HttpServletResponse response, ApiException problem) throws IOException {
        Problems.write(response, Problems.of(problem), json);
    }
}
