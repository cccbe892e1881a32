package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/** The engine's dense and convolution layers train exactly like DL4J's stock layers, only with fewer products. */
class LeanLayersTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp-classifier", "cnn-image-classifier", "dense-autoencoder"})
    void trainsToTheSameParametersAndLossesAsDl4jsDenseLayer(String example) {
        TrainingSpec spec = Specs.parse(Specs.example(example));
        NetworkPlan plan = Specs.plan(spec);
        Network lean = Network.build(spec, plan);
        Network stock = lean.withStockLayers();
        assertThat(leanLayers(lean)).isPositive();
        assertThat(leanLayers(stock)).isZero();
        if (example.startsWith("cnn")) {
            assertThat(lean.dl4j().getLayers()).anyMatch(l -> l instanceof LeanConvolutionLayer);
        }
        assertThat(stock.parameters()).isEqualTo(lean.parameters());

        for (int step = 0; step < 6; step++) {
            Batch batch = Synthetic.batch(spec, plan, 16, step);
            // Same seed before each step: both draw the same dropout masks.
            Nd4j.getRandom().setSeed(100 + step);
            double leanLoss = lean.fitBatch(batch);
            Nd4j.getRandom().setSeed(100 + step);
            double stockLoss = stock.fitBatch(batch);
            assertThat(leanLoss).as("loss at step %d", step).isCloseTo(stockLoss, within(1e-6 * Math.abs(stockLoss)));
        }
        float[] expected = stock.parameters();
        float[] actual = lean.parameters();
        assertThat(actual).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("largest parameter difference").isLessThan(1e-6f);
        assertThat(Arrays.equals(actual, Network.build(spec, plan).parameters())).as("training moved parameters")
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-classifier", "dense-autoencoder"})
    void aLoadedNetworkHasTheLeanLayersToo(String example) throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example(example));
        Network loaded = Network.load(new java.io.ByteArrayInputStream(Network.build(spec).toBytes()));
        assertThat(leanLayers(loaded)).isPositive();
    }

    private static long leanLayers(Network network) {
        Layer[] layers = network.dl4j().getLayers();
        return Arrays.stream(layers).filter(l -> l instanceof LeanDenseLayer || l instanceof LeanConvolutionLayer).count();
    }
}
