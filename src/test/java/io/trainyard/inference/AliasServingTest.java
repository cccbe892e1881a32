package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.security.CurrentTeam;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Aliases and "latest" re-resolve as soon as the registry says they moved, with no stale answer in between.
 *
 * <p>It runs in the context the serving tests share, whose model cache is usually full of versions used many
 * times: the version an alias moves to must still be loaded and ready (every load is admitted; LoadingLruTest).
 */
@PostgresIntegrationTest
class AliasServingTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    InferenceProperties properties;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void predictionsFollowTheAliasAndTheLatestVersion() {
        Http http = new Http(port);
        String name = "alias-" + UUID.randomUUID().toString().substring(0, 8);
        ServingFixtures.Served v1 = ServingFixtures.register(registry, name, Family.MLP, 1);
        ServingFixtures.Served v2 = ServingFixtures.register(registry, name, Family.MLP, 2);
        float[] x = {5f, 3f, 1.5f, 0.3f};
        assertThat(v1.expected(x, 1).row(0)).isNotEqualTo(v2.expected(x, 1).row(0));
        String request = "{\"instances\": [[5, 3, 1.5, 0.3]]}";
        String alias = "/api/v1/models/" + name + "/aliases/production/predict";

        registry.setAlias(CurrentTeam.DEFAULT, name, "production", 1);
        JsonNode first = http.postJson(alias, request).json();
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertProbabilities(first, v1.expected(x, 1).row(0));

        registry.setAlias(CurrentTeam.DEFAULT, name, "production", 2);
        JsonNode second = http.postJson(alias, request).json();
        assertThat(second.get("version").asInt()).isEqualTo(2);
        assertProbabilities(second, v2.expected(x, 1).row(0));

        registry.deleteAlias(CurrentTeam.DEFAULT, name, "production");
        assertThat(http.postJson(alias, request).status()).isEqualTo(404);

        assertThat(http.postJson("/api/v1/models/" + name + "/predict", request).json().get("version").asInt())
                .isEqualTo(2);
        ServingFixtures.register(registry, name, Family.MLP, 3);
        assertThat(http.postJson("/api/v1/models/" + name + "/predict", request).json().get("version").asInt())
                .isEqualTo(3);
    }

    @Test
    void movingAnAliasLoadsItsNewVersionBeforeTheFirstRequest() {
        Http http = new Http(port);
        String name = "warm-" + UUID.randomUUID().toString().substring(0, 8);
        ServingFixtures.register(registry, name, Family.MLP, 1);

        registry.setAlias(CurrentTeam.DEFAULT, name, "production", 1);

        awaitReady(http, name, 1);
    }

    @Test
    void aNewVersionOfAModelServedAsLatestIsLoadedBeforeItsFirstRequest() {
        Http http = new Http(port);
        String name = "next-" + UUID.randomUUID().toString().substring(0, 8);
        ServingFixtures.register(registry, name, Family.MLP, 1);
        assertThat(http.postJson("/api/v1/models/" + name + "/predict", "{\"instances\": [[5, 3, 1.5, 0.3]]}")
                .json().get("version").asInt()).isEqualTo(1);

        ServingFixtures.register(registry, name, Family.MLP, 2);

        awaitReady(http, name, 2);
    }

    @Test
    void aVersionLoadedIntoACacheFullOfBusierVersionsIsReadyAtOnce() {
        Http http = new Http(port);
        String name = "busy-" + UUID.randomUUID().toString().substring(0, 8);
        String request = "{\"instances\": [[5, 3, 1.5, 0.3]]}";
        int slots = properties.cacheMaxModels();
        double evictedBefore = meters.get("trainyard.inference.models.evicted").counter().count();
        // A history that made Caffeine's frequency-based admission turn the next version away: versions used once,
        // then a full cache of versions used ten times each.
        for (int v = 1; v <= 2 * slots; v++) {
            ServingFixtures.register(registry, name, Family.MLP, v);
            for (int use = 0; use < (v <= slots ? 1 : 10); use++) {
                assertThat(http.postJson("/api/v1/models/" + name + "/versions/" + v + "/predict", request).status())
                        .isEqualTo(200);
            }
        }
        int fresh = 2 * slots + 1;
        ServingFixtures.register(registry, name, Family.MLP, fresh);

        registry.setAlias(CurrentTeam.DEFAULT, name, "production", fresh);

        awaitReady(http, name, fresh);
        assertThat(http.get("/v2/models/" + name + "/versions/" + (slots + 1) + "/ready").status())
                .as("the least recently used version made room").isEqualTo(503);
        assertThat(http.get("/v2/models/" + name + "/versions/" + (2 * slots) + "/ready").status()).isEqualTo(200);
        // 2 × slots + 1 versions went through a cache of `slots`: at least slots + 1 had to make room.
        assertThat(meters.get("trainyard.inference.models.evicted").counter().count() - evictedBefore)
                .isGreaterThanOrEqualTo(slots + 1);
        assertThat(meters.get("trainyard.inference.models.loaded").gauge().value()).isBetween(1.0, (double) slots);
    }

    /** Waits (without sending a request that would load it) until the version is loaded and warmed up. */
    private static void awaitReady(Http http, String name, int version) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                http.get("/v2/models/" + name + "/versions/" + version + "/ready").status() == 200);
    }

    private static void assertProbabilities(JsonNode response, float[] expected) {
        JsonNode p = response.get("predictions").get(0).get("probabilities");
        assertThat(p.get("setosa").floatValue()).isCloseTo(expected[0], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(p.get("virginica").floatValue()).isCloseTo(expected[2], org.assertj.core.data.Offset.offset(1e-5f));
    }
}
