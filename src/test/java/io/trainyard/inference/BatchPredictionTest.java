package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.engine.Tensor;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.inference.ServingFixtures.Served;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** A whole uploaded dataset through a model in the background, downloadable as CSV and NPY. */
@PostgresIntegrationTest
class BatchPredictionTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

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
        assertThat(http.postJson(base, "{\"datasetId\": \"" + UUID.randomUUID() + "\"}").status()).isEqualTo(404);
        assertThat(http.postJson(base, "{}").status()).isEqualTo(400);
        assertThat(http.get(base + "/" + UUID.randomUUID()).status()).isEqualTo(404);
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
