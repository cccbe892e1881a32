package io.trainyard.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.trainyard.support.Http;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/jobs/{id}/events} read the way a browser's EventSource would, until the job ends. */
@JobsApiTest
class JobEventsStreamTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JobRepository jobs;
    @Autowired
    JobEvents jobEvents;

    JobWorkerPool pool;

    record Event(String name, JsonNode data) {
    }

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.stop();
        }
    }

    @Test
    void streamsStateChangesAndEachEpochsMetricsUntilTheJobEnds() {
        Http http = new Http(port);
        UUID dataset = new JobFixtures(jdbc).newDataset("default");
        Http.Response created = http.postJson("/api/v1/jobs", """
                {"name": "streamed", "datasetId": "%s", "spec": {"training": {"epochs": 3}}}""".formatted(dataset));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();

        List<Event> received = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(http.uri("/api/v1/jobs/" + id + "/events"))
                            .header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            pool = new JobWorkerPool(jobs, (job, ctx) -> {
                for (int epoch = 1; epoch <= job.totalEpochs(); epoch++) {
                    Thread.sleep(250);
                    ctx.reportProgress(epoch, epoch * 100L, Map.of("loss", 1.0 / epoch), 500.0, null);
                    ctx.recordEpochMetrics(epoch, Map.of("loss", 1.0 / epoch, "accuracy", 0.3 * epoch));
                }
                return JobRunner.Outcome.COMPLETED;
            }, jobEvents, JobWorkerPoolTest.properties("sse-" + UUID.randomUUID(), 1));
            pool.start();
            return read(response.body().iterator());
        });

        assertThat(received.get(0).name()).isEqualTo("state");
        assertThat(received.get(0).data().get("state").asString()).isEqualTo("QUEUED");
        assertThat(received.get(0).data().get("id").asString()).isEqualTo(id);
        List<String> states = received.stream().filter(e -> e.name().equals("state"))
                .map(e -> e.data().get("state").asString()).toList();
        assertThat(states).containsSubsequence("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(received.stream().filter(e -> e.name().equals("metrics")).map(e -> e.data().get("epoch").asInt()))
                .containsExactly(1, 2, 3);
        Event last = received.get(received.size() - 1);
        assertThat(last.name()).isEqualTo("state");
        assertThat(last.data().get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(last.data().get("progress").get("epoch").asInt()).isEqualTo(3);

        JsonNode history = http.get("/api/v1/jobs/" + id + "/metrics").json().get("items");
        assertThat(history).hasSize(3);
        assertThat(history.get(2).get("epoch").asInt()).isEqualTo(3);
        assertThat(history.get(2).get("metrics").get("accuracy").asDouble()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThatCode(() -> history.get(0).get("recordedAt").asString()).doesNotThrowAnyException();
    }

    /** Reads events until the server ends the stream. */
    private static List<Event> read(Iterator<String> lines) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5));
            } else if (line.isEmpty() && name != null) {
                events.add(new Event(name, JSON.readTree(data.toString())));
                name = null;
                data.setLength(0);
            }
        }
        return events;
    }
}
