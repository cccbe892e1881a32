package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.engine.Tensor;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.inference.ServingFixtures.Served;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import io.trainyard.support.PostgresIntegrationTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A whole uploaded dataset through a model in the background, downloadable as CSV and NPY; its state in the table,
 * so any replica answers for it and a task whose replica died runs again.
 */
@PostgresIntegrationTest
@org.springframework.test.context.TestPropertySource(properties = "trainyard.inference.batch-predictions.enabled=true")
class BatchPredictionTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aCsvDatasetIsPredictedAndDownloadable() throws Exception {
        Http http = new Http(port);
        Served model = ServingFixtures.register(registry, "batch-" + UUID.randomUUID().toString().substring(0, 8),
                Family.MLP, 1);
        int n = 300; // more than one chunk
        Random random = new Random(5);
        float[] x = new float[n * 4];
        StringBuilder csv = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = Math.round(random.nextFloat() * 70) / 10f;
                csv.append(x[i * 4 + j]).append(',');
            }
            csv.append(i % 2 == 0 ? "setosa" : "virginica").append('\n');
        }
        UUID dataset = upload(http, csv.toString());
        String base = "/api/v1/models/" + model.name() + "/batch-predictions";

        Http.Response submitted = http.postJson(base, "{\"datasetId\": \"" + dataset + "\"}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String id = submitted.json().get("id").asString();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                !http.get(base + "/" + id).json().get("state").asString().matches("QUEUED|RUNNING"));

        JsonNode status = http.get(base + "/" + id).json();
        assertThat(status.get("state").asString()).as(status.toString()).isEqualTo("SUCCEEDED");
        assertThat(status.get("done").asLong()).isEqualTo(n);
        assertThat(status.get("version").asInt()).isEqualTo(1);

        Tensor expected = model.expected(x, n);
        String[] lines = http.get(base + "/" + id + "/predictions.csv").body().split("\n");
        assertThat(lines).hasSize(n + 1);
        assertThat(lines[0]).isEqualTo("index,label,probability,p_setosa,p_versicolor,p_virginica");
        for (int i = 0; i < n; i++) {
            String[] cells = lines[i + 1].split(",");
            assertThat(Integer.parseInt(cells[0])).isEqualTo(i);
            assertThat(cells[1]).isEqualTo(Family.MLP.classNames.get(PredictApiTest.argmax(expected.row(i))));
            for (int k = 0; k < 3; k++) {
                assertThat(Float.parseFloat(cells[3 + k])).isCloseTo(expected.row(i)[k], within(1e-5f));
            }
        }

        HttpResponse<byte[]> npy = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(http.uri(base + "/" + id + "/predictions.npy")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = npy.body();
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).contains("'descr': '<f4'").contains("'shape': (300, 3)");
        assertThat((10 + headerLength) % 64).isZero();
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.remaining()).isEqualTo(n * 3 * 4);
        for (int i = 0; i < n * 3; i++) {
            assertThat(data.getFloat()).isCloseTo(expected.data()[i], within(1e-5f));
        }
    }

    @Test
    void aDatasetOfAnotherShapeOrNoneIsRefused() throws Exception {
        Http http = new Http(port);
        Served model = ServingFixtures.register(registry, "batch-" + UUID.randomUUID().toString().substring(0, 8),
                Family.MLP, 1);
        UUID other = upload(http, "a,b,label\n1,2,x\n3,4,y\n");
        String base = "/api/v1/models/" + model.name() + "/batch-predictions";

        Http.Response wrongShape = http.postJson(base, "{\"datasetId\": \"" + other + "\"}");
        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/datasetId");
        Http.Response unknown = http.postJson(base, "{\"datasetId\": \"" + UUID.randomUUID() + "\"}");
        assertThat(unknown.status()).as("a wrong value in the body, as for jobs").isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/datasetId");
        assertThat(http.postJson(base, "{}").status()).isEqualTo(400);
        assertThat(http.get(base + "/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void aTaskIsVisibleFromEveryReplica() {
        Http http = new Http(port);
        UUID id = UUID.randomUUID();
        // another replica is running it right now: this replica answers from the table and leaves it alone
        insert(id, "iris-elsewhere", UUID.randomUUID(), "RUNNING", 1, "other-replica", Instant.now().plusSeconds(600));
        jdbc.sql("UPDATE batch_predictions SET done = 256 WHERE id = :id").param("id", id).update();
        try {
            Http.Response r = http.get("/api/v1/models/iris-elsewhere/batch-predictions/" + id);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("state").asString()).isEqualTo("RUNNING");
            assertThat(r.json().get("done").asLong()).isEqualTo(256);
            assertThat(r.json().get("attempt").asInt()).isEqualTo(1);
            assertThat(http.get("/api/v1/models/iris-elsewhere/batch-predictions/" + id + "/predictions.csv").status())
                    .isEqualTo(409);
            assertThat(http.get("/api/v1/models/another-model/batch-predictions/" + id).status()).isEqualTo(404);
        } finally {
            jdbc.sql("DELETE FROM batch_predictions WHERE id = :id").param("id", id).update();
        }
    }

    @Test
    void aTaskWhoseReplicaDiedIsRunAgainElsewhere() throws Exception {
        Http http = new Http(port);
        Served model = ServingFixtures.register(registry, "batch-" + UUID.randomUUID().toString().substring(0, 8),
                Family.MLP, 1);
        UUID dataset = upload(http, "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n6.7,3.0,5.2,2.3,virginica\n");
        UUID id = UUID.randomUUID();
        // its replica died mid-run: the lease ran out
        insert(id, model.name(), dataset, "RUNNING", 1, "dead-replica", Instant.now().minusSeconds(1));
        String base = "/api/v1/models/" + model.name() + "/batch-predictions/" + id;

        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                http.get(base).json().get("state").asString().equals("SUCCEEDED"));
        JsonNode status = http.get(base).json();
        assertThat(status.get("attempt").asInt()).isEqualTo(2);
        assertThat(status.get("done").asLong()).isEqualTo(2);
        assertThat(http.get(base + "/predictions.csv").body().split("\n")).hasSize(3);
    }

    @Test
    void aTaskThatOutlivedItsLastAttemptFailsWithAReason() {
        Http http = new Http(port);
        UUID id = UUID.randomUUID();
        insert(id, "iris-crashing", UUID.randomUUID(), "RUNNING", 3, "dead-replica", Instant.now().minusSeconds(1));
        String base = "/api/v1/models/iris-crashing/batch-predictions/" + id;

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                http.get(base).json().get("state").asString().equals("FAILED"));
        assertThat(http.get(base).json().get("error").asString()).contains("3 times").contains("Resubmit");
    }

    private void insert(UUID id, String model, UUID dataset, String state, int attempt, String owner,
            Instant leaseExpiresAt) {
        jdbc.sql("""
                INSERT INTO batch_predictions (id, team_id, model_name, model_version, dataset_id, state, examples,
                                               done, attempt, lease_owner, lease_expires_at, created_at, started_at)
                VALUES (:id, 'default', :model, 1, :dataset, :state, 2, 0, :attempt, :owner, :expires, :now, :now)""")
                .param("id", id).param("model", model).param("dataset", dataset).param("state", state)
                .param("attempt", attempt).param("owner", owner).param("expires", Timestamp.from(leaseExpiresAt))
                .param("now", Timestamp.from(Instant.now())).update();
    }

    @Test
    void paddedSequencesArePredictedUpToTheirMask() throws Exception {
        Http http = new Http(port);
        Served model = ServingFixtures.register(registry, "batch-" + UUID.randomUUID().toString().substring(0, 8),
                Family.LSTM, 2);
        int n = 40;
        int steps = 8;
        Random random = new Random(8);
        double[] x = new double[n * steps * 3];
        double[] mask = new double[n * steps];
        float[] xf = new float[x.length];
        float[] maskf = new float[mask.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
            xf[i] = (float) x[i];
        }
        for (int i = 0; i < n; i++) {
            int length = 2 + i % (steps - 1);
            for (int t = 0; t < steps; t++) {
                mask[i * steps + t] = t < length ? 1 : 0;
                maskf[i * steps + t] = (float) mask[i * steps + t];
            }
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyWriter.npy("<f4", new int[] {n, steps, 3}, x));
        arrays.put("mask", NpyWriter.npy("<f4", new int[] {n, steps}, mask));
        Http.Response uploaded = http.send(new Multipart().field("name", "padded").field("layout", "sequence")
                .file("file", "padded.npz", NpyWriter.npz(arrays, true)).post(http.uri("/api/v1/datasets")));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        String base = "/api/v1/models/" + model.name() + "/batch-predictions";

        Http.Response submitted = http.postJson(base, "{\"datasetId\": \"" + uploaded.json().get("id").asString()
                + "\"}");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String id = submitted.json().get("id").asString();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                !http.get(base + "/" + id).json().get("state").asString().matches("QUEUED|RUNNING"));
        assertThat(http.get(base + "/" + id).json().get("state").asString()).isEqualTo("SUCCEEDED");

        Tensor features = ModelArtifact.features(model.artifact().metadata(), xf, n);
        Tensor expected = model.network().output(features, Tensor.of(maskf, n, steps));
        Tensor unmasked = model.network().output(features);
        String[] lines = http.get(base + "/" + id + "/predictions.csv").body().split("\n");
        assertThat(lines).hasSize(n + 1);
        int differ = 0;
        for (int i = 0; i < n; i++) {
            String[] cells = lines[i + 1].split(",");
            for (int k = 0; k < 2; k++) {
                assertThat(Float.parseFloat(cells[3 + k])).as("example %d", i)
                        .isCloseTo(expected.row(i)[k], within(1e-5f));
            }
            differ += Math.abs(expected.row(i)[0] - unmasked.row(i)[0]) > 1e-4 ? 1 : 0;
        }
        assertThat(differ).as("examples whose padding would have changed the answer").isGreaterThan(n / 2);
    }

    private static UUID upload(Http http, String csv) {
        String boundary = "----trainyard" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"label\"\r\n\r\n" + csv.substring(csv.lastIndexOf(',',
                        csv.indexOf('\n')) + 1, csv.indexOf('\n')) + "\r\n--" + boundary + "--\r\n";
        Http.Response r = http.send(HttpRequest.newBuilder(http.uri("/api/v1/datasets"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").asString());
    }
}
