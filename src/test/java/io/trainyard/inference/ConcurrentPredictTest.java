package io.trainyard.inference;

import static io.trainyard.inference.ServingFixtures.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.MeterRegistry;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.inference.ServingFixtures.Served;
import io.trainyard.models.ModelRegistry;
import io.trainyard.support.Http;
import io.trainyard.support.PostgresIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Under concurrent load every caller gets the answer to its own input, whatever batch it rode in. */
@PostgresIntegrationTest
class ConcurrentPredictTest {

    @LocalServerPort
    int port;

    @Autowired
    ModelRegistry registry;

    @Autowired
    MeterRegistry meters;

    @Test
    void thirtyTwoThreadsEachGetTheirOwnAnswer() throws Exception {
        Served model = ServingFixtures.register(registry, "conc-" + UUID.randomUUID().toString().substring(0, 8),
                Family.REGRESSION, 4);
        Http http = new Http(port);
        int threads = 32;
        int rounds = 8;
        http.postJson("/api/v1/models/" + model.name() + "/predict", "{\"instances\": [[0,0,0,0,0]]}");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < rounds; round++) {
                    // one or two instances, different for every request
                    int n = 1 + (thread + round) % 2;
                    float[] x = ServingFixtures.instances(model.inputShape(), n, thread * 1000L + round);
                    JsonNode body = http.postJson("/api/v1/models/" + model.name() + "/predict",
                            "{\"instances\": " + ServingFixtures.instancesJson(model.inputShape(), x, n) + "}").json();
                    float[] expected = model.expected(x, n).data();
                    assertThat(body.get("predictions")).hasSize(n);
                    for (int i = 0; i < n; i++) {
                        assertThat(floats(body.get("predictions").get(i).get("values")))
                                .containsExactly(java.util.Arrays.copyOfRange(expected, i * 2, i * 2 + 2), within(1e-5f));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : results) {
            f.get();
        }
        pool.shutdown();

        var requests = meters.get("trainyard.inference.requests").tags("model", model.name(), "version", "1",
                "outcome", "success").timer();
        assertThat(requests.count()).isEqualTo(threads * rounds + 1);
        var batches = meters.get("trainyard.inference.batch.size").tags("model", model.name()).summary();
        assertThat((long) batches.totalAmount()).as("every instance went through exactly one network call")
                .isEqualTo(1 + threads * rounds * 3 / 2);
    }
}
