package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** A version whose artifact alone exceeds the cache's byte budget is refused before it is read, saying which limit. */
@PostgresIntegrationTest
@TestPropertySource(properties = "trainyard.inference.cache-max-bytes=1KB")
class OversizedModelTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Test
    void aVersionBiggerThanTheWholeByteBudgetIsA503NamingTheLimit() {
        ServingFixtures.Served served = ServingFixtures.register(registry,
                "big-" + UUID.randomUUID().toString().substring(0, 6), Family.MLP, 1);
        Http http = new Http(port);

        Http.Response refused = http.postJson("/api/v1/models/" + served.name() + "/predict",
                "{\"instances\": [[5, 3, 1.5, 0.3]]}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString())
                .contains("trainyard.inference.cache-max-bytes (1024 bytes)").contains("raise that limit");
        assertThat(http.postJson("/v2/models/" + served.name() + "/infer",
                "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 4], \"datatype\": \"FP32\", "
                        + "\"data\": [5, 3, 1.5, 0.3]}]}").status()).isEqualTo(503);
        assertThat(http.get("/v2/models/" + served.name() + "/versions/1/ready").status()).isEqualTo(503);
    }
}
