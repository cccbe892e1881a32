package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A padded sequence with its mask reads like the sequence without its padding. */
class SequenceMaskTest {

    private static final String SPEC = """
            {"input": {"type": "sequence", "features": 3, "length": 8},
             "task": {"type": "classification", "classes": 2},
             "layers": [{"type": "lstm", "units": 6}, {"type": "last_time_step"}],
             "optimizer": {"type": "adam", "learningRate": 0.02},
             "training": {"epochs": 1, "batchSize": 16, "seed": 4}}
            """;

    @Test
    void aMaskedSequenceGivesTheOutputOfItsRealSteps() {
        TrainingSpec spec = Specs.parse(SPEC);
        NetworkPlan plan = Specs.plan(spec);
        Network network = Network.build(spec, plan);
        int n = 16;
        int steps = 8;
        int real = 5;
        Random random = new Random(3);
        float[] padded = new float[n * steps * 3];
        float[] truncated = new float[n * real * 3];
        float[] mask = new float[n * steps];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < 3; f++) {
                    float v = (float) random.nextGaussian();
                    padded[(i * steps + t) * 3 + f] = v;
                    if (t < real) {
                        truncated[(i * real + t) * 3 + f] = v;
                    }
                }
                mask[i * steps + t] = t < real ? 1f : 0f;
            }
        }
        Tensor masked = network.output(Tensor.of(padded, n, steps, 3), Tensor.of(mask, n, steps));
        Tensor shortOnes = network.output(Tensor.of(truncated, n, real, 3));
        Tensor unmasked = network.output(Tensor.of(padded, n, steps, 3));

        assertThat(masked.shape()).containsExactly(n, 2);
        for (int k = 0; k < masked.data().length; k++) {
            assertThat(masked.data()[k]).as("output %d", k).isCloseTo(shortOnes.data()[k], within(1e-5f));
        }
        // Without the mask the padding is read as data: a different answer.
        double difference = 0;
        for (int k = 0; k < masked.data().length; k++) {
            difference += Math.abs(masked.data()[k] - unmasked.data()[k]);
        }
        assertThat(difference).isGreaterThan(1e-3);
    }

    @Test
    void trainingWithTheMaskScoresOnlyTheRealSteps() {
        TrainingSpec spec = Specs.parse(SPEC);
        NetworkPlan plan = Specs.plan(spec);
        Network network = Network.build(spec, plan);
        Random random = new Random(11);
        int n = 16;
        float[] x = new float[n * 8 * 3];
        float[] y = new float[n * 2];
        float[] mask = new float[n * 8];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 8 * 3; k++) {
                x[i * 24 + k] = (float) random.nextGaussian();
            }
            int length = 3 + i % 5;
            // The label is the sign of the last real step's first feature.
            y[i * 2 + (x[i * 24 + (length - 1) * 3] > 0 ? 1 : 0)] = 1f;
            for (int t = 0; t < 8; t++) {
                mask[i * 8 + t] = t < length ? 1f : 0f;
            }
        }
        Batch withMask = new Batch(Tensor.of(x, n, 8, 3), Tensor.of(y, n, 2), Tensor.of(mask, n, 8));
        Batch without = new Batch(Tensor.of(x, n, 8, 3), Tensor.of(y, n, 2));
        // The loss DL4J reports depends on which step each sequence is read at: the mask changes it.
        assertThat(network.score(withMask)).isNotCloseTo(network.score(without), within(1e-4));
        double before = network.score(withMask);
        for (int step = 0; step < 60; step++) {
            network.fitBatch(withMask);
        }
        assertThat(network.score(withMask)).as("loss falls on the masked batch").isLessThan(before * 0.5);
    }

    @Test
    void perStepOutputsOfPaddedStepsAreDl4jsToo() {
        TrainingSpec spec = Specs.parse("""
                {"input": {"type": "sequence", "features": 3, "length": 8},
                 "task": {"type": "classification", "classes": 2, "per": "time_step"},
                 "layers": [{"type": "lstm", "units": 6}],
                 "training": {"epochs": 1, "batchSize": 16, "seed": 4}}
                """);
        Network lean = Network.build(spec, Specs.plan(spec));
        Network stock = lean.withStockLayers();
        int n = 16;
        Random random = new Random(5);
        float[] x = new float[n * 8 * 3];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextGaussian();
        }
        float[] mask = new float[n * 8];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < 8; t++) {
                mask[i * 8 + t] = t < 8 - i % 5 ? 1f : 0f;
            }
        }
        Tensor features = Tensor.of(x, n, 8, 3);
        Tensor expected = stock.output(features, Tensor.of(mask, n, 8));
        Tensor actual = lean.output(features, Tensor.of(mask, n, 8));
        Tensor unmasked = lean.output(features);

        assertThat(actual.shape()).containsExactly(n, 8, 2);
        for (int k = 0; k < actual.data().length; k++) {
            assertThat(actual.data()[k]).as("output %d", k).isCloseTo(expected.data()[k], within(1e-5f));
        }
        // The last step of example 1 is padding: with the mask its output is DL4J's masked one, not the unmasked run's.
        int last = (1 * 8 + 7) * 2;
        assertThat(Math.abs(actual.data()[last] - unmasked.data()[last])).isGreaterThan(1e-4f);
    }
}
