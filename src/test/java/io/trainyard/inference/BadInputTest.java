package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every malformed predict request is a 400 or 413 problem+json that points at the culprit and names the shape; one
 * the model has no finite answer for is a 422 pointing at the instance.
 */
@PostgresIntegrationTest
class BadInputTest {

    private static final Map<Family, String> MODELS = new ConcurrentHashMap<>();

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    static Stream<Arguments> cases() {
        String big = "[" + String.join(",", java.util.Collections.nCopies(1025, "[1,2,3,4]")) + "]";
        return Stream.of(
                // family, body, status, pointer, message fragment
                Arguments.of(Family.MLP, "{}", 400, "/instances", "is required"),
                Arguments.of(Family.MLP, "{\"instances\": []}", 400, "/instances", "at least one"),
                Arguments.of(Family.MLP, "{\"instances\": {\"a\": 1}}", 400, "/instances", "must be an array"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,3,4], [1,2,3]]}", 400, "/instances/1",
                        "an array of 4 numbers"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,\"x\",4]]}", 400, "/instances/0/2",
                        "must be a finite number; got the string \"x\""),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,null,4]]}", 400, "/instances/0/2", "got null"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,1e39,4]]}", 400, "/instances/0/2",
                        "outside the 32-bit float range"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,3,\"NaN\"]]}", 400, "/instances/0/3",
                        "finite number"),
                Arguments.of(Family.MLP, "{\"instances\": [\"1,2,3,4\"]}", 400, "/instances/0", "got the string"),
                Arguments.of(Family.MLP, "{\"instances\": [{\"sepal_length\": 1, \"sepal_width\": 2, "
                        + "\"petal_length\": 3}]}", 400, "/instances/0", "misses feature 'petal_width'"),
                Arguments.of(Family.MLP, "{\"instances\": [{\"sepal_length\": 1, \"sepal_width\": 2, "
                        + "\"petal_length\": 3, \"petal_width\": 4, \"colour\": 1}]}", 400, "/instances/0/colour",
                        "unknown feature"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,3,4]], \"topK\": 4}", 400, "/topK",
                        "between 1 and 3"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,3,4]], \"top\": 1}", 400, "/top", "unknown field"),
                Arguments.of(Family.MLP, "{\"instances\": [[1,2,3,4]]", 400, "", "malformed JSON"),
                Arguments.of(Family.MLP, "{\"instances\": " + big + "}", 413, null, "at most 1024 instances"),
                Arguments.of(Family.CNN, "{\"instances\": [[[[1]]]]}", 400, "/instances/0", "[2, 6, 5]"),
                Arguments.of(Family.CNN, "{\"instances\": [" + image(2, 6, 4) + "]}", 400, "/instances/0/0/0",
                        "must be an array of 5 numbers"),
                Arguments.of(Family.REGRESSION, "{\"instances\": [[1,2,3,4,5]], \"topK\": 1}", 400, "/topK",
                        "classification models only"),
                Arguments.of(Family.LSTM, "{\"instances\": [" + image(1, 8, 2).substring(1, image(1, 8, 2).length() - 1)
                        + "]}", 400, "/instances/0/0", "must be an array of 3 numbers"),
                Arguments.of(Family.LSTM, "{\"instances\": [{\"x\": 1}]}", 400, "/instances/0",
                        "objects keyed by feature name need a model trained on CSV"),
                // finite float32, but so far outside the training data that the answer would be NaN or infinite
                Arguments.of(Family.MLP, "{\"instances\": [[5.1,3.5,1.4,0.2], [3.4e38,-3.4e38,3.4e38,-3.4e38]]}",
                        422, "/instances/1", "not finite"),
                Arguments.of(Family.AUTOENCODER, "{\"instances\": [[1,2,3,4,5,6,7,8,9,10,11,3.4e38]]}", 422,
                        "/instances/0", "far outside"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} → {2} {3}")
    @MethodSource("cases")
    void badRequestsAreExplained(Family family, String body, int status, String pointer, String message) {
        String name = MODELS.computeIfAbsent(family, f -> ServingFixtures.register(registry,
                "bad-" + f.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 6), f, 1).name());

        Http.Response r = new Http(port).postJson("/api/v1/models/" + name + "/predict", body);

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        if (pointer == null) {
            assertThat(problem.get("detail").asString()).contains(message);
            return;
        }
        JsonNode error = problem.get("errors").get(0);
        assertThat(error.get("pointer").asString()).isEqualTo(pointer);
        assertThat(error.get("message").asString()).contains(message);
    }

    private static String image(int c, int h, int w) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < c; i++) {
            out.append(i > 0 ? "," : "").append("[");
            for (int j = 0; j < h; j++) {
                out.append(j > 0 ? "," : "").append("[");
                for (int k = 0; k < w; k++) {
                    out.append(k > 0 ? "," : "").append(k);
                }
                out.append("]");
            }
            out.append("]");
        }
        return out.append("]").toString();
    }
}
