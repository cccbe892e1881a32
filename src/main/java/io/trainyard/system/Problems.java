package io.trainyard.system;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the one problem+json shape every error of the service has (DESIGN.md §4). */
public final class Problems {

    private static final String TYPE_PREFIX = "urn:trainyard:problem:";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String type, String title, String detail,
            List<Violation> violations) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_PREFIX + type));
        problem.setTitle(title);
        if (!violations.isEmpty()) {
            problem.setProperty("errors", violations.stream()
                    .map(v -> Map.of("pointer", v.pointer(), "message", v.message()))
                    .toList());
        }
        return problem;
    }

    public static ProblemDetail of(ApiException e) {
        return of(e.status(), e.type(), e.title(), e.getMessage(), e.violations());
    }

    /** "Method Not Allowed" becomes "method-not-allowed". */
    public static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** Where in a JSON document Jackson failed, as an RFC 6901 pointer ("/layers/2/kernel"). */
    public static String pointer(tools.jackson.core.JacksonException e) {
        StringBuilder out = new StringBuilder();
        for (tools.jackson.core.JacksonException.Reference ref : e.getPath()) {
            out.append('/');
            out.append(ref.getPropertyName() != null
                    ? ref.getPropertyName().replace("~", "~0").replace("/", "~1")
                    : String.valueOf(ref.getIndex()));
        }
        return out.toString();
    }

    /** Turns "layers[2].kernel" (bean-validation style) into "/layers/2/kernel". */
    public static String pointer(String propertyPath) {
        if (propertyPath == null || propertyPath.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String part : propertyPath.replace("[", ".").replace("]", "").split("\\.")) {
            if (!part.isEmpty()) {
                out.append('/').append(part.replace("~", "~0").replace("/", "~1"));
            }
        }
        return out.toString();
    }
}
