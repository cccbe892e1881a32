package io.trainyard.inference;

import static io.trainyard.inference.ServingFixtures.floats;
import static io.trainyard.inference.ServingFixtures.instances;
import static io.trainyard.inference.ServingFixtures.instancesJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.engine.Tensor;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.inference.ServingFixtures.Served;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import tools.jackson.databind.JsonNode;

/** Predictions through HTTP equal the network's own output on the same, identically prepared input. */
@PostgresIntegrationTest
class PredictApiTest {

    private static final float TOLERANCE = 1e-5f;

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    RequestMappingHandlerAdapter mvc;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private Served model(Family family) {
        return ServingFixtures.register(registry, family.name().toLowerCase() + "-" + UUID.randomUUID()
                .toString().substring(0, 8), family, family.ordinal());
    }

    /** Every test here that sends plain numbers therefore goes through the scanner; mistakes go on to Jackson. */
    @Test
    void plainBodiesAreReadByTheByteScannerAheadOfJackson() {
        assertThat(mvc.getMessageConverters().stream()
                .filter(c -> c.canRead(PredictController.PredictRequest.class, MediaType.APPLICATION_JSON))
                .findFirst()).containsInstanceOf(PredictBodyConverter.class);
    }

    @Test
    void bodiesLeftToJacksonGetTheSameAnswerAsScannedOnes() {
        Served model = model(Family.MLP);
        float[] x = instances(model.inputShape(), 3, 11);
        String json = "{\"instances\": " + instancesJson(model.inputShape(), x, 3) + ", \"topK\": 2}";
        String path = "/api/v1/models/" + model.name() + "/predict";

        Http.Response scanned = http.postJson(path, json);
        // no Content-Length (chunked), and a charset other than UTF-8: both go to Jackson
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Http.Response chunked = http.send(HttpRequest.newBuilder(http.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        Http.Response latin1 = http.send("POST", path, "application/json; charset=ISO-8859-1", json);

        assertThat(scanned.status()).as(scanned.body()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo(scanned.body());
        assertThat(latin1.body()).isEqualTo(scanned.body());
    }

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"MLP", "CNN", "GRAY_CNN", "LSTM"})
    void classifiersAnswerTheirNetworksProbabilities(Family family) {
        Served model = model(family);
        int n = 5;
        float[] x = instances(model.inputShape(), n, 42);

        Http.Response r = http.postJson("/api/v1/models/" + model.name() + "/predict",
                "{\"instances\": " + instancesJson(model.inputShape(), x, n) + "}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("model").asString()).isEqualTo(model.name());
        assertThat(body.get("version").asInt()).isEqualTo(1);
        assertThat(body.get("predictions")).hasSize(n);
        Tensor expected = model.expected(x, n);
        for (int i = 0; i < n; i++) {
            JsonNode p = body.get("predictions").get(i);
            float[] row = expected.row(i);
            int best = argmax(row);
            assertThat(p.get("label").asString()).isEqualTo(family.classNames.get(best));
            assertThat(p.get("probability").floatValue()).isCloseTo(row[best], within(TOLERANCE));
            for (int k = 0; k < row.length; k++) {
                assertThat(p.get("probabilities").get(family.classNames.get(k)).floatValue())
                        .isCloseTo(row[k], within(TOLERANCE));
            }
        }
    }

    @Test
    void sequencesShorterThanTheModelsAreReadUpToTheirLastStep() {
        Served model = model(Family.LSTM);
        int steps = model.inputShape().shape().get(0);
        float[] x = instances(model.inputShape(), 2, 9);
        // Instance 0 at full length, instance 1 with only its first 3 steps.
        StringBuilder json = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < 2; i++) {
            int length = i == 0 ? steps : 3;
            json.append(i == 0 ? "[" : ",[");
            for (int t = 0; t < length; t++) {
                json.append(t == 0 ? "[" : ",[");
                for (int f = 0; f < 3; f++) {
                    json.append(f == 0 ? "" : ",").append(x[(i * steps + t) * 3 + f]);
                }
                json.append("]");
            }
            json.append("]");
        }
        json.append("]}");

        Http.Response r = http.postJson("/api/v1/models/" + model.name() + "/predict", json.toString());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        float[] mask = new float[2 * steps];
        java.util.Arrays.fill(mask, 0, steps + 3, 1f);
        float[] padded = x.clone();
        java.util.Arrays.fill(padded, (steps + 3) * 3, 2 * steps * 3, 0f);
        Tensor expected = model.network().output(ModelArtifact.features(model.artifact().metadata(), padded, 2),
                Tensor.of(mask, 2, steps));
        for (int i = 0; i < 2; i++) {
            float[] row = expected.row(i);
            for (int k = 0; k < row.length; k++) {
                assertThat(r.json().get("predictions").get(i).get("probabilities").get(Family.LSTM.classNames.get(k))
                        .floatValue()).as("instance %d", i).isCloseTo(row[k], within(TOLERANCE));
            }
        }
        // Read to its third step, not through five steps of zeros.
        Tensor unmasked = model.network().output(ModelArtifact.features(model.artifact().metadata(), padded, 2));
        assertThat(Math.abs(unmasked.row(1)[0] - expected.row(1)[0])).isGreaterThan(1e-4f);

        Http.Response tooLong = http.postJson("/api/v1/models/" + model.name() + "/predict",
                "{\"instances\": [[" + "[0,0,0],".repeat(steps) + "[0,0,0]]]}");
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.json().toString()).contains("/instances/0").contains("fewer steps are padded");
    }

