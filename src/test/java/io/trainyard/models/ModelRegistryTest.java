package io.trainyard.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.security.CurrentTeam;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The registry through its HTTP API, on PostgreSQL and a real object store. */
@PostgresIntegrationTest
class ModelRegistryTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    Http http;
    String name;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        name = "model-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ModelVersion register(String artifact) throws Exception {
        return registry.register(new NewModelVersion(CurrentTeam.DEFAULT, name, UUID.randomUUID(), UUID.randomUUID(),
                Map.of("valAccuracy", 0.93), Map.of("kind", "features", "shape", List.of(4)),
                List.of("setosa", "versicolor", "virginica")),
                new ByteArrayInputStream(artifact.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void versionsAreNumberedAndDescribed() throws Exception {
        ModelVersion first = register("artifact one");
        ModelVersion second = register("artifact two");

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        JsonNode model = http.get("/api/v1/models/" + name).json();
        assertThat(model.get("latestVersion").asInt()).isEqualTo(2);
        assertThat(model.get("versions")).hasSize(2);

        JsonNode v1 = http.get("/api/v1/models/" + name + "/versions/1").json();
        assertThat(v1.get("jobId").asString()).isEqualTo(first.jobId().toString());
        assertThat(v1.get("checkpointId").asString()).isEqualTo(first.checkpointId().toString());
        assertThat(v1.get("metrics").get("valAccuracy").asDouble()).isEqualTo(0.93);
        assertThat(v1.get("outputLabels").get(2).asString()).isEqualTo("virginica");
        assertThat(v1.get("inputShape").get("shape").get(0).asInt()).isEqualTo(4);
        assertThat(v1.get("createdAt").asString()).isNotBlank();
    }

    @Test
    void theArtifactDownloadsWithItsChecksum() throws Exception {
        ModelVersion v = register("zip bytes of version one");

        HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(http.uri("/api/v1/models/" + name + "/versions/1/artifact")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("zip bytes of version one");
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + v.sha256() + "\"");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/zip");
    }

    @Test
    void aliasesPointAtAVersionMoveAndGo() throws Exception {
        register("one");
        register("two");

        Http.Response set = http.send("PUT", "/api/v1/models/" + name + "/aliases/production", "application/json",
                "{\"version\":1}");
        assertThat(set.status()).isEqualTo(200);
        assertThat(registry.byAlias(CurrentTeam.DEFAULT, name, "production").version()).isEqualTo(1);

        http.send("PUT", "/api/v1/models/" + name + "/aliases/production", "application/json", "{\"version\":2}");
        assertThat(http.get("/api/v1/models/" + name).json().get("aliases").get("production").asInt()).isEqualTo(2);

        assertThat(http.send("DELETE", "/api/v1/models/" + name + "/aliases/production", null, null).status())
                .isEqualTo(204);
        assertThat(http.get("/api/v1/models/" + name).json().get("aliases").isEmpty()).isTrue();
        assertThat(http.send("DELETE", "/api/v1/models/" + name + "/aliases/production", null, null).status())
                .isEqualTo(404);
    }

    @Test
    void badRequestsNameWhatIsWrong() throws Exception {
        register("one");

        Http.Response missingVersion = http.send("PUT", "/api/v1/models/" + name + "/aliases/production",
                "application/json", "{\"version\":7}");
        assertThat(missingVersion.status()).isEqualTo(400);
        assertThat(missingVersion.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/version");
        assertThat(missingVersion.json().get("errors").get(0).get("message").asString()).contains("no version 7");

        Http.Response badAlias = http.send("PUT", "/api/v1/models/" + name + "/aliases/Prod!", "application/json",
                "{\"version\":1}");
        assertThat(badAlias.status()).isEqualTo(400);
        assertThat(badAlias.json().get("errors").get(0).get("pointer").asString()).isEqualTo("alias");

        Http.Response noBody = http.send("PUT", "/api/v1/models/" + name + "/aliases/production", "application/json",
                "{}");
        assertThat(noBody.status()).isEqualTo(400);
        assertThat(noBody.json().get("errors").get(0).get("pointer").asString()).isEqualTo("/version");

        assertThat(http.get("/api/v1/models/no-such-model").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/models/" + name + "/versions/9").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/models/" + name + "/versions/one").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/models?cursor=@@@").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/models?limit=0").status()).isEqualTo(400);
    }

    @Test
    void listingPagesThroughModelsByName() throws Exception {
        String prefix = name;
        for (String suffix : List.of("-a", "-b", "-c")) {
            name = prefix + suffix;
            register("x");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/api/v1/models?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(m -> seen.add(m.get("name").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(seen).isSorted().contains(prefix + "-a", prefix + "-b", prefix + "-c").doesNotHaveDuplicates();
    }

    @Test
    void concurrentRegistrationsGetDistinctVersions() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ModelVersion>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                futures.add(pool.submit(() -> register("artifact " + n)));
            }
            List<Integer> versions = new ArrayList<>();
            for (Future<ModelVersion> f : futures) {
                versions.add(f.get().version());
            }
            assertThat(versions).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 32).boxed().toList());
        } finally {
            pool.shutdown();
        }
    }
}
