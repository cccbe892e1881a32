package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.support.Http;
import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import io.trainyard.system.ThreadPriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Jobs end to end through HTTP on PostgreSQL: upload real or generated data, submit, train on the worker, and
 * check that learning happened (loss falls, accuracy beats chance), that checkpoints and the model exist, and
 * that cancel and divergence end the way they should.
 */
@TrainingApiTest
class TrainingLifecycleTest {

    private static final Path IRIS = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv");

    @LocalServerPort
    int port;
    @org.springframework.beans.factory.annotation.Autowired
    io.trainyard.storage.ObjectStore objects;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    // ---- data ---------------------------------------------------------------------------------------------

    /**
     * sklearn's iris.csv starts with "150,4,setosa,versicolor,virginica" instead of a header, and holds class
     * indices; give it the header the service expects and the species names as labels.
     */
    private String uploadIris() throws IOException {
        return uploadIris(true);
    }

    private String uploadIris(boolean speciesNames) throws IOException {
        List<String> lines = Files.readAllLines(IRIS);
        String[] species = lines.get(0).strip().split(",");
        StringBuilder csv = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                String[] cells = line.strip().split(",");
                csv.append(String.join(",", java.util.Arrays.copyOf(cells, 4))).append(',')
                        .append(speciesNames ? species[2 + Integer.parseInt(cells[4])] : cells[4]).append('\n');
            }
        }
        return upload(new Multipart().field("name", "iris").field("label", "species")
                .file("file", "iris.csv", csv.toString()));
    }

    /** 8x8 single-channel images: a bright bar on the left (class 0) or on the right (class 1), plus noise. */
    private String uploadBars() {
        int n = 160;
        double[] x = new double[n * 64];
        double[] y = new double[n];
        Random random = new Random(3);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            y[i] = label;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    boolean bar = label == 0 ? c < 3 : c > 4;
                    x[i * 64 + r * 8 + c] = (bar ? 200 : 30) + random.nextInt(40);
                }
            }
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyWriter.npy("<f4", new int[] {n, 1, 8, 8}, x));
        arrays.put("y", NpyWriter.npy("<i8", new int[] {n}, y));
        return upload(new Multipart().field("name", "bars").file("file", "bars.npz", NpyWriter.npz(arrays, true)));
    }

    /** Sequences of 12 steps: rising (class 1) or falling (class 0) noisy ramps. */
    private String uploadRamps() {
        int n = 160;
        int t = 12;
        double[] x = new double[n * t];
        double[] y = new double[n];
        Random random = new Random(5);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            y[i] = label;
            double start = random.nextDouble();
            for (int s = 0; s < t; s++) {
                x[i * t + s] = start + (label == 1 ? 0.1 : -0.1) * s + random.nextGaussian() * 0.05;
            }
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyWriter.npy("<f4", new int[] {n, t, 1}, x));
        arrays.put("y", NpyWriter.npy("<i8", new int[] {n}, y));
        return upload(new Multipart().field("name", "ramps").field("layout", "sequence")
                .file("file", "ramps.npz", NpyWriter.npz(arrays, true)));
    }

    /**
     * Padded sequences of 2 to 8 steps; the label is the sign of the last real step, and the padding is noise from
     * the same distribution. Read at step 8 regardless of the mask, at most the full-length fifth is learnable.
     */
    private String uploadPaddedSigns() {
        int n = 320;
        int t = 8;
        double[] x = new double[n * t];
        double[] y = new double[n];
        double[] mask = new double[n * t];
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            int length = 2 + random.nextInt(t - 1);
            for (int s = 0; s < t; s++) {
                x[i * t + s] = random.nextGaussian();
                mask[i * t + s] = s < length ? 1 : 0;
            }
            y[i] = x[i * t + length - 1] > 0 ? 1 : 0;
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyWriter.npy("<f4", new int[] {n, t, 1}, x));
        arrays.put("y", NpyWriter.npy("<i8", new int[] {n}, y));
        arrays.put("mask", NpyWriter.npy("<f4", new int[] {n, t}, mask));
        return upload(new Multipart().field("name", "padded-signs").field("layout", "sequence")
                .file("file", "padded.npz", NpyWriter.npz(arrays, true)));
    }

    private String upload(Multipart form) {
        Http.Response r = http.send(form.post(http.uri("/api/v1/datasets")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    // ---- jobs ---------------------------------------------------------------------------------------------

    private String submit(String name, String datasetId, String spec) {
        Http.Response r = http.postJson("/api/v1/jobs",
                "{\"name\":\"" + name + "\",\"datasetId\":\"" + datasetId + "\",\"spec\":" + spec + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("state").asString()).isEqualTo("QUEUED");
        return r.json().get("id").asString();
    }

    private JsonNode awaitState(String id, String... states) {
        List<String> wanted = List.of(states);
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = http.get("/api/v1/jobs/" + id).json();
            return wanted.contains(last[0].get("state").asString());
        });
        return last[0];
    }

    private List<JsonNode> history(String id) {
        JsonNode body = http.get("/api/v1/jobs/" + id + "/metrics").json();
        JsonNode items = body.isArray() ? body : body.get("items");
        List<JsonNode> epochs = new ArrayList<>();
        items.forEach(epochs::add);
        return epochs;
    }

    private static double metric(JsonNode epoch, String name) {
        JsonNode metrics = epoch.has("metrics") ? epoch.get("metrics") : epoch;
        return metrics.get(name).asDouble();
    }

    private void assertLearned(String id, int epochs, double minAccuracy) {
        JsonNode job = awaitState(id, "SUCCEEDED", "FAILED", "CANCELLED");
        assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<JsonNode> history = history(id);
        assertThat(history).hasSize(epochs);
        double firstLoss = metric(history.get(0), "loss");
        double lastLoss = metric(history.get(history.size() - 1), "loss");
        assertThat(lastLoss).as("training loss falls").isLessThan(firstLoss * 0.8);
        assertThat(metric(history.get(history.size() - 1), "validationAccuracy")).as("beats chance")
                .isGreaterThanOrEqualTo(minAccuracy);
        JsonNode checkpoints = http.get("/api/v1/jobs/" + id + "/checkpoints").json().get("items");
        assertThat(checkpoints.size()).isBetween(1, 3 + 1);
        assertThat(checkpoints.get(checkpoints.size() - 1).get("epoch").asInt()).isEqualTo(epochs);
    }

    @Test
    void anMlpLearnsIrisAndBecomesAModelVersion() throws Exception {
        String dataset = uploadIris();
        String name = "iris-" + UUID.randomUUID().toString().substring(0, 6);
        String id = submit(name, dataset, """
                {"task":{"type":"classification"},
                 "layers":[{"type":"dense","units":16,"activation":"relu"}],
                 "optimizer":{"type":"adam","learningRate":0.05},
                 "training":{"epochs":12,"batchSize":16,"seed":7,"validation":{"fraction":0.2}}}""");

        assertLearned(id, 12, 0.8);
        Integer mine = ThreadPriority.currentNice();
        if (mine != null && mine < 10 && !ThreadPriority.compilerThreadsNice().isEmpty()) { // Linux, not run niced
            assertThat(ThreadPriority.compilerThreadsNice()).as("a job lowers the JIT compiler threads (trainyard.training.compiler-threads-nice=10 here)")
                    .containsOnly(10);
            assertThat(ThreadPriority.currentNice()).as("and no other thread").isEqualTo(mine);
        }
        JsonNode last = history(id).get(11);
        assertThat(metric(last, "validationMacroF1")).isGreaterThan(0.7);
        assertThat(last.toString()).contains("learningRate").contains("samplesPerSecond").contains("\"fit\"");

        JsonNode model = http.get("/api/v1/models/" + name).json();
        assertThat(model.get("latestVersion").asInt()).isEqualTo(1);
        JsonNode version = model.get("versions").get(0);
        assertThat(version.get("jobId").asString()).isEqualTo(id);
        assertThat(version.get("outputLabels").toString()).contains("setosa", "versicolor", "virginica");
        JsonNode job = http.get("/api/v1/jobs/" + id).json();
        assertThat(job.get("progress").get("epoch").asInt()).isEqualTo(12);
        assertThat(job.get("model").get("name").asString()).isEqualTo(name);
        assertThat(job.get("model").get("version").asInt()).isEqualTo(1);

        // Continue for 4 more epochs from the last checkpoint, with its optimizer state: a new job, a new version.
        Http.Response continued = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":4}");
        assertThat(continued.status()).as(continued.body()).isEqualTo(201);
        String next = continued.json().get("id").asString();
        assertThat(continued.json().get("progress").get("totalEpochs").asInt()).isEqualTo(16);
        JsonNode done = awaitState(next, "SUCCEEDED", "FAILED", "CANCELLED");
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        List<JsonNode> more = history(next);
        assertThat(more).extracting(e -> e.get("epoch").asInt()).containsExactly(13, 14, 15, 16);
        assertThat(metric(more.get(0), "loss")).as("continues where it stopped, not from scratch")
                .isLessThan(metric(history(id).get(0), "loss"));
        assertThat(done.get("model").get("version").asInt()).isEqualTo(2);

        assertThat(http.postJson("/api/v1/jobs/" + id + "/continue", "{}").status()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/jobs/" + id + "/continue",
                "{\"epochs\":1,\"checkpointId\":\"" + UUID.randomUUID() + "\"}").status()).isEqualTo(400);
        Http.Response blankId = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":1,\"checkpointId\":\" \"}");
        assertThat(blankId.status()).as("not \"the latest checkpoint\"").isEqualTo(400);
        assertThat(blankId.json().at("/errors/0/pointer").asString()).isEqualTo("/checkpointId");
        Http.Response pastTheLimit = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":9990}");
        assertThat(pastTheLimit.status()).as("12 + 9990 epochs is past trainyard.spec.max-epochs (10000)")
                .isEqualTo(400);
        assertThat(pastTheLimit.json().at("/errors/0/pointer").asString()).isEqualTo("/epochs");
        assertThat(pastTheLimit.json().at("/errors/0/message").asString()).contains("at most 9988");

        // Without its dataset there is nothing to continue on.
        assertThat(http.send("DELETE", "/api/v1/datasets/" + dataset, null, null).status()).isEqualTo(204);
        Http.Response noData = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":1}");
        assertThat(noData.status()).as(noData.body()).isEqualTo(409);
        assertThat(noData.json().get("detail").asString()).contains("has been deleted");
        assertThat(http.send("DELETE", "/api/v1/jobs/" + id, null, null).status()).isEqualTo(204);
    }

    @Test
    void anotherDatasetCanBeTheValidationData() throws Exception {
        String training = uploadIris();
        String numbered = uploadIris(false);
        Http.Response otherClasses = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + training
                + "\",\"spec\":{\"task\":{\"type\":\"classification\"},\"layers\":[{\"type\":\"dense\",\"units\":4}],"
                + "\"training\":{\"validation\":{\"dataset\":\"" + numbered + "\"}}}}");
        assertThat(otherClasses.status()).as("classes are matched by name: 0, 1, 2 are not setosa ...").isEqualTo(400);
        assertThat(otherClasses.json().at("/errors/0/pointer").asString())
                .isEqualTo("/spec/training/validation/dataset");
        assertThat(otherClasses.json().at("/errors/0/message").asString()).contains("holds classes [0, 1, 2]");
        String reordered = upload(new Multipart().field("label", "species").file("file", "swapped.csv",
                "sepal_width,sepal_length,petal_length,petal_width,species\n3.5,5.1,1.4,0.2,setosa\n"
                        + "3.2,7.0,4.7,1.4,versicolor\n3.3,6.3,6.0,2.5,virginica\n"));
        Http.Response swapped = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + training
                + "\",\"spec\":{\"task\":{\"type\":\"classification\"},\"layers\":[{\"type\":\"dense\",\"units\":4}],"
                + "\"training\":{\"validation\":{\"dataset\":\"" + reordered + "\"}}}}");
        assertThat(swapped.status()).as("features are read by position").isEqualTo(400);
        assertThat(swapped.json().at("/errors/0/message").asString()).contains("same columns in the same order");
        Http.Response notAnId = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + training
                + "\",\"spec\":{\"task\":{\"type\":\"classification\"},\"layers\":[{\"type\":\"dense\",\"units\":4}],"
                + "\"training\":{\"epochs\":\"x\",\"validation\":{\"dataset\":{\"id\":1}}}}}");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.json().at("/errors/0/pointer").asString()).isEqualTo("/spec/training/epochs");
        assertThat(notAnId.json().at("/errors/0/message").asString()).as("the same words as for a request body")
                .startsWith("must be an integer").doesNotContain("deserialize");
        String validation = uploadIris();
        String id = submit("iris-held-out-" + UUID.randomUUID().toString().substring(0, 6), training, """
                {"task":{"type":"classification"},"layers":[{"type":"dense","units":8,"activation":"relu"}],
                 "optimizer":{"type":"adam","learningRate":0.05},
                 "training":{"epochs":3,"batchSize":16,"seed":1,"validation":{"dataset":"%s"}}}""".formatted(validation));

        JsonNode done = awaitState(id, "SUCCEEDED", "FAILED", "CANCELLED");
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(history(id).get(2).toString()).contains("validationAccuracy");

        assertThat(http.send("DELETE", "/api/v1/datasets/" + validation, null, null).status()).isEqualTo(204);
        Http.Response continued = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":1}");
        assertThat(continued.status()).as("it would fail when it starts: " + continued.body()).isEqualTo(409);
        assertThat(continued.json().get("detail").asString()).contains(validation).contains("validated on");
    }

    @Test
    void aContinuationWhoseCheckpointIsLostFailsInsteadOfStartingOver() throws Exception {
        String dataset = uploadIris();
        String id = submit("iris-lost-" + UUID.randomUUID().toString().substring(0, 6), dataset, """
                {"task":{"type":"classification"},"layers":[{"type":"dense","units":8,"activation":"relu"}],
                 "training":{"epochs":1,"batchSize":16,"seed":1}}""");
        assertThat(awaitState(id, "SUCCEEDED", "FAILED", "CANCELLED").get("state").asString()).isEqualTo("SUCCEEDED");
        for (var object : objects.list("checkpoints/" + id + "/")) {
            objects.delete(object.key());
        }

        Http.Response continued = http.postJson("/api/v1/jobs/" + id + "/continue", "{\"epochs\":2}");
        assertThat(continued.status()).as(continued.body()).isEqualTo(201);
        JsonNode done = awaitState(continued.json().get("id").asString(), "SUCCEEDED", "FAILED", "CANCELLED");

        assertThat(done.get("state").asString()).as("a fresh network is not a next version of the model")
                .isEqualTo("FAILED");
        assertThat(done.get("failureReason").asString()).contains("can no longer be loaded").contains(id)
                .contains("its bytes are missing from the object store");
        assertThat(done.get("attempt").asInt()).as("not retried: the bytes will not come back").isEqualTo(1);
    }

    @Test
    void aCnnLearnsToTellBarsApart() {
        String dataset = uploadBars();
        String id = submit("bars-cnn", dataset, """
                {"task":{"type":"classification"},
                 "layers":[{"type":"convolution2d","filters":4,"kernel":3,"activation":"relu"},
                           {"type":"pooling2d","pooling":"max","kernel":2},
                           {"type":"dense","units":8,"activation":"relu"}],
                 "optimizer":{"type":"adam","learningRate":0.01},
                 "training":{"epochs":6,"batchSize":16,"seed":3}}""");

        assertLearned(id, 6, 0.75);
    }

    /** An LSTM read at its last (real) step, 8 epochs: the spec of both sequence jobs. */
    private static final String LSTM_CLASSIFIER = """
            {"task":{"type":"classification"},
             "layers":[{"type":"lstm","units":8},{"type":"last_time_step"}],
             "optimizer":{"type":"adam","learningRate":0.02},
             "training":{"epochs":8,"batchSize":16,"seed":5}}""";

    @Test
    void anLstmLearnsWhichWayASequenceRuns() {
        String dataset = uploadRamps();
        String id = submit("ramps-lstm", dataset, LSTM_CLASSIFIER);

        assertLearned(id, 8, 0.75);
    }

    @Test
    void anLstmReadsPaddedSequencesUpToTheirMask() {
        String dataset = uploadPaddedSigns();
        String id = submit("padded-lstm", dataset, LSTM_CLASSIFIER);

        // Without the mask the last step is noise for four sequences in five: about 0.6 at best.
        assertLearned(id, 8, 0.85);
    }

    @Test
    void aRunningJobCancelsWithinABatchAndKeepsItsCheckpoints() throws Exception {
        String dataset = uploadIris();
        String id = submit("long-iris", dataset, """
                {"task":{"type":"classification"},"layers":[{"type":"dense","units":64}],
                 "training":{"epochs":5000,"batchSize":4,"seed":1}}""");
        await().atMost(Duration.ofMinutes(3)).until(() -> !history(id).isEmpty());

        Http.Response cancel = http.send("POST", "/api/v1/jobs/" + id + "/cancel", null, null);
        assertThat(cancel.status()).isIn(200, 202);

        JsonNode job = awaitState(id, "CANCELLED", "FAILED", "SUCCEEDED");
        assertThat(job.get("state").asString()).isEqualTo("CANCELLED");
        assertThat(http.get("/api/v1/jobs/" + id + "/checkpoints").json().get("items").size()).isPositive();
        assertThat(history(id).size()).isLessThan(5000);
    }

    @Test
    void earlyStoppingEndsAJobAsSucceededBeforeItsLastEpoch() throws Exception {
        String dataset = uploadIris();
        // A name of its own: the model's first version even when the test database keeps an earlier run's models.
        String id = submit("stops-early-" + UUID.randomUUID().toString().substring(0, 6), dataset, """
                {"task":{"type":"classification"},"layers":[{"type":"dense","units":8}],
                 "training":{"epochs":500,"batchSize":16,"seed":2,"validation":{"fraction":0.2},
                             "earlyStopping":{"metric":"validation_loss","patience":1,"minDelta":10.0}}}""");

        JsonNode job = awaitState(id, "SUCCEEDED", "FAILED", "CANCELLED");
        assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
        // No epoch can improve validation loss by 10: the first sets the best, the second exhausts patience 1.
        assertThat(history(id)).hasSize(2);
        assertThat(job.get("model").get("version").asInt()).isEqualTo(1);
    }

    @Test
    void aDivergingJobFailsWithAdvice() throws Exception {
        String dataset = uploadIris(false);
        String id = submit("diverge", dataset, """
                {"task":{"type":"regression"},
                 "layers":[{"type":"dense","units":32,"activation":"identity"},
                           {"type":"dense","units":32,"activation":"identity"}],
                 "optimizer":{"type":"sgd","learningRate":10.0},
                 "training":{"epochs":50,"batchSize":8,"seed":1}}""");

        JsonNode job = awaitState(id, "FAILED", "SUCCEEDED");
        assertThat(job.get("state").asString()).isEqualTo("FAILED");
        assertThat(job.get("failureReason").asString()).contains("diverged at epoch").contains("learning rate");
        assertThat(job.get("attempt").asInt()).as("divergence is not retried").isEqualTo(1);
    }

    @Test
    void aSpecThatDoesNotFitTheDatasetIsRefusedWithPointers() throws Exception {
        String dataset = uploadIris();

        Http.Response wrongInput = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + dataset
                + "\",\"spec\":{\"input\":{\"type\":\"features\",\"size\":5},\"task\":{\"type\":\"classification\"},"
                + "\"layers\":[{\"type\":\"dense\",\"units\":4}]}}");
        assertThat(wrongInput.status()).isEqualTo(400);
        assertThat(wrongInput.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/spec/input");
        assertThat(wrongInput.json().get("errors").get(0).get("message").asString()).contains("features of size 4");

        Http.Response wrongClasses = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + dataset
                + "\",\"spec\":{\"task\":{\"type\":\"classification\",\"classes\":5},"
                + "\"layers\":[{\"type\":\"dense\",\"units\":4}]}}");
        assertThat(wrongClasses.status()).isEqualTo(400);
        assertThat(wrongClasses.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/spec/task/classes");

        Http.Response badLayer = http.postJson("/api/v1/jobs", "{\"name\":\"x\",\"datasetId\":\"" + dataset
                + "\",\"spec\":{\"task\":{\"type\":\"classification\"},"
                + "\"layers\":[{\"type\":\"dense\",\"units\":0}]}}");
        assertThat(badLayer.status()).isEqualTo(400);
        assertThat(badLayer.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/spec/layers/0/units");
    }
}
