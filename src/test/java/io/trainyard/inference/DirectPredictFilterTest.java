package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.security.CurrentTeam;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

/**
 * The direct path answers plain predict requests by itself, exactly as Spring MVC's controller answers the same
 * request (which it still gets when the direct path declines, here through an {@code Accept} header the filter
 * leaves to MVC's content negotiation), and passes everything else on with its body intact.
 */
@PostgresIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectPredictFilterTest {

    /** MVC negotiates this to application/json as the direct path writes, but the filter does not take it. */
    private static final String NEGOTIATED = "application/json;q=0.9, */*;q=0.1";

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    DirectPredictFilter filter;

    String mlp;
    String autoencoder;

    @BeforeAll
    void register() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        mlp = ServingFixtures.register(registry, "direct-mlp-" + suffix, Family.MLP, 3).name();
        autoencoder = ServingFixtures.register(registry, "direct-ae-" + suffix, Family.AUTOENCODER, 4).name();
        registry.setAlias(CurrentTeam.DEFAULT, mlp, "production", 1);
    }

    Stream<Arguments> answered() {
        String four = "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}";
        String twelve = "{\"instances\": [[1,2,3,4,5,6,7,8,9,10,11,12]]}";
        return Stream.of(
                Arguments.of("/api/v1/models/" + mlp + "/predict", four, 200),
                Arguments.of("/api/v1/models/" + mlp + "/predict", "{\"topK\": 2, \"instances\": [[1, 2, 3, 4]]}",
                        200),
                Arguments.of("/api/v1/models/" + mlp + "/versions/1/predict", four, 200),
                Arguments.of("/api/v1/models/" + mlp + "/aliases/production/predict", four, 200),
                Arguments.of("/api/v1/models/" + autoencoder + "/encode", twelve, 200),
                Arguments.of("/api/v1/models/" + autoencoder + "/reconstruct", twelve, 200),
                // the service's own errors: the same problem+json as through MVC's exception handling
                Arguments.of("/api/v1/models/" + mlp + "/predict", "{\"instances\": [[1, 2, 3]]}", 400),
                Arguments.of("/api/v1/models/" + mlp + "/predict", "{\"instances\": [[1, 2, 3, 4]], \"topK\": 9}",
                        400),
                Arguments.of("/api/v1/models/" + mlp + "/encode", four, 400),
                Arguments.of("/api/v1/models/" + mlp + "/versions/7/predict", four, 404),
                Arguments.of("/api/v1/models/" + mlp + "/aliases/nightly/predict", four, 404),
                Arguments.of("/api/v1/models/no-such-model/predict", four, 404),
                // an answer that is not finite, refused after the network ran
                Arguments.of("/api/v1/models/" + mlp + "/predict",
                        "{\"instances\": [[3.4e38, -3.4e38, 3.4e38, -3.4e38]]}", 422),
                Arguments.of("/api/v1/models/" + autoencoder + "/reconstruct",
                        "{\"instances\": [[1,2,3,4,5,6,7,8,9,10,11,3.4e38]]}", 422));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} → {2}")
    @MethodSource("answered")
    void answersPlainRequestsByItselfAsMvcDoes(String path, String body, int status) throws Exception {
        MockHttpServletRequest request = post(path, body);
        MockHttpServletResponse direct = new MockHttpServletResponse();
        AtomicReference<ServletRequest> passedOn = new AtomicReference<>();

        filter.doFilter(request, direct, (req, res) -> passedOn.set(req));

        assertThat(passedOn.get()).as("went on to MVC").isNull();
        Http.Response mvc = new Http(port).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("Accept", NEGOTIATED)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(direct.getStatus()).as(direct.getContentAsString()).isEqualTo(status);
        assertThat(mvc.status()).isEqualTo(status);
        assertThat(direct.getContentType()).isEqualTo(mvc.contentType());
        JsonNode answer = ServingFixtures.JSON.readTree(direct.getContentAsString());
        assertThat(answer).isEqualTo(mvc.json());
        if (status == 200) {
            assertThat(answer.get("predictions").size()).isPositive();
        } else {
            assertThat(answer.get("type").asString()).startsWith("urn:trainyard:problem:");
        }
    }

    Stream<Arguments> declined() {
        String body = "{\"instances\": [[1, 2, 3, 4]]}";
        String path = "/api/v1/models/" + mlp + "/predict";
        Map<String, String> none = Map.of();
        return Stream.of(
                Arguments.of("GET", path, "application/json", none, body),
                Arguments.of("POST", path, "text/plain", none, body),
                Arguments.of("POST", path, "application/json;charset=ISO-8859-1", none, body),
                Arguments.of("POST", path, "application/json", Map.of("Accept", "application/xml"), body),
                Arguments.of("POST", path, "application/json", Map.of("Accept", NEGOTIATED), body),
                Arguments.of("POST", path, "application/json", Map.of("Origin", "https://app.example.com"), body),
                Arguments.of("POST", "/api/v1/models/" + mlp + "/predict/", "application/json", none, body),
                Arguments.of("POST", "/api/v1/models/" + mlp + "/versions/x/predict", "application/json", none, body),
                Arguments.of("POST", "/api/v1/models/" + mlp + "/versions/+1/predict", "application/json", none, body),
                Arguments.of("POST", "/api/v1/models/a%20b/predict", "application/json", none, body),
                Arguments.of("POST", "/api/v1/models/" + mlp + ";v=1/predict", "application/json", none, body),
                Arguments.of("POST", "/api/v1/models/" + mlp + "/classify", "application/json", none, body),
                // bodies the scanner leaves to Jackson: replayed to MVC as they came
                Arguments.of("POST", path, "application/json", none, "{\"instances\": [[1, 2, \"x\", 4]]}"),
                Arguments.of("POST", path, "application/json", none, "{\"instances\": [{\"sepal_length\": 1}]}"),
                Arguments.of("POST", path, "application/json", none, "{\"instances\": [[1, 2, 3, 4]]"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} {3}: {4}")
    @MethodSource("declined")
    void passesEverythingElseOnWithItsBody(String method, String path, String type, Map<String, String> headers,
            String body) throws Exception {
        MockHttpServletRequest request = post(path, body);
        request.setMethod(method);
        request.setContentType(type);
        headers.forEach(request::addHeader);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<String> passedOn = new AtomicReference<>();

        filter.doFilter(request, response, (req, res) ->
                passedOn.set(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));

        assertThat(passedOn.get()).as("passed on to MVC").isEqualTo(body);
        assertThat(response.getContentLength()).isZero();
    }

    @Test
    void aShorterBodyAfterALongerOneOnTheSameThreadIsReadAlone() throws Exception {
        // The thread's body buffer grows for the longer body (past its first 8 KB) and keeps its bytes after it.
        String path = "/api/v1/models/" + mlp + "/predict";
        String longer = "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [1, 2, 3, 4]]}" + " ".repeat(9000);
        String shorter = "{\"instances\": [[6.7, 3.0, 5.2, 2.3]]}";
        MockHttpServletResponse first = new MockHttpServletResponse();
        MockHttpServletResponse second = new MockHttpServletResponse();
        AtomicReference<ServletRequest> passedOn = new AtomicReference<>();

        filter.doFilter(post(path, longer), first, (req, res) -> passedOn.set(req));
        filter.doFilter(post(path, shorter), second, (req, res) -> passedOn.set(req));

        assertThat(passedOn.get()).as("went on to MVC").isNull();
        JsonNode all = ServingFixtures.JSON.readTree(first.getContentAsString()).get("predictions");
        JsonNode one = ServingFixtures.JSON.readTree(second.getContentAsString()).get("predictions");
        assertThat(all).hasSize(3);
        assertThat(one).hasSize(1);
        // The same row's prediction; batches of one and of three may take different product kernels (oneDNN's
        // AMX-era kernels round differently by batch size), so the probabilities agree to float precision.
        assertThat(one.get(0).get("label")).isEqualTo(all.get(1).get("label"));
        assertThat(one.get(0).get("probabilities").properties()).hasSize(3);
        for (var p : one.get(0).get("probabilities").properties()) {
            assertThat(p.getValue().asDouble()).as(p.getKey())
                    .isCloseTo(all.get(1).get("probabilities").get(p.getKey()).asDouble(), within(1e-5));
        }
    }

    @Test
    void theHttpMetricsNameTheControllersRoute() {
        Http http = new Http(port);
        String path = "/api/v1/models/" + mlp + "/versions/1/reconstruct";
        double before = requests(http, "/api/v1/models/{name}/versions/{version}/{operation:predict|encode|reconstruct}",
                "400");

        Http.Response r = http.postJson(path, "{\"instances\": [[1, 2, 3, 4]]}");

        assertThat(r.status()).isEqualTo(400); // reconstruct on a classifier: the direct path's error
        assertThat(requests(http, "/api/v1/models/{name}/versions/{version}/{operation:predict|encode|reconstruct}",
                "400")).isEqualTo(before + 1);
    }

    /** {@code http_server_requests_seconds_count} for one route and status, 0 before the first. */
    private static double requests(Http http, String uri, String status) {
        return http.get("/actuator/prometheus").body().lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{") && l.contains("uri=\"" + uri + "\"")
                        && l.contains("status=\"" + status + "\"") && l.contains("method=\"POST\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void switchedOffItPassesEveryRequestOn() throws Exception {
        // Bound as the application binds it: every other setting keeps its declared default.
        InferenceProperties off = new Binder(new MapConfigurationPropertySource(
                Map.of("trainyard.inference.direct-path", "false")))
                .bindOrCreate("trainyard.inference", InferenceProperties.class);
        assertThat(off.directPath()).isFalse();
        DirectPredictFilter switchedOff = new DirectPredictFilter(null, null, null, off);
        AtomicReference<ServletRequest> passedOn = new AtomicReference<>();

        switchedOff.doFilter(post("/api/v1/models/" + mlp + "/predict", "{\"instances\": [[1, 2, 3, 4]]}"),
                new MockHttpServletResponse(), (req, res) -> passedOn.set(req));

        assertThat(passedOn.get()).isNotNull();
    }

    @Test
    void aBodyWithoutALengthGoesToMvc() throws Exception {
        MockHttpServletRequest request = post("/api/v1/models/" + mlp + "/predict", "{\"instances\": [[1,2,3,4]]}");
        request.removeHeader("Content-Length");
        request.setContent(null);
        FilterChain chain = (req, res) -> res.getWriter().write("mvc");
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(request, response, chain);

        assertThat(response.getContentAsString()).isEqualTo("mvc");
    }

    @Test
    void aBodyThatFailsToArriveIsAnsweredWithoutWaitingForItAgain() throws Exception {
        MockHttpServletRequest plain = post("/api/v1/models/" + mlp + "/predict", "{\"instances\": [[1,2,3,4]]}");
        HttpServletRequestWrapper failing = new HttpServletRequestWrapper(plain) {
            @Override
            public ServletInputStream getInputStream() throws IOException {
                throw new IOException("read timed out");
            }
        };
        AtomicReference<ServletRequest> passedOn = new AtomicReference<>();
        MockHttpServletResponse response = new MockHttpServletResponse();

        filter.doFilter(failing, response, (req, res) -> passedOn.set(req));

        assertThat(passedOn.get()).as("MVC would read the stalled stream again, one more read timeout").isNull();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("could not be read");
    }

    private static MockHttpServletRequest post(String path, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
