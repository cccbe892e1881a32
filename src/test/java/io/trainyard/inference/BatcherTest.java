package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.inference.ServingFixtures.Family;
import io.trainyard.models.ModelArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The batcher on its own: gathering, order of results, limits, closing. */
class BatcherTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InferenceMetrics metrics = new InferenceMetrics(registry);

    /** A batcher for {@code network} whose generous delay makes gathering certain, without asserting on time. */
    private Batcher gathering(String model, Network network) {
        ModelKey key = new ModelKey("default", model, 1);
        return new Batcher(key, network, new InferenceProperties.Batching(true, 64, Duration.ofSeconds(2)), 100,
                metrics.forModel(key));
    }

    @Test
    void requestsQueuedTogetherShareOneCallAndGetTheirOwnRows() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.MLP, 1);
        Network network = artifact.loadNetwork();
        Batcher batcher = gathering("m", network);
        List<Tensor> inputs = new ArrayList<>();
        List<CompletableFuture<Tensor>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = 1 + i % 3;
            Tensor x = ModelArtifact.features(artifact.metadata(),
                    ServingFixtures.instances(artifact.metadata().inputShape(), n, i), n);
            inputs.add(x);
            results.add(batcher.submit(Batcher.Operation.OUTPUT, x));
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor expected = network.output(inputs.get(i));
            Tensor actual = results.get(i).get();
            assertThat(actual.shape()).containsExactly(expected.shape());
            assertThat(actual.data()).containsExactly(expected.data(), within(1e-5f));
        }
        var batches = registry.get("trainyard.inference.batch.size").summary();
        assertThat(batches.count()).isLessThan(10);
        assertThat(batches.totalAmount()).isEqualTo(19);
        batcher.close();
    }

    @Test
    void batchesOfOneSizeOneAfterAnotherEachGetTheirOwnRows() throws Exception {
        // From the second round on the batcher gathers all four requests into one call (the last batch had
        // company), so later rounds' batches have the size of the one before, whose input array they reuse.
        ModelArtifact artifact = ServingFixtures.artifact(Family.MLP, 1);
        Network network = artifact.loadNetwork();
        Batcher batcher = gathering("rounds", network);
        for (int round = 0; round < 3; round++) {
            List<Tensor> inputs = new ArrayList<>();
            List<CompletableFuture<Tensor>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Tensor x = ModelArtifact.features(artifact.metadata(),
                        ServingFixtures.instances(artifact.metadata().inputShape(), 2, 10 * round + i), 2);
                inputs.add(x);
                results.add(batcher.submit(Batcher.Operation.OUTPUT, x));
            }
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(results.get(i).get().data()).as("round %d, request %d", round, i)
                        .containsExactly(network.output(inputs.get(i)).data(), within(1e-5f));
            }
        }
        var batches = registry.get("trainyard.inference.batch.size").summary();
        assertThat(batches.count()).isLessThan(12);
        assertThat(batches.totalAmount()).isEqualTo(24);
        batcher.close();
    }

    @Test
    void paddedSequencesGatheredWithFullOnesAreReadUpToTheirMasks() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.LSTM, 3);
        Network network = artifact.loadNetwork();
        Batcher batcher = gathering("seq", network);
        int steps = artifact.metadata().inputShape().shape().get(0);
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> masks = new ArrayList<>();
        List<CompletableFuture<Tensor>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = 1 + i % 2;
            Tensor x = ModelArtifact.features(artifact.metadata(),
                    ServingFixtures.instances(artifact.metadata().inputShape(), n, 20 + i), n);
            Tensor mask = null;
            if (i % 3 != 0) { // every third request has no mask: all its steps are real
                float[] m = new float[n * steps];
                for (int r = 0; r < n; r++) {
                    for (int t = 0; t < steps; t++) {
                        m[r * steps + t] = t < 2 + (i + r) % (steps - 2) ? 1f : 0f;
                    }
                }
                mask = Tensor.of(m, n, steps);
            }
            inputs.add(x);
            masks.add(mask);
            results.add(batcher.submit(Batcher.Operation.OUTPUT, x, mask));
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor expected = network.output(inputs.get(i), masks.get(i));
            assertThat(results.get(i).get().data()).as("request %d", i).containsExactly(expected.data(), within(1e-5f));
            if (masks.get(i) != null) {
                assertThat(expected.data()).as("the mask matters for request %d", i)
                        .isNotEqualTo(network.output(inputs.get(i)).data());
            }
        }
        assertThat(registry.get("trainyard.inference.batch.size").tags("version", "1").tags("model", "seq").summary()
                .count()).isLessThan(6);
        batcher.close();
    }

    @Test
    void withoutBatchingEveryRequestIsItsOwnCall() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.MLP, 1);
        ModelKey key = new ModelKey("default", "m", 2);
        Batcher batcher = new Batcher(key, artifact.loadNetwork(),
                new InferenceProperties.Batching(false, 64, Duration.ofSeconds(2)), 100, metrics.forModel(key));
        List<CompletableFuture<Tensor>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(batcher.submit(Batcher.Operation.OUTPUT, ModelArtifact.features(artifact.metadata(),
                    ServingFixtures.instances(artifact.metadata().inputShape(), 1, i), 1)));
        }
        for (CompletableFuture<Tensor> r : results) {
            r.get();
        }
        assertThat(registry.get("trainyard.inference.batch.size").tags("version", "2").summary().count()).isEqualTo(5);
        var compute = registry.get("trainyard.inference.compute.time").tags("version", "2").timer();
        assertThat(compute.count()).isEqualTo(5);
        assertThat(compute.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        batcher.close();
    }

    @Test
    void aClosedBatcherRefusesNewWorkAndAFullQueueIsRefused() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.MLP, 1);
        ModelKey key = new ModelKey("default", "m", 3);
        Tensor x = ModelArtifact.features(artifact.metadata(), new float[4], 1);
        Batcher closed = new Batcher(key, artifact.loadNetwork(),
                new InferenceProperties.Batching(true, 64, Duration.ZERO), 1, metrics.forModel(key));
        closed.close();
        assertThatThrownBy(() -> closed.submit(Batcher.Operation.OUTPUT, x)).isInstanceOf(Batcher.ClosedException.class);
        closed.retire();
        assertThatThrownBy(() -> closed.submit(Batcher.Operation.OUTPUT, x))
                .as("retiring a closed batcher does not give it a grace period again")
                .isInstanceOf(Batcher.ClosedException.class);
    }

    @Test
    void aBatcherRetiredByEvictionStillAnswersARequestThatAlreadyHeldTheModel() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.MLP, 1);
        ModelKey key = new ModelKey("default", "m", 4);
        Network network = artifact.loadNetwork();
        Tensor x = ModelArtifact.features(artifact.metadata(), new float[4], 1);
        Batcher retired = new Batcher(key, network, new InferenceProperties.Batching(true, 64, Duration.ZERO), 8,
                metrics.forModel(key));
        retired.retire();

        assertThat(retired.submit(Batcher.Operation.OUTPUT, x).get(30, java.util.concurrent.TimeUnit.SECONDS).data())
                .containsExactly(network.output(x).data());
    }

    @Test
    void encodeAndOutputAreNeverMixedInOneCall() throws Exception {
        ModelArtifact artifact = ServingFixtures.artifact(Family.AUTOENCODER, 1);
        Network network = artifact.loadNetwork();
        ModelKey key = new ModelKey("default", "ae", 1);
        Batcher batcher = new Batcher(key, network, new InferenceProperties.Batching(true, 64, Duration.ofMillis(500)),
                100, metrics.forModel(key));
        Tensor x = ModelArtifact.features(artifact.metadata(),
                ServingFixtures.instances(artifact.metadata().inputShape(), 2, 3), 2);
        CompletableFuture<Tensor> out = batcher.submit(Batcher.Operation.OUTPUT, x);
        CompletableFuture<Tensor> code = batcher.submit(Batcher.Operation.ENCODE, x);
        assertThat(out.get().data()).containsExactly(network.output(x).data(), within(1e-5f));
        assertThat(code.get().data()).containsExactly(network.encode(x).data(), within(1e-5f));
        batcher.close();
    }
}
