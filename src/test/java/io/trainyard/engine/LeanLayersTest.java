package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The engine's dense, output, convolution and LSTM layers train like DL4J's stock layers, only faster. */
class LeanLayersTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp-classifier", "cnn-image-classifier", "dense-autoencoder", "lstm-sequence-classifier",
        "lstm-first", "pooling", "lenet", "lenet-dropout", "convolutions", "lstm-bidirectional-last",
        "mlp-relu", "mlp-relu-regression"})
    void trainsToTheSameParametersAndLossesAsDl4jsLayers(String example) {
        String json = switch (example) {
            case "lstm-first" -> LSTM_FIRST;
            case "mlp-relu" -> MLP_RELU.formatted("{\"type\": \"classification\", \"classes\": 3}");
            case "mlp-relu-regression" -> MLP_RELU.formatted("{\"type\": \"regression\", \"outputs\": 2}");
            case "pooling" -> POOLING;
            case "lenet" -> LENET;
            // Dropout on the second convolution's input: a copy of the pooling's channels-last output, in the layout
            // DL4J gives it, and the gradients converted back across that boundary.
            case "lenet-dropout" -> LENET.replace("\"filters\": 20, \"kernel\": 3, \"activation\": \"relu\"",
                    "\"filters\": 20, \"kernel\": 3, \"activation\": \"relu\", \"dropout\": 0.2");
            case "convolutions" -> CONVOLUTIONS;
            case "lstm-bidirectional-last" -> BIDIRECTIONAL_LAST;
            default -> Specs.example(example);
        };
        if (example.equals("lenet-dropout")) {
            assertThat(json).as("the second convolution found").contains("\"dropout\": 0.2");
        }
        TrainingSpec spec = Specs.parse(json);
        NetworkPlan plan = Specs.plan(spec);
        Network lean = Network.build(spec, plan);
        Network stock = lean.withStockLayers();
        assertThat(leanLayers(lean)).isPositive();
        assertThat(leanLayers(stock)).isZero();
        assertThat(lean.dl4j().getOutputLayer()).isInstanceOf(LeanOutputLayer.class);
        if (example.startsWith("cnn")) {
            assertThat(lean.dl4j().getLayers()).anyMatch(l -> l instanceof LeanConvolutionLayer);
        }
        if (example.startsWith("cnn") || example.equals("pooling") || example.startsWith("lenet")
                || example.equals("convolutions")) {
            assertThat(lean.dl4j().getLayers()).anyMatch(l -> l instanceof LeanPoolingLayer);
        }
        if (example.startsWith("lstm")) {
            assertThat(lean.dl4j().getLayers()).anyMatch(l -> inner(l) instanceof LeanLstmLayer);
        }
        if (example.equals("lstm-sequence-classifier") || example.equals("lstm-bidirectional-last")) {
            // Both directions of the bidirectional LSTM (bare, or under last_time_step) run the engine's LSTM.
            BidirectionalLayer bidirectional = (BidirectionalLayer) unwrap(lean.dl4j().getLayer(0));
            assertThat(direction(bidirectional, "fwd")).isInstanceOf(LeanLstmLayer.class);
            assertThat(direction(bidirectional, "bwd")).isInstanceOf(LeanLstmLayer.class);
            assertThat(direction((BidirectionalLayer) unwrap(stock.dl4j().getLayer(0)), "fwd"))
                    .isNotInstanceOf(LeanLstmLayer.class);
        }
        assertThat(stock.parameters()).isEqualTo(lean.parameters());

        // The LSTM's exp/tanh are Java's, not libnd4j's; the CNN's first convolution sums its weight gradient (over
        // 32·24·24 positions) in OpenBLAS's order, not oneDNN's. Both agree to float rounding (a few 1e-7 of the
        // largest gradient, theFirstConvolutionComputesNoInputGradient), which 6 steps of Adam/RMSProp, and the
        // CNN's batch normalisation, carry further.
        double tolerance = example.startsWith("lstm") ? 1e-5 : example.startsWith("cnn") ? 5e-5 : 1e-6;
        for (int step = 0; step < 6; step++) {
            // Mostly 32 examples (the LSTM and pooling split them across cores), then fewer: the layers reuse their
            // buffers for smaller batches, and 7 examples make a single slice.
            Batch batch = Synthetic.batch(spec, plan, BATCH_SIZES[step], step);
            if (example.startsWith("lstm") && step % 2 == 1) {
                batch = new Batch(batch.features(), batch.labels(), paddingMask(batch.features(), step == 3));
            }
            // Same seed before each step: both draw the same dropout masks.
            Nd4j.getRandom().setSeed(100 + step);
            double leanLoss = lean.fitBatch(batch);
            Nd4j.getRandom().setSeed(100 + step);
            double stockLoss = stock.fitBatch(batch);
            assertThat(leanLoss).as("loss at step %d", step).isCloseTo(stockLoss,
                    within(tolerance * Math.abs(stockLoss)));
        }
        float[] expected = stock.parameters();
        float[] actual = lean.parameters();
        assertThat(actual).hasSameSizeAs(expected);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("largest parameter difference").isLessThan((float) tolerance);
        // Plain Adam without regularisation or clipping takes the one-pass update; the examples with L2 and
        // clipping (mlp-classifier), Nadam (cnn) and RMSProp (lstm-sequence-classifier) take DL4J's.
        assertThat(((EngineNetwork) lean.dl4j()).fusedSteps()).as("steps through the fused update")
                .isEqualTo(PLAIN_ADAM.contains(example) ? 6 : 0);
        assertThat(Arrays.equals(actual, Network.build(spec, plan).parameters())).as("training moved parameters")
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp-classifier", "dense-autoencoder", "lstm-sequence-classifier"})
    void aLoadedNetworkHasTheLeanLayersToo(String example) throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example(example));
        Network loaded = Network.load(new java.io.ByteArrayInputStream(Network.build(spec).toBytes()));
        assertThat(leanLayers(loaded)).isPositive();
    }

    /**
     * On AVX-512, where oneDNN's convolutions want channels-last activations, a convolution hands its output to the
     * pooling after it, and that pooling to the next convolution, channels-last and without a reorder; what goes to
     * a layer of DL4J's (the dense layer's preprocessor) is NCHW in 'c' order. Elsewhere every activation is NCHW.
     * That this trains as DL4J's layers do is the "lenet" case above.
     */
    @Test
    void convolutionsAndPoolingsHandEachOtherChannelsLastWhereOneDnnWantsIt() {
        TrainingSpec spec = Specs.parse(LENET);
        Network lean = Network.build(spec, Specs.plan(spec));
        INDArray features = Nd4j.rand(DataType.FLOAT, 6, 1, 16, 16);
        List<INDArray> activations = lean.dl4j().feedForward(features, true);
        boolean channelsLast = DnnlConvolution.channelsLast();
        // feedForward lists the input first, then each layer's output: conv, pool, conv, pool, dense, output.
        for (int layer : new int[] {0, 1, 2}) {
            INDArray out = activations.get(layer + 1);
            assertThat(Arrays4j.channelsLast(out) && !Arrays4j.denseRowMajor(out)).as("layer %d", layer)
                    .isEqualTo(channelsLast);
        }
        assertThat(Arrays4j.denseRowMajor(activations.get(4))).as("the last pooling's output").isTrue();
        // The same values either way: the stock layers' forward pass.
        List<INDArray> stock = lean.withStockLayers().dl4j().feedForward(features, false);
        List<INDArray> served = lean.dl4j().feedForward(features, false);
        for (int i = 1; i < stock.size(); i++) {
            assertThat(served.get(i).equalsWithEps(stock.get(i), 1e-5)).as("activation %d", i).isTrue();
        }
    }

    /**
     * The first convolution (nobody reads its input gradient) returns none, and its output and its weight and bias
     * gradients are DL4J's; the second one's input gradient is DL4J's too. Covers stride, padding (explicit, and
     * "same" with the window overhanging the bottom and right edges), dilation (in either layer) and an activation
     * other than ReLU, which the examples do not.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"padding\": 1, \"activation\": \"relu\"               | \"stride\": 2, \"padding\": 1",
        "\"convolutionMode\": \"same\", \"activation\": \"relu\" | \"stride\": 2, \"convolutionMode\": \"same\"",
        "\"dilation\": 2, \"activation\": \"tanh\"              | \"dilation\": 2",
        "\"activation\": \"relu\"                               | \"stride\": 1"})
    void theFirstConvolutionComputesNoInputGradient(String settings, String second) {
        TrainingSpec spec = Specs.parse(FIRST_CONVOLUTION.replace("SETTINGS", settings).replace("SECOND", second));
        Network lean = Network.build(spec, Specs.plan(spec));
        Network stock = lean.withStockLayers();
        lean.dl4j().initGradientsView();
        stock.dl4j().initGradientsView();
        INDArray input = Nd4j.rand(DataType.FLOAT, 5, 3, 11, 11).subi(0.5);
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        for (int index : new int[] {0, 1}) {
            Layer leanLayer = lean.dl4j().getLayer(index);
            Layer stockLayer = stock.dl4j().getLayer(index);
            assertThat(leanLayer).isInstanceOf(LeanConvolutionLayer.class);
            // libnd4j M2.1 cannot hand a dilated convolution to oneDNN: such a layer goes to DL4J's own path at once.
            assertThat(((LeanConvolutionLayer) leanLayer).getHelper() == null)
                    .isEqualTo((index == 0 ? settings : second).contains("dilation"));
            INDArray out = leanLayer.activate(input, true, none);
            assertThat(out.equalsWithEps(stockLayer.activate(input, true, none), 1e-6)).isTrue();
            INDArray epsilon = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5);
            Pair<Gradient, INDArray> mine = leanLayer.backpropGradient(epsilon.dup(), none);
            Pair<Gradient, INDArray> dl4j = stockLayer.backpropGradient(epsilon.dup(), none);
            if (index == 0) {
                assertThat(mine.getSecond()).isNull();
            } else {
                assertThat(mine.getSecond().equalsWithEps(dl4j.getSecond(), 1e-5)).isTrue();
            }
            for (String key : new String[] {"W", "b"}) {
                INDArray expected = dl4j.getFirst().getGradientFor(key);
                INDArray actual = mine.getFirst().getGradientFor(key);
                double scale = expected.amaxNumber().doubleValue();
                assertThat(scale).isPositive();
                assertThat(actual.sub(expected).amaxNumber().doubleValue()).as("layer %d %s", index, key)
                        .isLessThan(1e-5 * scale);
            }
            input = out;
        }
    }

    private static long leanLayers(Network network) {
        Layer[] layers = network.dl4j().getLayers();
        return Arrays.stream(layers).map(LeanLayersTest::inner)
                .filter(l -> l instanceof LeanDenseLayer || l instanceof LeanConvolutionLayer || l instanceof LeanLstmLayer
                        || l instanceof LeanPoolingLayer || l instanceof LeanOutputLayer)
                .count();
    }

    /**
     * Padded sequences: example i loses its last i % 4 steps (the engine's LSTM); with {@code gaps} every fifth one
     * also a step in the middle (that batch goes through DL4J's LSTM, see LeanLstmLayer.trailingPadding).
     */
    private static Tensor paddingMask(Tensor features, boolean gaps) {
        int n = features.batchSize();
        int steps = features.shape()[1];
        float[] mask = new float[n * steps];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) {
                mask[i * steps + t] = t < steps - i % 4 && !(gaps && i % 5 == 0 && t == 1) ? 1f : 0f;
            }
        }
        return Tensor.of(mask, n, steps);
    }

    /** DL4J's wrapper has no getter for its two layers. */
    private static Object direction(BidirectionalLayer layer, String field) {
        try {
            java.lang.reflect.Field f = BidirectionalLayer.class.getDeclaredField(field);
            f.setAccessible(true);
            return f.get(layer);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** The layer doing the work: under last_time_step, and the forward direction of a bidirectional one. */
    private static Object inner(Layer layer) {
        Layer l = unwrap(layer);
        return l instanceof BidirectionalLayer b ? direction(b, "fwd") : l;
    }

    private static Layer unwrap(Layer layer) {
        return layer instanceof BaseWrapperLayer w ? w.getUnderlying() : layer;
    }

    private static final int[] BATCH_SIZES = {32, 32, 20, 32, 7, 32};

    /** The examples trained by plain Adam, without regularisation or clipping: LeanSolver's one-pass update. */
    private static final Set<String> PLAIN_ADAM = Set.of("dense-autoencoder", "lstm-first",
            "pooling", "lenet", "lenet-dropout", "convolutions", "lstm-bidirectional-last", "mlp-relu",
            "mlp-relu-regression");

    /**
     * The benchmark's MLP, small: ReLU dense layers, the second with dropout on its input (applied in place over the
     * first's output). The regression's mean squared error is scored from the output layer's input again after the
     * backward pass, which must therefore leave that input as it was.
     */
    private static final String MLP_RELU = """
            {"input": {"type": "features", "size": 12},
             "task": %s,
             "layers": [{"type": "dense", "units": 24, "activation": "relu"},
                        {"type": "dense", "units": 16, "activation": "relu", "dropout": 0.3}],
             "optimizer": {"type": "adam", "learningRate": 0.01},
             "training": {"epochs": 1, "batchSize": 32, "seed": 11}}
            """;

    /** The benchmark's shape, small: an LSTM as the first layer (no input gradient), 20 steps. */
    private static final String LSTM_FIRST = """
            {"input": {"type": "sequence", "features": 6, "length": 20},
             "task": {"type": "classification", "classes": 3},
             "layers": [{"type": "lstm", "units": 16}, {"type": "last_time_step"}],
             "optimizer": {"type": "adam", "learningRate": 0.01},
             "training": {"epochs": 1, "batchSize": 32, "seed": 5}}
            """;

    /** A bidirectional LSTM under last_time_step: DL4J nests the wrappers. */
    private static final String BIDIRECTIONAL_LAST = """
            {"input": {"type": "sequence", "features": 4, "length": 12},
             "task": {"type": "classification", "classes": 3},
             "layers": [{"type": "bidirectional", "mode": "add", "layer": {"type": "lstm", "units": 10}},
                        {"type": "last_time_step"}],
             "optimizer": {"type": "adam", "learningRate": 0.01},
             "training": {"epochs": 1, "batchSize": 32, "seed": 6}}
            """;

    /**
     * Two convolutions as the first layers; SETTINGS: the first one's padding and activation, SECOND: the second
     * one's stride, padding or dilation (it computes an input gradient, through col2im).
     */
    private static final String FIRST_CONVOLUTION = """
            {"input": {"type": "image", "height": 11, "width": 11, "channels": 3},
             "task": {"type": "classification", "classes": 3},
             "layers": [
               {"type": "convolution2d", "filters": 4, "kernel": 3, "stride": 2, SETTINGS},
               {"type": "convolution2d", "filters": 5, "kernel": 2, "activation": "tanh", SECOND},
               {"type": "dense", "units": 8}],
             "optimizer": {"type": "adam", "learningRate": 0.01},
             "training": {"epochs": 1, "batchSize": 32, "seed": 9}}
            """;

    /** LeNet's shape, small: convolution, max pooling, convolution, max pooling, dense. */
    private static final String LENET = imageClassifier(16, 1, 4, 5, """
            {"type": "convolution2d", "filters": 6, "kernel": 3, "activation": "relu"},
            {"type": "pooling2d", "pooling": "max", "kernel": 2},
            {"type": "convolution2d", "filters": 20, "kernel": 3, "activation": "relu"},
            {"type": "pooling2d", "pooling": "max", "kernel": 2},
            {"type": "dense", "units": 12, "activation": "relu"}""");

    /**
     * A convolution straight into another (strided, "same" padding: channels-last from one to the next), then pooling
     * on three channels-last input channels.
     */
    private static final String CONVOLUTIONS = imageClassifier(15, 3, 3, 11, """
            {"type": "convolution2d", "filters": 8, "kernel": 3, "stride": 2, "convolutionMode": "same",
             "activation": "relu"},
            {"type": "convolution2d", "filters": 3, "kernel": 2, "activation": "relu"},
            {"type": "pooling2d", "pooling": "avg", "kernel": 2},
            {"type": "dense", "units": 6, "activation": "relu"}""");

    /** Average pooling with overlapping windows (3×3, stride 2), then overlapping max pooling (3×3, stride 1). */
    private static final String POOLING = imageClassifier(13, 2, 3, 9, """
            {"type": "convolution2d", "filters": 4, "kernel": 3, "activation": "relu"},
            {"type": "pooling2d", "pooling": "avg", "kernel": 3, "stride": 2},
            {"type": "convolution2d", "filters": 5, "kernel": 2, "activation": "tanh"},
            {"type": "pooling2d", "pooling": "max", "kernel": 3, "stride": 1},
            {"type": "dense", "units": 8}""");

    /** A classifier of square images trained by Adam for one epoch of batches of 32, around {@code layers}. */
    private static String imageClassifier(int side, int channels, int classes, int seed, String layers) {
        return """
                {"input": {"type": "image", "height": %d, "width": %d, "channels": %d},
                 "task": {"type": "classification", "classes": %d},
                 "layers": [%s],
                 "optimizer": {"type": "adam", "learningRate": 0.01},
                 "training": {"epochs": 1, "batchSize": 32, "seed": %d}}
                """.formatted(side, side, channels, classes, layers, seed);
    }
}
