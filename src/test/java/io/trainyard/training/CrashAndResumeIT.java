package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.support.Http;
import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import io.trainyard.support.ServiceProcess;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The service process is killed (SIGKILL) in the middle of training and started again: the job resumes from its
 * last good checkpoint — here the newest one is also damaged on disk, so the one before it — and ends with exactly
 * the requested epochs, each recorded once. Runs the packaged jar on the embedded defaults (H2 + filesystem).
 */
class CrashAndResumeIT {

    private static final int EPOCHS = 16;
    private static final List<String> FAST_LEASES = List.of("--trainyard.jobs.lease-duration=PT6S",
            "--trainyard.jobs.heartbeat-interval=PT1S", "--trainyard.jobs.reaper-interval=PT1S",
            "--trainyard.jobs.poll-interval=PT0.5S", "--trainyard.training.progress-interval=PT0.5S");

    @TempDir
    Path workDir;

    @Test
    void aKilledServiceResumesTheJobFromItsLastGoodCheckpoint() throws Exception {
        String jobId;
        try (ServiceProcess first = new ServiceProcess(workDir, Map.of(), FAST_LEASES).start()) {
            Http http = first.awaitReady(Duration.ofMinutes(3));
            String dataset = upload(http);
            Http.Response submitted = http.postJson("/api/v1/jobs", "{\"name\":\"crash-test\",\"datasetId\":\""
                    + dataset + "\",\"spec\":{\"task\":{\"type\":\"classification\"},"
                    + "\"layers\":[{\"type\":\"dense\",\"units\":256,\"activation\":\"relu\"}],"
                    + "\"optimizer\":{\"type\":\"adam\",\"learningRate\":0.001},"
                    + "\"training\":{\"epochs\":" + EPOCHS + ",\"batchSize\":8,\"seed\":3,"
                    + "\"checkpoints\":{\"everyEpochs\":1,\"keepLast\":3,\"keepBest\":false}}}}");
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            jobId = submitted.json().get("id").asString();
            String id = jobId;
            // Polled often, so the kill comes within milliseconds of the last answered commit.
            int[] answered = new int[1];
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(10))
                    .until(() -> (answered[0] = epochs(http, id).size()) >= 4);

            first.kill();
            // What the service answered before it died was committed: it must be in the database afterwards
            // (H2 used to write commits in the background every 500 ms and lose the last ones to a SIGKILL).
            assertThat(storedEpochs(jobId)).as("epochs recorded before the crash").isGreaterThanOrEqualTo(answered[0]);
        }
        Path newest = newestCommittedCheckpoint(jobId);
        assertThat(newest).as("checkpoints were written before the crash").isNotNull();
        Files.write(newest, new byte[] {1, 2, 3, 4}); // torn or corrupted: size and checksum no longer match

        try (ServiceProcess second = new ServiceProcess(workDir, Map.of(), FAST_LEASES).start()) {
            Http http = second.awaitReady(Duration.ofMinutes(3));
            String id = jobId;
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
                    List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(
                            http.get("/api/v1/jobs/" + id).json().get("state").asString()));

            JsonNode job = http.get("/api/v1/jobs/" + id).json();
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("attempt").asInt()).as("the crash cost one attempt").isEqualTo(2);

            List<JsonNode> history = epochs(http, id);
            assertThat(history).extracting(e -> e.get("epoch").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, EPOCHS).boxed().toList());
            JsonNode resumed = history.stream().filter(e -> metrics(e).has("resumedFrom")).findFirst()
                    .orElseThrow(() -> new AssertionError("no epoch notes a resume: " + history + "\n" + log(second)));
            JsonNode skipped = metrics(resumed).get("skippedCheckpoints");
            assertThat(skipped).as("the damaged checkpoint was detected and skipped").hasSize(1);
            assertThat(skipped.get(0).get("reason").asString()).contains("size");
            int resumedFrom = metrics(resumed).get("resumedFrom").get("epoch").asInt();
            assertThat(skipped.get(0).get("epoch").asInt()).isGreaterThan(resumedFrom);
            assertThat(resumed.get("epoch").asInt()).isEqualTo(resumedFrom + 1);
            assertThat(second.log()).contains("resumes from checkpoint");

            assertThat(http.get("/api/v1/models/crash-test").json().get("latestVersion").asInt()).isEqualTo(1);
        }
    }

    private static JsonNode metrics(JsonNode epoch) {
        return epoch.has("metrics") ? epoch.get("metrics") : epoch;
    }

    private static List<JsonNode> epochs(Http http, String jobId) {
        JsonNode body = http.get("/api/v1/jobs/" + jobId + "/metrics").json();
        JsonNode items = body.isArray() ? body : body.get("items");
        List<JsonNode> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    private static String log(ServiceProcess service) {
        try {
            return service.log();
        } catch (java.io.IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * The newest checkpoint the dead service committed, read from its embedded database file: an object written
     * after the last commit is not a checkpoint (no row), so damaging it would prove nothing.
     */
    private Path newestCommittedCheckpoint(String jobId) throws Exception {
        try (Connection db = embeddedDatabase();
             PreparedStatement query = db.prepareStatement(
                     "SELECT object_key FROM checkpoints WHERE job_id = ? ORDER BY epoch DESC LIMIT 1")) {
            query.setObject(1, java.util.UUID.fromString(jobId));
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? workDir.resolve("data/objects").resolve(rs.getString(1)) : null;
            }
        }
    }

    private int storedEpochs(String jobId) throws Exception {
        try (Connection db = embeddedDatabase();
             PreparedStatement query = db.prepareStatement("SELECT count(*) FROM job_metrics WHERE job_id = ?")) {
            query.setObject(1, java.util.UUID.fromString(jobId));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The dead service's embedded database file, opened the way the service opens it. */
    private Connection embeddedDatabase() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + workDir.resolve("data/trainyard")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
    }

    /** 3,000 examples of 40 features in 4 Gaussian clusters: enough work per epoch to crash in the middle. */
    private static String upload(Http http) {
        int n = 3000;
        int f = 40;
        double[] x = new double[n * f];
        double[] y = new double[n];
        Random random = new Random(11);
        for (int i = 0; i < n; i++) {
            int label = i % 4;
            y[i] = label;
            for (int j = 0; j < f; j++) {
                x[i * f + j] = (j % 4 == label ? 2.0 : 0.0) + random.nextGaussian();
            }
        }
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x", NpyWriter.npy("<f4", new int[] {n, f}, x));
        arrays.put("y", NpyWriter.npy("<i8", new int[] {n}, y));
        Http.Response r = http.send(new Multipart().field("name", "clusters")
                .file("file", "clusters.npz", NpyWriter.npz(arrays, true)).post(http.uri("/api/v1/datasets")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asString();
    }
}
