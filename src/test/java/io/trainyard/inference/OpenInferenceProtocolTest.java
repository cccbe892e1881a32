package io.trainyard.inference;

import static io.trainyard.inference.ServingFixtures.floats;
import static io.trainyard.inference.ServingFixtures.instances;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.engine.Tensor;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.inference.ServingFixtures.Served;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The Open Inference Protocol v2 endpoints, request and response shapes as KServe and Triton define them.
 */
@PostgresIntegrationTest
class OpenInferenceProtocolTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private Served model(Family family) {
        return ServingFixtures.register(registry, "v2-" + UUID.randomUUID().toString().substring(0, 8), family, 11);
    }

    @Test
    void serverHealthAndMetadata() {
        assertThat(http.get("/v2/health/live").status()).isEqualTo(200);
        Http.Response ready = http.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        JsonNode server = http.get("/v2").json();
        assertThat(server.get("name").asString()).isEqualTo("trainyard");
        assertThat(server.get("extensions").isArray()).isTrue();
    }

    @Test
    void aModelIsNotReadyUntilItsFirstInferLoadsIt() {
        Served model = model(Family.CNN);
        String base = "/v2/models/" + model.name();

        Http.Response before = http.get(base + "/ready");
        assertThat(before.status()).isEqualTo(503);
        assertThat(before.json().get("ready").asBoolean()).isFalse();
        assertThat(http.get(base + "/versions/1/ready").status()).isEqualTo(503);

        float[] x = instances(model.inputShape(), 2, 5);
        Http.Response r = http.postJson(base + "/infer", """
                {"id": "req-1", "inputs": [{"name": "input", "shape": [2, 2, 6, 5], "datatype": "FP32", "data": %s}]}"""
                .formatted(ServingFixtures.JSON.writeValueAsString(x)));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("model_name").asString()).isEqualTo(model.name());
        assertThat(body.get("model_version").asString()).isEqualTo("1");
        assertThat(body.get("id").asString()).isEqualTo("req-1");
        JsonNode probabilities = body.get("outputs").get(0);
        assertThat(probabilities.get("name").asString()).isEqualTo("probabilities");
        assertThat(probabilities.get("datatype").asString()).isEqualTo("FP32");
        assertThat(probabilities.get("shape").toString()).isEqualTo("[2,3]");
        assertThat(floats(probabilities.get("data"))).containsExactly(model.expected(x, 2).data(), within(1e-5f));
        JsonNode label = body.get("outputs").get(1);
        assertThat(label.get("name").asString()).isEqualTo("label");
        assertThat(label.get("datatype").asString()).isEqualTo("BYTES");
        assertThat(label.get("data")).hasSize(2);

        assertThat(http.get(base + "/ready").json().get("ready").asBoolean()).isTrue();
        assertThat(http.get(base + "/versions/1/ready").status()).isEqualTo(200);
    }

    @Test
    void metadataDescribesTheTensors() {
        Served model = model(Family.CNN);

        JsonNode meta = http.get("/v2/models/" + model.name()).json();

        assertThat(meta.get("name").asString()).isEqualTo(model.name());
        assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
        assertThat(meta.get("platform").asString()).isEqualTo("deeplearning4j");
        assertThat(meta.get("inputs").toString())
                .isEqualTo("[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,2,6,5]}]");
        assertThat(meta.get("outputs").toString()).isEqualTo("[{\"name\":\"probabilities\",\"datatype\":\"FP32\","
                + "\"shape\":[-1,3]},{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]}]");
        assertThat(http.get("/v2/models/" + model.name() + "/versions/1").json().get("versions").toString())
                .isEqualTo("[\"1\"]");
    }

    @Test
    void nestedDataAndRequestedOutputsOfAnAutoencoder() {
        Served model = model(Family.AUTOENCODER);
        float[] x = instances(model.inputShape(), 2, 6);
        String nested = ServingFixtures.instancesJson(model.inputShape(), x, 2);

        Http.Response r = http.postJson("/v2/models/" + model.name() + "/versions/1/infer", """
                {"inputs": [{"name": "input", "shape": [2, 12], "datatype": "FP32", "data": %s}],
                 "outputs": [{"name": "latent"}, {"name": "reconstruction_error"}]}""".formatted(nested));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode outputs = r.json().get("outputs");
        assertThat(outputs).hasSize(2);
        assertThat(outputs.get(0).get("shape").toString()).isEqualTo("[2,3]");
        Tensor latent = model.expectedLatent(x, 2);
        assertThat(floats(outputs.get(0).get("data"))).containsExactly(latent.data(), within(1e-5f));
        assertThat(outputs.get(1).get("shape").toString()).isEqualTo("[2]");
        assertThat(outputs.get(1).get("data")).hasSize(2);
    }

    @Test
    void errorsUseTheProtocolsErrorObject() {
        Served model = model(Family.MLP);
        String infer = "/v2/models/" + model.name() + "/infer";

        Http.Response unknown = http.postJson("/v2/models/missing-model/infer", "{\"inputs\": []}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asString()).contains("missing-model");

        Http.Response wrongShape = http.postJson(infer,
                "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 5], \"datatype\": \"FP32\", \"data\": [1,2,3,4,5]}]}");
        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.json().get("error").asString()).contains("[batch, 4]");

        Http.Response wrongCount = http.postJson(infer,
                "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [1,2,3,4]}]}");
        assertThat(wrongCount.status()).isEqualTo(400);
        assertThat(wrongCount.json().get("error").asString()).contains("must hold 8 numbers");

        Http.Response wrongType = http.postJson(infer,
                "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"INT64\", \"data\": [1,2,3,4]}]}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("error").asString()).contains("FP32");

        Http.Response malformed = http.postJson(infer, "{\"inputs\": [");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/json");
        assertThat(malformed.json().has("error")).isTrue();

        Http.Response badOutput = http.postJson(infer, "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], "
                + "\"datatype\": \"FP32\", \"data\": [1,2,3,4]}], \"outputs\": [{\"name\": \"latent\"}]}");
        assertThat(badOutput.status()).isEqualTo(400);
        assertThat(badOutput.json().get("error").asString()).contains("probabilities");

        assertThat(http.get("/v2/models/" + model.name() + "/versions/x/ready").status()).isEqualTo(404);
        assertThat(http.get("/v2/models/" + model.name() + "/versions/+1/ready").status()).as("not version 1")
                .isEqualTo(404);
        assertThat(http.get("/v2/models/" + model.name() + "/versions/%EF%BC%91/ready").status())
                .as("a full-width 1 is not version 1").isEqualTo(404);
    }

    @Test
    void aRequestedOutputWithoutANameIsNamedNotAFailure() {
        Served model = model(Family.MLP);
        String infer = "/v2/models/" + model.name() + "/infer";
        String input = "{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1,2,3,4]}";

        Map<String, String> cases = Map.of("[{}]", "/outputs/0/name", "[{\"name\": null}]", "/outputs/0/name",
                "[{\"name\": \"label\"}, {}]", "/outputs/1/name");
        cases.forEach((outputs, pointer) -> {
            Http.Response r = http.postJson(infer, "{\"inputs\": [" + input + "], \"outputs\": " + outputs + "}");

            assertThat(r.status()).as(outputs + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asString()).contains(pointer + ": ")
                    .contains("one of this model's outputs [probabilities, label]");
        });
    }

    @Test
    void anAcceptHeaderThatCannotBeMetIs406NamingJson() {
        Served model = model(Family.MLP);
        String base = "/v2/models/" + model.name();
        String body = "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", "
                + "\"data\": [1,2,3,4]}]}";

        for (String accept : List.of("application/xml", "text/plain")) {
            for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2", base, base + "/ready",
                    base + "/versions/1")) {
                Http.Response r = http.send(HttpRequest.newBuilder(http.uri(path)).header("Accept", accept).GET());
                assertThat(r.status()).as(accept + " " + path + ": " + r.body()).isEqualTo(406);
                assertThat(r.json().get("error").asString()).contains("application/json");
            }
            Http.Response r = http.send(HttpRequest.newBuilder(http.uri(base + "/infer")).header("Accept", accept)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.status()).as(accept + " infer: " + r.body()).isEqualTo(406);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.json().get("error").asString()).contains("application/json");
        }
    }

    @Test
    void inputsFarOutsideTheTrainingDataAre422NotNaN() {
        Served mlp = model(Family.MLP);
        Http.Response r = http.postJson("/v2/models/" + mlp.name() + "/infer", """
                {"inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
                             "data": [5.1, 3.5, 1.4, 0.2, 3.4e38, -3.4e38, 3.4e38, -3.4e38]}]}""");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().get("error").asString()).contains("/inputs/0/data").contains("instance 1")
                .contains("not finite");

        Http.Response labelOnly = http.postJson("/v2/models/" + mlp.name() + "/infer", """
                {"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32",
                             "data": [3.4e38, -3.4e38, 3.4e38, -3.4e38]}],
                 "outputs": [{"name": "label"}]}""");
        assertThat(labelOnly.status()).as(labelOnly.body()).isEqualTo(422);

        // The network's output stays finite here; squaring its difference from the input does not.
        Served autoencoder = model(Family.AUTOENCODER);
        for (String outputs : List.of("", ", \"outputs\": [{\"name\": \"reconstruction_error\"}]")) {
            Http.Response ae = http.postJson("/v2/models/" + autoencoder.name() + "/infer", """
                    {"inputs": [{"name": "input", "shape": [1, 12], "datatype": "FP32",
                                 "data": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3.4e38]}]%s}""".formatted(outputs));
            assertThat(ae.status()).as(outputs + ": " + ae.body()).isEqualTo(422);
            assertThat(ae.json().get("error").asString()).contains("/inputs/0/data").contains("instance 0");
        }
    }

    @Test
    void nestedDataMustFollowTheShape() {
        Served model = model(Family.MLP);
        String infer = "/v2/models/" + model.name() + "/infer";
        String request = "{\"inputs\": [{\"name\": \"input\", \"shape\": %s, \"datatype\": \"FP32\", \"data\": %s}]}";

        Http.Response ragged = http.postJson(infer, request.formatted("[1, 4]", "[[5.1], [3.5, 1.4, 0.2]]"));
        assertThat(ragged.status()).as(ragged.body()).isEqualTo(400);
        assertThat(ragged.json().get("error").asString()).contains("/inputs/0/data").contains("[1, 4]");

        Http.Response transposed = http.postJson(infer, request.formatted("[2, 4]", "[[1, 2], [3, 4], [5, 6], [7, 8]]"));
        assertThat(transposed.status()).as(transposed.body()).isEqualTo(400);
        assertThat(transposed.json().get("error").asString()).contains("/inputs/0/data");

        Http.Response inner = http.postJson(infer, request.formatted("[2, 4]", "[[1, 2, 3, 4], [5, 6, 7]]"));
        assertThat(inner.status()).as(inner.body()).isEqualTo(400);
        assertThat(inner.json().get("error").asString()).contains("/inputs/0/data/1");

        Http.Response mixed = http.postJson(infer, request.formatted("[2, 4]", "[1, 2, 3, 4, [5, 6, 7, 8]]"));
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(400);

        assertThat(http.postJson(infer, request.formatted("[2, 4]", "[[1, 2, 3, 4], [5, 6, 7, 8]]")).status())
                .isEqualTo(200);
        assertThat(http.postJson(infer, request.formatted("[2, 4]", "[1, 2, 3, 4, 5, 6, 7, 8]")).status())
                .isEqualTo(200);
    }
}
