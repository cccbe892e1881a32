package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelRegistry;
import io.trainyard.storage.ObjectStore;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.io.ByteArrayInputStream;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bytes that are not what the registry recorded are never loaded (DESIGN.md §5). */
@PostgresIntegrationTest
class ArtifactVerificationTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    ObjectStore objects;

    @Test
    void aTamperedArtifactIsRefusedAndTheModelStaysNotReady() throws Exception {
        Http http = new Http(port);
        ServingFixtures.Served model = ServingFixtures.register(registry,
                "tampered-" + UUID.randomUUID().toString().substring(0, 8), Family.MLP, 1);
        byte[] other = ServingFixtures.artifact(Family.MLP, 2).toBytes();
        objects.put(model.version().artifactKey(), new ByteArrayInputStream(other));

        Http.Response r = http.postJson("/api/v1/models/" + model.name() + "/predict", "{\"instances\": [[1,2,3,4]]}");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("type").asString()).isEqualTo("urn:trainyard:problem:model-not-ready");
        assertThat(r.json().get("detail").asString()).containsAnyOf("SHA-256", "size");
        assertThat(http.get("/v2/models/" + model.name() + "/ready").status()).isEqualTo(503);
        Http.Response v2 = http.postJson("/v2/models/" + model.name() + "/infer", "{\"inputs\": [{\"name\": \"input\", "
                + "\"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}");
        assertThat(v2.status()).isEqualTo(503);
        assertThat(v2.json().get("error").asString()).contains("is not ready");
    }
}
