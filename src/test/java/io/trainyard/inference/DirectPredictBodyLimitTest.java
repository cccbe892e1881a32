package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The configured JSON body limit holds for requests the direct path would take: the limit's filter runs first. */
@PostgresIntegrationTest
@TestPropertySource(properties = "trainyard.web.max-json-body=1KB")
class DirectPredictBodyLimitTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void aPlainBodyOverTheLimitIs413() {
        String name = ServingFixtures.register(registry, "limit-" + UUID.randomUUID().toString().substring(0, 6),
                Family.MLP, 1).name();
        String path = "/api/v1/models/" + name + "/predict";
        String small = "{\"instances\": [[1, 2, 3, 4]]}";
        String large = "{\"instances\": [" + String.join(",", Collections.nCopies(100, "[1, 2, 3, 4]")) + "]}";

        assertThat(new Http(port).postJson(path, small).status()).isEqualTo(200);
        Http.Response r = new Http(port).postJson(path, large);

        assertThat(large.length()).isGreaterThan(1024);
        assertThat(r.status()).as(r.body()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }
}
