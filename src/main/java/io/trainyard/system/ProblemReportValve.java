package io.trainyard.system;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error page, for what it refuses before any servlet runs (a path with {@code %00}, a malformed
 * request line or header), in the problem+json shape every other error of the service has instead of HTML.
 * Tomcat creates it by class name, so it has no Spring beans.
 */
public class ProblemReportValve extends ErrorReportValve {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean writable = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, writable);
        if (!writable.get()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        // A 400 here is a request the API's own handlers never saw: the same type as every other invalid request.
        String title = code == 400 ? "Invalid request" : status == null ? "Error " + code : status.getReasonPhrase();
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:trainyard:problem:" + Problems.slug(title));
        problem.put("title", title);
        problem.put("status", code);
        problem.put("detail", code >= 500
                ? "The service failed unexpectedly; the error has been logged. Retry, and report it if it persists."
                : "The server could not read the request" + (response.getMessage() == null ? ""
                        : " (" + response.getMessage() + ")") + ". Percent-encode the path and query as UTF-8 "
                        + "text; a path segment may not hold %00, %2F or %5C.");
        if (code == 400) {
            problem.put("errors", List.of(Map.of("pointer", "",
                    "message", "the request line or a header could not be read")));
        }
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing left to tell it
        }
    }
}
