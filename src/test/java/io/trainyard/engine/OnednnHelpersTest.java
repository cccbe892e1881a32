package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The service trains CNNs on oneDNN (docs/performance.md, "oneDNN in the service"): the shipped libnd4j has it, the
 * engine switches DL4J's layer helpers on, and the stand-in class org.nd4j.nativeblas.Nd4jCpu lets DL4J M2.1 see
 * it. Any of the three missing leaves every layer on the built-in path (2-3x slower) without an error, so these
 * tests look at the helpers the layers really got, and check that the helpers compute what the built-in path does.
 */
class OnednnHelpersTest {

    /** A LeNet-style CNN as a client would submit it (the benchmark's shape, smaller). */
    static final String LENET = """
            {"input": {"type": "image", "height": 28, "width": 28, "channels": 1},
             "task": {"type": "classification", "classes": 2},
             "layers": [
               {"type": "convolution2d", "filters": 8, "kernel": 5, "activation": "relu"},
               {"type": "pooling2d", "pooling": "max", "kernel": 2, "stride": 2},
               {"type": "convolution2d", "filters": 12, "kernel": 5, "activation": "relu"},
               {"type": "pooling2d", "pooling": "max", "kernel": 2, "stride": 2},
               {"type": "dense", "units": 32, "activation": "relu"}
             ],
             "optimizer": {"type": "adam", "learningRate": 0.005},
             "training": {"seed": 7}}""";

    @Test
    void theShippedNativesHaveOnednnAndTheEngineSwitchesTheHelpersOn() {
        NativeRuntime runtime = NativeRuntime.detect();

        assertThat(runtime.nativeBuild()).isEqualTo("linux-x86_64-onednn");
        assertThat(runtime.onednn()).isTrue();
        assertThat(runtime.layerHelpers()).isTrue();
        assertThat(runtime.layerHelper()).isEqualTo("MKLDNNConvHelper");
        assertThat(runtime.advice()).doesNotContain("oneDNN");
        assertThat(runtime.asMap()).containsEntry("onednn", true).containsEntry("layerHelpers", true)
                .containsEntry("nativeBuild", "linux-x86_64-onednn");
        assertThat(System.getProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY)).isEqualTo("false");
    }

    @Test
    void helpersSwitchedOffOnTheCommandLineAreReportedAsASlowFallback() {
        String before = System.getProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY);
        System.setProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY, "true");
        try {
            NativeRuntime runtime = NativeRuntime.detect();

            assertThat(System.getProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY)).isEqualTo("true");
            assertThat(runtime.onednn()).isTrue();
            assertThat(runtime.layerHelpers()).isFalse();
            assertThat(runtime.slowFallback()).isTrue();
            assertThat(runtime.advice()).contains("no oneDNN layer helper")
                    .contains("-D" + NativeRuntime.HELPERS_DISABLE_PROPERTY + "=true");
            assertThat(runtime.asMap()).containsEntry("layerHelpers", false).containsEntry("slowFallback", true)
                    .containsKey("advice");
        } finally {
            System.setProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY, before == null ? "false" : before);
        }
    }

    @Test
    void convolutionPoolingAndBatchNormLayersBuiltFromASpecGetOnednnHelpers() {
        assertThat(helpers(Network.build(Specs.parse(LENET)))).containsExactly(
                Map.entry("0:ConvolutionLayer", "MKLDNNConvHelper"),
                Map.entry("1:SubsamplingLayer", "MKLDNNSubsamplingHelper"),
                Map.entry("2:ConvolutionLayer", "MKLDNNConvHelper"),
                Map.entry("3:SubsamplingLayer", "MKLDNNSubsamplingHelper"));

        Map<String, String> example = helpers(Network.build(Specs.parse(Specs.example("cnn-image-classifier"))));
        assertThat(example).containsEntry("0:ConvolutionLayer", "MKLDNNConvHelper")
                .containsEntry("1:BatchNormalization", "MKLDNNBatchNormHelper")
                .containsEntry("2:SubsamplingLayer", "MKLDNNSubsamplingHelper")
                .containsEntry("3:ConvolutionLayer", "MKLDNNConvHelper");
    }

    @Test
    void aLoadedNetworkGetsItsHelpersBack() throws Exception {
        Network net = Network.build(Specs.parse(LENET));
        Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));

        assertThat(helpers(loaded)).isEqualTo(helpers(net)).hasSize(4);
    }

    @Test
    void aCnnOnOnednnLearns() {
        TrainingSpec spec = Specs.parse(LENET);
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 64, 11);
        double first = net.score(batch);
        for (int i = 0; i < 40; i++) {
            net.fitBatch(batch);
        }

        assertThat(helpers(net)).containsValue("MKLDNNConvHelper");
        assertThat(net.score(batch)).isLessThan(first * 0.5);
    }

    /** The oneDNN path and DL4J's built-in path agree on outputs and on the training step they take. */
    @Test
    void theHelpersComputeWhatTheBuiltInPathComputes() throws Exception {
        for (String json : new String[] {LENET, Specs.example("cnn-image-classifier")}) {
            TrainingSpec spec = Specs.parse(json);
            NetworkPlan plan = Specs.plan(spec);
            Batch batch = Synthetic.batch(spec, plan, 16, 5);
            byte[] saved = Network.build(spec, plan).toBytes();
            Network fast = Network.load(new ByteArrayInputStream(saved));
            Network builtIn = withHelpersDisabled(saved);
            assertThat(helpers(fast)).containsValue("MKLDNNConvHelper");
            assertThat(helpers(builtIn)).as("an explicit -D%s=true wins", NativeRuntime.HELPERS_DISABLE_PROPERTY)
                    .allSatisfy((layer, helper) -> assertThat(helper).isEqualTo("none"));

            assertClose(fast.output(batch.features()).data(), builtIn.output(batch.features()).data(), 1e-4f);
            for (int i = 0; i < 3; i++) {
                Nd4j.getRandom().setSeed(31 + i);
                double a = fast.fitBatch(batch);
                Nd4j.getRandom().setSeed(31 + i);
                double b = builtIn.fitBatch(batch);
                assertThat(a).isCloseTo(b, within(1e-3 * Math.max(1, Math.abs(b))));
            }
            assertClose(fast.parameters(), builtIn.parameters(), 1e-3f);
        }
    }

    private static Network withHelpersDisabled(byte[] saved) throws Exception {
        String before = System.getProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY);
        System.setProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY, "true");
        try {
            NativeRuntime.configure(); // must not overwrite the caller's value
            return Network.load(new ByteArrayInputStream(saved));
        } finally {
            System.setProperty(NativeRuntime.HELPERS_DISABLE_PROPERTY, before == null ? "false" : before);
        }
    }

    private static void assertClose(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            float scale = Math.max(1f, Math.abs(expected[i]));
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance * scale));
        }
    }

    /** Layer index and type → the helper DL4J gave it ("none"), for the layer types that can have one. */
    static Map<String, String> helpers(Network network) {
        Map<String, String> helpers = new LinkedHashMap<>();
        Layer[] layers = network.dl4j().getLayers();
        for (int i = 0; i < layers.length; i++) {
            String type = layers[i].conf().getLayer().getClass().getSimpleName(); // the engine may subclass the layer
            if (type.equals("ConvolutionLayer") || type.equals("SubsamplingLayer")
                    || type.equals("BatchNormalization") || type.equals("LocalResponseNormalization")) {
                LayerHelper helper = layers[i].getHelper();
                helpers.put(i + ":" + type, helper == null ? "none" : helper.getClass().getSimpleName());
            }
        }
        return helpers;
    }
}
