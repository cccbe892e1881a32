package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer type, activation, weight init, optimizer, schedule and dropout type, built from JSON and
 * trained for a few iterations on tiny synthetic data: the loss must fall.
 */
class CatalogueTrainingTest {

    static String mlp(String layer, String optimizer, String task) {
        return "{\"input\":{\"type\":\"features\",\"size\":6},\"task\":" + task + ",\"layers\":[" + layer + "],"
                + "\"optimizer\":" + optimizer + ",\"training\":{\"seed\":3}}";
    }

    static final String CLS = "{\"type\":\"classification\",\"classes\":2}";
    static final String ADAM = "{\"type\":\"adam\",\"learningRate\":0.03}";

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String a : new String[] {"relu", "relu6", "leakyrelu", "elu", "selu", "gelu", "swish", "mish", "tanh",
                "hardtanh", "sigmoid", "hardsigmoid", "softmax", "softplus", "softsign", "identity"}) {
            b.add(Arguments.of("activation " + a, mlp("{\"type\":\"dense\",\"units\":8,\"activation\":\"" + a + "\"}",
                    "{\"type\":\"adam\",\"learningRate\":0.05}", CLS)));
        }
        for (String w : new String[] {"\"xavier\"", "\"xavier_uniform\"", "\"he\"", "\"he_uniform\"", "\"lecun_normal\"",
                "\"lecun_uniform\"", "{\"type\":\"normal\",\"std\":0.1}", "{\"type\":\"uniform\",\"lower\":-0.2,\"upper\":0.2}"}) {
            b.add(Arguments.of("weightInit " + w, mlp("{\"type\":\"dense\",\"units\":8,\"weightInit\":" + w + "}", ADAM, CLS)));
        }
        for (String w : new String[] {"\"zero\"", "{\"type\":\"constant\",\"value\":0.01}"}) {
            b.add(Arguments.of("output weightInit " + w, mlp("{\"type\":\"dense\",\"units\":8}", ADAM,
                    "{\"type\":\"classification\",\"classes\":2,\"weightInit\":" + w + "}")));
        }
        String[] optimizers = {"{\"type\":\"sgd\",\"learningRate\":0.3}", "{\"type\":\"momentum\",\"learningRate\":0.05,\"momentum\":0.9}",
            "{\"type\":\"nesterov\",\"learningRate\":0.05}", "{\"type\":\"adagrad\",\"learningRate\":0.1}",
            "{\"type\":\"rmsprop\",\"learningRate\":0.01,\"decay\":0.9}", "{\"type\":\"adadelta\",\"rho\":0.9,\"epsilon\":0.001}",
            "{\"type\":\"adam\",\"learningRate\":0.03,\"beta1\":0.8,\"beta2\":0.99}", "{\"type\":\"adamax\",\"learningRate\":0.05}",
            "{\"type\":\"nadam\",\"learningRate\":0.03}", "{\"type\":\"amsgrad\",\"learningRate\":0.03,\"epsilon\":1e-7}"};
        for (String o : optimizers) {
            b.add(Arguments.of("optimizer " + o, mlp("{\"type\":\"dense\",\"units\":8}", o, CLS)));
        }
        String[] schedules = {"{\"type\":\"constant\",\"warmup\":5}", "{\"type\":\"step\",\"gamma\":0.5,\"step\":10}",
            "{\"type\":\"exponential\",\"gamma\":0.99}", "{\"type\":\"inverse\",\"gamma\":0.01,\"power\":1}",
            "{\"type\":\"poly\",\"power\":2,\"maxIterations\":100}",
            "{\"type\":\"cycle\",\"maxLearningRate\":0.1,\"cycleLength\":30}",
            "{\"type\":\"cosine\",\"period\":20,\"minLearningRate\":0.001,\"warmup\":3}",
            "{\"type\":\"exponential\",\"unit\":\"epoch\",\"gamma\":0.9}"};
        for (String s : schedules) {
            b.add(Arguments.of("schedule " + s, mlp("{\"type\":\"dense\",\"units\":8}",
                    "{\"type\":\"adam\",\"learningRate\":0.03,\"schedule\":" + s + "}", CLS)));
        }
        for (String g : new String[] {"renormalize_l2_per_layer\"", "clip_l2_per_param_type\",\"threshold\":1.0"}) {
            b.add(Arguments.of("gradient " + g, mlp("{\"type\":\"dense\",\"units\":8}",
                    "{\"type\":\"adam\",\"learningRate\":0.03,\"gradientNormalization\":{\"type\":\"" + g + "}}", CLS)));
        }
        for (String d : new String[] {"0.1", "{\"type\":\"gaussian\",\"rate\":0.1}", "{\"type\":\"alpha\",\"rate\":0.1}"}) {
            b.add(Arguments.of("dropout field " + d, mlp("{\"type\":\"dense\",\"units\":16,\"dropout\":" + d + "}", ADAM, CLS)));
            b.add(Arguments.of("dropout layer " + d, mlp("{\"type\":\"dense\",\"units\":16},{\"type\":\"dropout\",\"dropout\":"
                    + d + "}", ADAM, CLS)));
        }
        b.add(Arguments.of("regularisation", mlp("{\"type\":\"dense\",\"units\":8,\"l1\":0.0001,\"l2\":0.001},"
                + "{\"type\":\"dense\",\"units\":8,\"weightDecay\":0.001}", ADAM, CLS)));
        b.add(Arguments.of("regression", mlp("{\"type\":\"dense\",\"units\":8}", ADAM,
                "{\"type\":\"regression\",\"outputs\":2}")));
        b.add(Arguments.of("batch_normalization dense", mlp("{\"type\":\"dense\",\"units\":8},{\"type\":\"batch_normalization\"}", ADAM, CLS)));
        b.add(Arguments.of("autoencoder layer", "{\"input\":{\"type\":\"features\",\"size\":6},\"task\":{\"type\":\"autoencoder\","
                + "\"bottleneck\":\"z\"},\"layers\":[{\"type\":\"autoencoder\",\"name\":\"z\",\"units\":3,\"corruptionLevel\":0.2,"
                + "\"activation\":\"tanh\"}],\"optimizer\":" + ADAM + "}"));
        String seq = "{\"input\":{\"type\":\"sequence\",\"features\":3,\"length\":5},\"optimizer\":" + ADAM + ",\"task\":";
        b.add(Arguments.of("simple_rnn per time step", seq + "{\"type\":\"classification\",\"classes\":2,\"per\":\"time_step\"},"
                + "\"layers\":[{\"type\":\"simple_rnn\",\"units\":8}]}"));
        b.add(Arguments.of("lstm + dense per time step, regression", seq + "{\"type\":\"regression\",\"outputs\":1,\"per\":\"time_step\"},"
                + "\"layers\":[{\"type\":\"lstm\",\"units\":8},{\"type\":\"dense\",\"units\":4}]}"));
        for (String mode : new String[] {"add", "mul", "average"}) {
            b.add(Arguments.of("bidirectional " + mode, seq + CLS + ",\"layers\":[{\"type\":\"bidirectional\",\"mode\":\"" + mode
                    + "\",\"layer\":{\"type\":\"simple_rnn\",\"units\":6}},{\"type\":\"last_time_step\"}]}"));
        }
        b.add(Arguments.of("self_attention without projection, avg pooling", seq + CLS + ",\"layers\":[{\"type\":\"self_attention\","
                + "\"heads\":1,\"projection\":false},{\"type\":\"global_pooling\",\"pooling\":\"avg\"},{\"type\":\"dense\",\"units\":8}]}"));
        b.add(Arguments.of("recurrent_attention + max pooling", seq + CLS + ",\"layers\":[{\"type\":\"recurrent_attention\","
                + "\"units\":6,\"heads\":2,\"headSize\":3},{\"type\":\"global_pooling\"}]}"));
        b.add(Arguments.of("sum pooling over time", seq + CLS + ",\"layers\":[{\"type\":\"lstm\",\"units\":6},"
                + "{\"type\":\"global_pooling\",\"pooling\":\"sum\"}]}"));
        String image = "{\"input\":{\"type\":\"image\",\"height\":6,\"width\":6,\"channels\":2},\"optimizer\":" + ADAM
                + ",\"task\":" + CLS + ",\"layers\":";
        b.add(Arguments.of("conv strict + avg pooling + flatten", image + "[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":3,"
                + "\"stride\":1,\"convolutionMode\":\"strict\"},{\"type\":\"pooling2d\",\"pooling\":\"avg\",\"kernel\":2},"
                + "{\"type\":\"dense\",\"units\":8}]}"));
        b.add(Arguments.of("dilated conv + batch norm", image + "[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":2,"
                + "\"dilation\":2},{\"type\":\"batch_normalization\"}]}"));
        b.add(Arguments.of("image autoencoder", "{\"input\":{\"type\":\"image\",\"height\":4,\"width\":4,\"channels\":1},"
                + "\"task\":{\"type\":\"autoencoder\",\"bottleneck\":\"code\"},\"optimizer\":" + ADAM + ",\"layers\":["
                + "{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":3,\"convolutionMode\":\"same\"},"
                + "{\"type\":\"dense\",\"units\":4,\"name\":\"code\"},{\"type\":\"dense\",\"units\":8}]}"));
        for (String r : new String[] {"gaussian", "exponential"}) {
            b.add(Arguments.of("vae " + r, "{\"input\":{\"type\":\"features\",\"size\":6},\"task\":{\"type\":\"autoencoder\"},"
                    + "\"optimizer\":" + ADAM + ",\"layers\":[{\"type\":\"variational_autoencoder\",\"encoder\":[8],\"decoder\":[8],"
                    + "\"latent\":2,\"reconstruction\":\"" + r + "\"}]}"));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossFalls(String name, String json) {
        TrainingSpec spec = Specs.parse(json);
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        assertThat(net.numParams()).as("parameter count").isEqualTo(plan.totalParameters());
        Batch batch = Synthetic.batch(spec, plan, 24, 2);
        if (name.contains("exponential") && name.startsWith("vae")) {
            batch = Batch.unlabelled(abs(batch.features()));
        }
        double before = net.score(batch);
        for (int i = 0; i < 30; i++) {
            net.fitBatch(batch);
        }
        double after = net.score(batch);
        assertThat(after).as("%s: loss %s -> %s", name, before, after).isLessThan(0.9 * before);
    }

    private static Tensor abs(Tensor t) {
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs(d[i]);
        }
        return new Tensor(d, t.shape());
    }
}