    @Test
    void regressionAnswersItsValues() {
        Served model = model(Family.REGRESSION);
        float[] x = instances(model.inputShape(), 3, 1);

        JsonNode body = http.postJson("/api/v1/models/" + model.name() + "/versions/1/predict",
                "{\"instances\": " + instancesJson(model.inputShape(), x, 3) + "}").json();

        Tensor expected = model.expected(x, 3);
        for (int i = 0; i < 3; i++) {
            assertThat(floats(body.get("predictions").get(i).get("values"))).containsExactly(expected.row(i),
                    within(TOLERANCE));
        }
    }

    @Test
    void csvModelsTakeObjectsKeyedByColumnAndTopK() {
        Served model = model(Family.MLP);
        float[] x = {5.1f, 3.5f, 1.4f, 0.2f};

        Http.Response r = http.postJson("/api/v1/models/" + model.name() + "/predict", """
                {"instances": [{"petal_width": 0.2, "sepal_length": 5.1, "petal_length": 1.4, "sepal_width": 3.5}],
                 "topK": 2}""");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode p = r.json().get("predictions").get(0);
        float[] row = model.expected(x, 1).row(0);
        assertThat(p.has("probabilities")).isFalse();
        assertThat(p.get("topK")).hasSize(2);
        assertThat(p.get("topK").get(0).get("label").asString()).isEqualTo(p.get("label").asString());
        assertThat(p.get("topK").get(0).get("probability").floatValue()).isCloseTo(row[argmax(row)], within(TOLERANCE));
        assertThat(p.get("topK").get(0).get("probability").floatValue())
                .isGreaterThanOrEqualTo(p.get("topK").get(1).get("probability").floatValue());
    }

    @Test
    void flatAndSingleChannelFormsAreAccepted() {
        Served gray = model(Family.GRAY_CNN);
        float[] x = instances(gray.inputShape(), 1, 9);
        float[] expected = gray.expected(x, 1).row(0);
        String hw = ServingFixtures.JSON.writeValueAsString(Outputs.nest(x, new int[] {4, 4}));
        String flat = ServingFixtures.JSON.writeValueAsString(x);

        for (String instance : new String[] {hw, flat}) {
            JsonNode p = http.postJson("/api/v1/models/" + gray.name() + "/predict",
                    "{\"instances\": [" + instance + "]}").json().get("predictions").get(0);
            assertThat(p.get("probabilities").get("dark").floatValue()).isCloseTo(expected[0], within(TOLERANCE));
        }
    }

    @Test
    void autoencodersEncodeAndReconstructWithAnErrorPerInstance() {
        Served model = model(Family.AUTOENCODER);
        int n = 4;
        float[] x = instances(model.inputShape(), n, 3);
        String request = "{\"instances\": " + instancesJson(model.inputShape(), x, n) + "}";

        JsonNode encoded = http.postJson("/api/v1/models/" + model.name() + "/encode", request).json();
        JsonNode reconstructed = http.postJson("/api/v1/models/" + model.name() + "/reconstruct", request).json();

        Tensor latent = model.expectedLatent(x, n);
        Tensor normalised = io.trainyard.models.ModelArtifact.features(model.artifact().metadata(), x, n);
        Tensor reconstruction = model.expected(x, n);
        for (int i = 0; i < n; i++) {
            assertThat(floats(encoded.get("predictions").get(i).get("latent"))).hasSize(3)
                    .containsExactly(latent.row(i), within(TOLERANCE));
            JsonNode p = reconstructed.get("predictions").get(i);
            float[] r = reconstruction.row(i);
            float[] in = normalised.row(i);
            double mse = 0;
            float[] back = floats(p.get("reconstruction"));
            for (int j = 0; j < r.length; j++) {
                mse += (in[j] - r[j]) * (in[j] - r[j]);
                // the reconstruction comes back in the caller's units: normalisation undone
                float offset = model.artifact().metadata().normalizer().offset()[j];
                float scale = model.artifact().metadata().normalizer().scale()[j];
                assertThat(back[j]).isCloseTo(r[j] * scale + offset, within(1e-4f));
            }
            assertThat(p.get("reconstructionError").doubleValue()).isCloseTo(mse / r.length, within(1e-4));
        }
    }

    @Test
    void encodeOnAClassifierIsRefused() {
        Served model = model(Family.MLP);

        Http.Response r = http.postJson("/api/v1/models/" + model.name() + "/encode", "{\"instances\": [[1,2,3,4]]}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).contains("needs an autoencoder");
    }

    @Test
    void unknownModelsAndVersionsAre404() {
        Served model = model(Family.MLP);

        assertThat(http.postJson("/api/v1/models/no-such-model/predict", "{\"instances\": [[1,2,3,4]]}").status())
                .isEqualTo(404);
        assertThat(http.postJson("/api/v1/models/" + model.name() + "/versions/9/predict",
                "{\"instances\": [[1,2,3,4]]}").status()).isEqualTo(404);
        assertThat(http.postJson("/api/v1/models/" + model.name() + "/aliases/nope/predict",
                "{\"instances\": [[1,2,3,4]]}").status()).isEqualTo(404);
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int k = 1; k < row.length; k++) {
            if (row[k] > row[best]) {
                best = k;
            }
        }
        return best;
    }
}
