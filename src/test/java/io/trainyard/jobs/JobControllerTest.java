package io.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trainyard.support.Http;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The jobs REST API as a client sees it: status codes, bodies and problem+json pointers. */
@JobsApiTest
class JobControllerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobEvents jobEvents;
    @Autowired
    RecordedJobEvents events;
    @Autowired
    JobLinks links;

    Http http;
    UUID dataset;
    String suite;
    final List<JobWorkerPool> pools = new ArrayList<>();

    @BeforeEach
    void setUp() {
        http = new Http(port);
        dataset = new JobFixtures(jdbc).newDataset("default");
        suite = "s" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stopPools() {
        pools.forEach(JobWorkerPool::stop);
    }

    String body(String name, int epochs) {
        return """
                {"name": "%s", "datasetId": "%s", "spec": {"training": {"epochs": %d}}, "labels": {"suite": "%s"}}"""
                .formatted(name, dataset, epochs, suite);
    }

    Http.Response submit(String json) {
        return http.postJson("/api/v1/jobs", json);
    }

    UUID submitted(String name, int epochs) {
        Http.Response r = submit(body(name, epochs));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").asString());
    }

    Http.Response withKey(String key, String json) {
        return http.send(HttpRequest.newBuilder(http.uri("/api/v1/jobs")).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    JsonNode job(UUID id) {
        return http.get("/api/v1/jobs/" + id).json();
    }

    String state(UUID id) {
        return job(id).get("state").asString();
    }

    void startWorkers(JobRunner runner) {
        JobWorkerPool pool = new JobWorkerPool(jobs, runner, jobEvents,
                JobWorkerPoolTest.properties("api-test-" + suite, 1));
        pools.add(pool);
        pool.start();
    }

    static List<String> pointers(Http.Response r) {
        List<String> out = new ArrayList<>();
        r.json().get("errors").forEach(e -> out.add(e.get("pointer").asString()));
        return out;
    }

    @Test
    void submitsAJobAndShowsIt() {
        Http.Response created = submit(body("mnist mlp", 4));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode job = created.json();
        String id = job.get("id").asString();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/jobs/" + id);
        assertThat(job.get("name").asString()).isEqualTo("mnist mlp");
        assertThat(job.get("datasetId").asString()).isEqualTo(dataset.toString());
        assertThat(job.get("state").asString()).isEqualTo("QUEUED");
        assertThat(job.get("priority").asInt()).isZero();
        assertThat(job.get("labels").get("suite").asString()).isEqualTo(suite);
        assertThat(job.get("attempt").asInt()).isZero();
        assertThat(job.get("maxAttempts").asInt()).isEqualTo(3);
        assertThat(job.get("progress").get("epoch").asInt()).isZero();
        assertThat(job.get("progress").get("totalEpochs").asInt()).isEqualTo(4);
        assertThat(job.get("lease").get("owner").isNull()).isTrue();
        assertThat(job.get("failureReason").isNull()).isTrue();
        assertThat(job.get("model").isNull()).isTrue();
        assertThat(job.get("createdAt").asString()).isNotBlank();
        assertThat(job.get("spec").get("training").get("epochs").asInt()).isEqualTo(4);

        Http.Response fetched = http.get("/api/v1/jobs/" + id);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("id").asString()).isEqualTo(id);
        assertThat(fetched.json().get("state").asString()).isEqualTo("QUEUED");
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameJob() {
        String key = "retry-" + suite;
        Http.Response first = withKey(key, body("cnn", 2));
        Http.Response again = withKey(key, body("cnn", 2));
        Http.Response different = withKey(key, body("cnn", 3));
        Http.Response badKey = withKey("has spaces", body("cnn", 2));

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asString()).isEqualTo(first.json().get("id").asString());
        assertThat(different.status()).isEqualTo(422);
        assertThat(different.contentType()).startsWith("application/problem+json");
        assertThat(pointers(different)).containsExactly("Idempotency-Key");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(pointers(badKey)).containsExactly("Idempotency-Key");
    }

    @Test
    void aBadBodyIs400WithPointers() {
        Http.Response empty = submit("{}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");
        assertThat(pointers(empty)).containsExactly("/name", "/datasetId", "/spec");

        Http.Response unknownField = submit("{\"nmae\": \"x\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(pointers(unknownField)).containsExactly("/nmae");

        Http.Response noEpochs = submit(body("x", 0));
        assertThat(noEpochs.status()).isEqualTo(400);
        assertThat(pointers(noEpochs)).containsExactly("/spec/training/epochs");

        Http.Response specNotObject = submit(
                "{\"name\": \"x\", \"datasetId\": \"" + dataset + "\", \"spec\": [1, 2]}");
        assertThat(pointers(specNotObject)).containsExactly("/spec");

        Http.Response badPriority = submit("{\"name\": \"x\", \"datasetId\": \"" + dataset
                + "\", \"spec\": {\"training\": {\"epochs\": 1}}, \"priority\": 5000, \"labels\": {\"bad key\": \"v\"}}");
        assertThat(badPriority.status()).isEqualTo(400);
        assertThat(pointers(badPriority)).containsExactly("/priority", "/labels/bad key");

        Http.Response unknownDataset = submit(body("x", 1).replace(dataset.toString(), UUID.randomUUID().toString()));
        assertThat(unknownDataset.status()).isEqualTo(400);
        assertThat(pointers(unknownDataset)).containsExactly("/datasetId");
        assertThat(unknownDataset.json().get("errors").get(0).get("message").asString())
                .contains("POST /api/v1/datasets");

        Http.Response lowestPriority = submit(body("x", 1).replace("\"labels\"", "\"priority\": -2147483648, \"labels\""));
        assertThat(lowestPriority.status()).as("Math.abs(MIN_VALUE) is negative").isEqualTo(400);
        assertThat(pointers(lowestPriority)).containsExactly("/priority");

        Http.Response hugePriority = submit(body("x", 1).replace("\"labels\"", "\"priority\": 3000000000, \"labels\""));
        assertThat(hugePriority.status()).isEqualTo(400);
        assertThat(pointers(hugePriority)).containsExactly("/priority");
        assertThat(hugePriority.json().get("errors").get(0).get("message").asString())
                .contains("from -2147483648 to 2147483647");

        Http.Response nulName = submit(body("a\\u0000b", 1));
        assertThat(nulName.status()).as("PostgreSQL text cannot hold NUL").isEqualTo(400);
        assertThat(pointers(nulName)).containsExactly("/name");

        UUID deleted = new JobFixtures(jdbc).newDataset("default");
        jdbc.sql("UPDATE datasets SET deleted_at = now() WHERE id = :id").param("id", deleted).update();
        Http.Response deletedDataset = submit(body("x", 1).replace(dataset.toString(), deleted.toString()));
        assertThat(deletedDataset.status()).as("a deleted dataset cannot be trained on").isEqualTo(400);
        assertThat(pointers(deletedDataset)).containsExactly("/datasetId");
    }

    @Test
    void aJobStaysWhileAContinuationOfItHasNotEnded() {
        UUID parent = submitted("parent", 2);
        http.postJson("/api/v1/jobs/" + parent + "/cancel", "");
        JobRow child = jobs.create(new NewJob(UUID.randomUUID(), "default", "child", dataset,
                "{\"training\":{\"epochs\":3}}", java.util.Map.of("suite", suite), null, 0, 3, 3, parent, null));

        Http.Response refused = http.send("DELETE", "/api/v1/jobs/" + parent, null, null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains(child.id().toString()).contains("continues");
        assertThat(state(parent)).isEqualTo("CANCELLED");

        http.postJson("/api/v1/jobs/" + child.id() + "/cancel", "");
        assertThat(http.send("DELETE", "/api/v1/jobs/" + parent, null, null).status()).isEqualTo(204);
    }

    /**
     * Runs {@code racer} while a job's creation holds its transaction open after its precondition, then lets the
     * creation commit once the racer has either finished or is waiting on a row lock in the database.
     */
    Http.Response racing(NewJob job, Runnable precondition, java.util.function.Supplier<Http.Response> racer)
            throws Exception {
        var held = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        var executor = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var creation = executor.submit(() -> jobs.create(job, () -> {
                precondition.run();
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            held.await();
            var raced = executor.submit(racer::get);
            await().atMost(PATIENCE).until(() -> raced.isDone() || waitingOnALock());
            release.countDown();
            creation.get();
            return raced.get();
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    boolean waitingOnALock() {
        return jdbc.sql("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").query(Long.class)
                .single() > 0;
    }

    @Test
    void aDatasetCannotBeDeletedUnderAJobBeingSubmitted() throws Exception {
        Http.Response uploaded = http.send(new io.trainyard.support.Multipart().field("label", "y")
                .file("file", "d.csv", "a,y\n1,0\n2,1\n").post(http.uri("/api/v1/datasets")));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        UUID data = UUID.fromString(uploaded.json().get("id").asString());
        // A finished job keeps the row as a tombstone, so the delete is an UPDATE that a held row alone cannot stop.
        JobRow finished = jobs.create(new NewJob(UUID.randomUUID(), "default", "earlier", data,
                "{\"training\":{\"epochs\":1}}", java.util.Map.of("suite", suite), null, 0, 3, 1, null, null));
        http.postJson("/api/v1/jobs/" + finished.id() + "/cancel", "");
        NewJob job = new NewJob(UUID.randomUUID(), "default", "racer", data, "{\"training\":{\"epochs\":1}}",
                java.util.Map.of("suite", suite), null, 0, 3, 1, null, null);

        Http.Response delete = racing(job, () -> assertThat(links.holdDataset("default", data)).isTrue(),
                () -> http.send("DELETE", "/api/v1/datasets/" + data, null, null));

        assertThat(delete.status()).as("the delete waited for the job and then saw it: " + delete.body())
                .isEqualTo(409);
        assertThat(state(job.id())).isEqualTo("QUEUED");
        http.postJson("/api/v1/jobs/" + job.id() + "/cancel", "");
        assertThat(http.send("DELETE", "/api/v1/datasets/" + data, null, null).status()).isEqualTo(204);
    }

    @Test
    void aJobCannotBeDeletedUnderAContinuationBeingCreated() throws Exception {
        UUID parent = submitted("parent", 2);
        http.postJson("/api/v1/jobs/" + parent + "/cancel", "");
        NewJob child = new NewJob(UUID.randomUUID(), "default", "child", dataset, "{\"training\":{\"epochs\":3}}",
                java.util.Map.of("suite", suite), null, 0, 3, 3, parent, null);

        Http.Response delete = racing(child, () -> assertThat(jobs.lock(parent)).isTrue(),
                () -> http.send("DELETE", "/api/v1/jobs/" + parent, null, null));

        assertThat(delete.status()).as("the delete waited for the continuation and then saw it: " + delete.body())
                .isEqualTo(409);
        assertThat(state(child.id())).isEqualTo("QUEUED");
    }

    @Test
    void anUnknownJobIs404Everywhere() {
        UUID unknown = UUID.randomUUID();
        assertThat(http.get("/api/v1/jobs/" + unknown).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + unknown).contentType()).startsWith("application/problem+json");
        assertThat(http.postJson("/api/v1/jobs/" + unknown + "/cancel", "").status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/v1/jobs/" + unknown, null, null).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + unknown + "/metrics").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + unknown + "/events").status()).isEqualTo(404);
        Http.Response fromEventSource = http.send(HttpRequest.newBuilder(http.uri("/api/v1/jobs/" + unknown
                + "/events")).header("Accept", "text/event-stream").GET());
        assertThat(fromEventSource.status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/not-a-uuid").status()).isEqualTo(400);
    }

    @Test
    void listsFilterAndPageWithACursor() {
        UUID a = submitted("alpha net", 1);
        UUID b = submitted("beta net", 1);
        UUID c = submitted("gamma", 1);
        http.postJson("/api/v1/jobs/" + b + "/cancel", "");

        JsonNode first = http.get("/api/v1/jobs?label=suite:" + suite + "&limit=2").json();
        assertThat(ids(first)).containsExactly(c.toString(), b.toString());
        String cursor = first.get("nextCursor").asString();
        JsonNode second = http.get("/api/v1/jobs?label=suite:" + suite + "&limit=2&cursor=" + cursor).json();
        assertThat(ids(second)).containsExactly(a.toString());
        assertThat(second.get("nextCursor").isNull()).isTrue();

        assertThat(ids(http.get("/api/v1/jobs?label=suite:" + suite + "&state=CANCELLED").json()))
                .containsExactly(b.toString());
        assertThat(ids(http.get("/api/v1/jobs?label=suite:" + suite + "&state=queued,cancelled").json()))
                .containsExactly(c.toString(), b.toString(), a.toString());
        assertThat(ids(http.get("/api/v1/jobs?label=suite:" + suite + "&name=NET").json()))
                .containsExactly(b.toString(), a.toString());

        Http.Response badCursor = http.get("/api/v1/jobs?cursor=bm9wZQ");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(pointers(badCursor)).containsExactly("cursor");
        String farFuture = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("v1|+1000000000-01-01T00:00:00Z|" + new UUID(0, 0)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response outOfRange = http.get("/api/v1/jobs?cursor=" + farFuture);
        assertThat(outOfRange.status()).as("a well-formed cursor no page could have issued").isEqualTo(400);
        assertThat(pointers(outOfRange)).containsExactly("cursor");
        Http.Response nul = http.get("/api/v1/jobs?label=suite:" + suite + "&name=a%00b");
        assertThat(nul.status()).as("PostgreSQL text cannot hold NUL").isEqualTo(400);
        assertThat(nul.contentType()).startsWith("application/problem+json");
        assertThat(pointers(nul)).containsExactly("name");
        Http.Response notUtf8 = http.get("/api/v1/jobs?cursor=%ff");
        assertThat(notUtf8.status()).as("the container would throw on reading it").isEqualTo(400);
        assertThat(pointers(notUtf8)).containsExactly("cursor");
        Http.Response badState = http.get("/api/v1/jobs?state=SLEEPING");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(pointers(badState)).containsExactly("state");
        assertThat(http.get("/api/v1/jobs?limit=0").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/jobs?label=nocolon").status()).isEqualTo(400);
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndAFinishedOneCannotBe() {
        UUID queued = submitted("to cancel", 1);

        Http.Response cancelled = http.postJson("/api/v1/jobs/" + queued + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("state").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.json().get("finishedAt").isNull()).isFalse();
        assertThat(http.postJson("/api/v1/jobs/" + queued + "/cancel", "").json().get("state").asString())
                .isEqualTo("CANCELLED");

        UUID done = submitted("quick", 1);
        startWorkers((job, ctx) -> JobRunner.Outcome.COMPLETED);
        await().atMost(PATIENCE).until(() -> state(done).equals("SUCCEEDED"));
        Http.Response conflict = http.postJson("/api/v1/jobs/" + done + "/cancel", "");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.contentType()).startsWith("application/problem+json");
        assertThat(conflict.json().get("detail").asString()).contains("SUCCEEDED");
    }

    @Test
    void aRunningJobCannotBeDeletedButCanBeCancelledAndThenDeleted() {
        UUID id = submitted("long", 100);
        startWorkers((job, ctx) -> {
            while (!ctx.shouldStop()) {
                Thread.sleep(10);
            }
            return JobRunner.Outcome.STOPPED;
        });
        await().atMost(PATIENCE).until(() -> state(id).equals("RUNNING"));
        assertThat(job(id).get("lease").get("owner").asString()).isEqualTo("api-test-" + suite);

        Http.Response running = http.send("DELETE", "/api/v1/jobs/" + id, null, null);
        assertThat(running.status()).isEqualTo(409);
        assertThat(running.json().get("detail").asString()).contains("cancel it first");

        Http.Response cancelling = http.postJson("/api/v1/jobs/" + id + "/cancel", "");
        assertThat(cancelling.status()).isEqualTo(200);
        assertThat(cancelling.json().get("state").asString()).isIn("CANCELLING", "CANCELLED");
        await().atMost(PATIENCE).until(() -> state(id).equals("CANCELLED"));

        assertThat(http.send("DELETE", "/api/v1/jobs/" + id, null, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(events.stream(JobDeleted.class)).contains(new JobDeleted(id, "default"));
        assertThat(events.stream(JobStateChanged.class)).anyMatch(e -> e.jobId().equals(id)
                && e.from() == JobState.RUNNING && e.to() == JobState.CANCELLING);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(item -> out.add(item.get("id").asString()));
        return out;
    }
}
