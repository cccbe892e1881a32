package io.trainyard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a query parameter holding the NUL character ({@code ?name=%00}) before any handler sees it: PostgreSQL
 * text cannot hold NUL, so such a value would fail inside a query as a 500 rather than as the user's mistake, and
 * no parameter of this API has a use for it.
 */
@Component
@Order(BodySizeLimitFilter.ORDER - 1)
class QueryTextFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    QueryTextFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String query = request.getQueryString();
        return query == null || !query.contains("%00");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> bad = parameterWithNul(request.getQueryString());
        if (bad.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, Problems.of(ApiException.invalid(bad.get(), "must not contain the NUL character "
                + "(%00); query parameters are text")), json);
    }

    /** The first parameter (by name) whose name or value decodes to text with a NUL in it. */
    static Optional<String> parameterWithNul(String query) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                return Optional.of(name.replace("\0", ""));
            }
        }
        return Optional.empty();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text.contains("%00") ? "\0" : text; // malformed escapes elsewhere are the handler's to report
        }
    }
}
