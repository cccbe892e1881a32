package io.trainyard.spec;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Each bad spec answers 400 (or 422 for limits) with the exact pointer and a message saying what is allowed. */
@WebMvcTest(controllers = SpecController.class)
@Import({SpecValidator.class, io.trainyard.system.WebConventions.class})
@EnableConfigurationProperties(SpecLimits.class)
class BadSpecTableTest {

    @Autowired
    MockMvc mvc;

    static String mlp(String layers) {
        return "{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3},"
                + "\"layers\":" + layers + "}";
    }

    static String img(String layers) {
        return "{\"input\":{\"type\":\"image\",\"height\":5,\"width\":5,\"channels\":1},"
                + "\"task\":{\"type\":\"classification\",\"classes\":2},\"layers\":" + layers + "}";
    }

    static String seq(String layers, String per) {
        return "{\"input\":{\"type\":\"sequence\",\"features\":3,\"length\":6},\"task\":{\"type\":\"classification\","
                + "\"classes\":2" + per + "},\"layers\":" + layers + "}";
    }

    static String withOptimizer(String optimizer) {
        return "{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3},"
                + "\"layers\":[{\"type\":\"dense\",\"units\":4}],\"optimizer\":" + optimizer + "}";
    }

    static String withTraining(String training) {
        return "{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3},"
                + "\"layers\":[{\"type\":\"dense\",\"units\":4}],\"training\":" + training + "}";
    }

    static final String DENSE = "[{\"type\":\"dense\",\"units\":4}]";

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                // structure and types
                bad(mlp("[]"), "/layers", "must list at least one layer"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3}}",
                        "/layers", "must list at least one layer"),
                bad(mlp("[{\"type\":\"densee\",\"units\":4}]"), "/layers/0/type", "unknown layer type \"densee\"; allowed: \"dense\""),
                bad(mlp("[{\"units\":4}]"), "/layers/0/type", "is required; allowed:"),
                bad(mlp("[{\"type\":\"dense\"}]"), "/layers/0/units", "is required; an integer between 1 and 65536"),
                bad(mlp("[{\"type\":\"dense\",\"units\":0}]"), "/layers/0/units", "must be between 1 and 65536; got 0"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"unitz\":3}]"), "/layers/0/unitz", "unknown field 'unitz'"),
                bad(mlp("[{\"type\":\"dense\",\"units\":\"four\"}]"), "/layers/0/units", "must be an integer"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"activation\":\"relux\"}]"), "/layers/0/activation",
                        "must be one of [relu, relu6, leakyrelu"),
                bad("{\"input\":{\"type\":\"img\"},\"task\":{\"type\":\"classification\",\"classes\":3},\"layers\":" + DENSE + "}",
                        "/input/type", "must be one of \"features\", \"image\", \"sequence\", \"tokens\""),
                bad("{\"task\":{\"type\":\"classification\",\"classes\":3},\"layers\":" + DENSE + "}", "/input", "is required"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"layers\":" + DENSE + "}", "/task", "is required"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"clustering\"},\"layers\":" + DENSE + "}",
                        "/task/type", "must be one of \"classification\", \"regression\", \"autoencoder\""),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":1},\"layers\":"
                        + DENSE + "}", "/task/classes", "must be between 2 and 1000000; got 1"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\"},\"layers\":" + DENSE + "}",
                        "/task/classes", "is required"),
                bad("{\"input\":{\"type\":\"features\",\"size\":0},\"task\":{\"type\":\"regression\",\"outputs\":1},\"layers\":"
                        + DENSE + "}", "/input/size", "must be between 1 and 10000000; got 0"),
                bad(mlp("[{\"type\":\"dense\",\"name\":\"a\",\"units\":4},{\"type\":\"dense\",\"name\":\"a\",\"units\":4}]"),
                        "/layers/1/name", "\"a\" is already the name of layer 0"),
                // shapes
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":7}]"), "/layers/0/kernel",
                        "kernel 7x7 is larger than the 5x5 input of layer 0; use a smaller kernel, padding, or \"convolutionMode\": \"same\""),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":3},{\"type\":\"pooling2d\",\"kernel\":4}]"),
                        "/layers/1/kernel", "kernel 4x4 is larger than the 3x3 input of layer 1"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4}]"), "/layers/0/kernel", "is required: [height, width]"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":[3,3,3]}]"), "/layers/0/kernel",
                        "must be [height, width] or one integer for both"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":[3,0]}]"), "/layers/0/kernel/1",
                        "must be between 1 and 1024; got 0"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":2,\"stride\":2,\"convolutionMode\":\"strict\"}]"),
                        "/layers/0/stride", "must be divisible by the stride 2"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":3,\"padding\":1,\"convolutionMode\":\"same\"}]"),
                        "/layers/0/padding", "is not allowed with \"convolutionMode\": \"same\""),
                bad(mlp("[{\"type\":\"convolution2d\",\"filters\":4,\"kernel\":3}]"), "/layers/0/type",
                        "\"convolution2d\" needs an image input; its input is features[4]"),
                bad(mlp("[{\"type\":\"lstm\",\"units\":4}]"), "/layers/0/type", "\"lstm\" needs a sequence input"),
                bad(seq("[{\"type\":\"lstm\",\"units\":4}]", ""), "/task/per",
                        "add a \"last_time_step\" or \"global_pooling\" layer for one output per sequence, or set \"per\": \"time_step\""),
                bad(mlp(DENSE.replace("]", ",{\"type\":\"global_pooling\"}]")), "/layers/1/type",
                        "\"global_pooling\" pools a sequence over time or an image"),
                bad(seq("[{\"type\":\"dense\",\"units\":4},{\"type\":\"last_time_step\"}]", ""), "/layers/1/type",
                        "\"last_time_step\" must follow an \"lstm\""),
                bad(seq("[{\"type\":\"bidirectional\",\"layer\":{\"type\":\"dense\",\"units\":4}},{\"type\":\"last_time_step\"}]", ""),
                        "/layers/0/layer/type", "must be \"lstm\" or \"simple_rnn\"; got \"dense\""),
                bad(seq("[{\"type\":\"self_attention\",\"heads\":2,\"projection\":false},{\"type\":\"global_pooling\"}]", ""),
                        "/layers/0/heads", "must be 1 without projection"),
                bad(seq("[{\"type\":\"embedding\",\"units\":4},{\"type\":\"global_pooling\"}]", ""), "/layers/0/type",
                        "\"embedding\" must be the first layer of a network whose input is \"tokens\""),
                bad(mlp("[{\"type\":\"variational_autoencoder\",\"encoder\":[4],\"decoder\":[4],\"latent\":2}]"),
                        "/layers/0/type", "must be the only layer of an \"autoencoder\" task"),
                bad("{\"input\":{\"type\":\"features\",\"size\":6},\"task\":{\"type\":\"autoencoder\",\"bottleneck\":\"code\"},"
                        + "\"layers\":[{\"type\":\"dense\",\"units\":2,\"name\":\"z\"}]}", "/task/bottleneck",
                        "no layer is named \"code\"; named layers: \"z\""),
                // per-layer options
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":\"zero\"}]"), "/layers/0/weightInit",
                        "\"zero\" is rejected for a hidden layer: symmetric units get identical gradients and never differentiate"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":{\"type\":\"constant\",\"value\":0.1}}]"),
                        "/layers/0/weightInit", "\"constant\" is rejected for a hidden layer"),
                bad(mlp(DENSE).replace("\"layers\"", "\"defaults\":{\"weightInit\":\"zero\"},\"layers\""), "/defaults/weightInit",
                        "(layer 0 inherits it)"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":{\"type\":\"normal\"}}]"), "/layers/0/weightInit/std",
                        "is required; the standard deviation"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":{\"type\":\"uniform\",\"lower\":1,\"upper\":-1}}]"),
                        "/layers/0/weightInit/upper", "must be greater than lower"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":{\"type\":\"xavier\",\"std\":1}}]"),
                        "/layers/0/weightInit/std", "is not allowed for \"xavier\""),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"dropout\":1.5}]"), "/layers/0/dropout/rate", "must be > 0 and < 1; got 1.5"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"dropout\":{\"type\":\"spatial\",\"rate\":0.1}}]"),
                        "/layers/0/dropout/type", "must be one of [standard, gaussian, alpha]"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"l2\":-0.1}]"), "/layers/0/l2", "must be >= 0 and <= 1; got -0.1"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"l2\":0.01,\"weightDecay\":0.01}]"), "/layers/0/weightDecay",
                        "set either l2 or weightDecay, not both"),
                // optimizer
                bad(withOptimizer("{\"type\":\"adamw\"}"), "/optimizer/type", "must be one of [sgd, momentum, nesterov"),
                bad(withOptimizer("{\"type\":\"adam\",\"momentum\":0.9}"), "/optimizer/momentum",
                        "is not a hyper-parameter for \"adam\"; it applies to: momentum, nesterov"),
                bad(withOptimizer("{\"type\":\"sgd\",\"learningRate\":0}"), "/optimizer/learningRate", "must be > 0 and <= 10; got 0"),
                bad(withOptimizer("{\"type\":\"adadelta\",\"learningRate\":0.1}"), "/optimizer/learningRate",
                        "is not allowed for \"adadelta\""),
                bad(withOptimizer("{\"type\":\"adam\",\"beta1\":1.0}"), "/optimizer/beta1", "must be >= 0 and < 1; got 1"),
                bad(withOptimizer("{\"type\":\"adam\",\"schedule\":{\"type\":\"step\",\"gamma\":0.5}}"), "/optimizer/schedule/step",
                        "is required; how many iterations"),
                bad(withOptimizer("{\"type\":\"adam\",\"schedule\":{\"type\":\"exponential\",\"gamma\":0.9,\"power\":2}}"),
                        "/optimizer/schedule/power", "is not used by a \"exponential\" schedule; it takes: gamma"),
                bad(withOptimizer("{\"type\":\"adam\",\"learningRate\":0.1,\"schedule\":{\"type\":\"cycle\",\"maxLearningRate\":0.05,\"cycleLength\":10}}"),
                        "/optimizer/schedule/maxLearningRate", "must be greater than the learning rate (0.1)"),
                bad(withOptimizer("{\"type\":\"adam\",\"gradientNormalization\":{\"type\":\"clip_l2_per_layer\"}}"),
                        "/optimizer/gradientNormalization/threshold", "is required; the clipping threshold"),
                // training
                bad(withTraining("{\"epochs\":0}"), "/training/epochs", "must be at least 1; got 0"),
                bad(withTraining("{\"validation\":{\"fraction\":0.2,\"dataset\":\"x\"}}"), "/training/validation",
                        "give exactly one of \"fraction\""),
                bad(withTraining("{\"validation\":{\"fraction\":0.95}}"), "/training/validation/fraction",
                        "must be >= 0 and <= 0.9; got 0.95"),
                bad(withTraining("{\"validation\":{\"fraction\":0},\"earlyStopping\":{\"metric\":\"validation_loss\","
                        + "\"patience\":3}}"), "/training/earlyStopping/metric", "needs validation data"),
                bad(withTraining("{\"earlyStopping\":{\"metric\":\"loss\",\"mode\":\"max\",\"patience\":3}}"),
                        "/training/earlyStopping/mode", "must be \"min\" for \"loss\""),
                bad(withTraining("{\"earlyStopping\":{\"metric\":\"loss\",\"maxRuntime\":\"PT0.5S\"}}"),
                        "/training/earlyStopping/maxRuntime", "must be at least PT1S; got PT0.5S"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4,\"weightInit\":\"glorot\"}]"), "/layers/0/weightInit",
                        "must be one of [xavier, xavier_uniform, he"),
                bad(withTraining("{\"checkpoints\":{\"keepLast\":0,\"everyEpochs\":1}}"), "/training/checkpoints/keepLast",
                        "must be between 1 and 1000; got 0"),
                bad(withTraining("{\"earlyStopping\":{\"metric\":\"loss\",\"maxRuntime\":\"PT2562047788015215H\"}}"),
                        "/training/earlyStopping/maxRuntime", "must be at most PT8760H (365 days)"),
                bad(withTraining("{\"checkpoints\":{\"every\":\"P200000D\"}}"), "/training/checkpoints/every",
                        "must be at most PT8760H (365 days)"),
                bad(mlp("[null]"), "/layers/0", "must not be null"),
                bad(mlp("[{\"type\":\"dense\",\"units\":4}, null]"), "/layers/1", "must not be null"),
                bad("{\"input\":{\"type\":\"image\",\"height\":16384,\"width\":16384,\"channels\":1},"
                        + "\"task\":{\"type\":\"classification\",\"classes\":1000000},\"layers\":[{\"type\":"
                        + "\"convolution2d\",\"filters\":65536,\"kernel\":1,\"convolutionMode\":\"same\"}]}",
                        "/layers/0", "holds 17592186044416 values per example"),
                bad("{\"input\":{\"type\":\"image\",\"height\":16384,\"width\":16384,\"channels\":4096},"
                        + "\"task\":{\"type\":\"classification\",\"classes\":2},\"layers\":" + DENSE + "}",
                        "/input", "the input holds 1099511627776 values per example"),
                // output pairs DL4J refuses at build time
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3,"
                        + "\"activation\":\"identity\",\"loss\":\"negativeloglikelihood\"},\"layers\":" + DENSE + "}",
                        "/task/activation", "which only \"softmax\" outputs"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3,"
                        + "\"activation\":\"sigmoid\"},\"layers\":" + DENSE + "}", "/task/activation",
                        "\"sigmoid\" with \"mcxent\""),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"classification\",\"classes\":3,"
                        + "\"loss\":\"xent\"},\"layers\":" + DENSE + "}", "/task/loss", "xent scores each output"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"regression\",\"outputs\":1,"
                        + "\"activation\":\"softmax\"},\"layers\":" + DENSE + "}", "/task/activation",
                        "softmax over one output is always exactly 1"),
                bad("{\"input\":{\"type\":\"features\",\"size\":4},\"task\":{\"type\":\"regression\",\"outputs\":1,"
                        + "\"loss\":\"poisson\"},\"layers\":" + DENSE + "}", "/task/loss", "outputs must be positive"),
                bad(img("[{\"type\":\"convolution2d\",\"filters\":2,\"kernel\":3,\"stride\":6,\"convolutionMode\":\"same\"}]"),
                        "/layers/0/stride", "use a stride no larger than the kernel"),
                bad(img("[{\"type\":\"pooling2d\",\"pooling\":\"avg\",\"kernel\":2,\"padding\":2}]"),
                        "/layers/0/padding", "must be smaller than the kernel (2); got 2"),
                // limits: 422
                limit(withTraining("{\"epochs\":20000}"), "/training/epochs", "the limit trainyard.spec.max-epochs is 10000"),
                limit(withTraining("{\"batchSize\":10000}"), "/training/batchSize", "the limit trainyard.spec.max-batch-size is 8192"),
                limit(mlp("[{\"type\":\"dense\",\"units\":65536},{\"type\":\"dense\",\"units\":65536}]"), "/layers",
                        "the limit trainyard.spec.max-parameters is 50000000"));
    }

    static Arguments bad(String json, String pointer, String message) {
        return Arguments.of(json, 400, pointer, message);
    }

    static Arguments limit(String json, String pointer, String message) {
        return Arguments.of(json, 422, pointer, message);
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("badSpecs")
    void answersProblemWithPointerAndMessage(String json, int status, String pointer, String message) throws Exception {
        mvc.perform(post("/api/v1/specs/validate").contentType(MediaType.APPLICATION_JSON).content(json))
                .andExpect(status().is(status))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[*].pointer", hasItem(pointer)))
                .andExpect(jsonPath("$.errors[?(@.pointer == '" + pointer + "')].message",
                        hasItem(containsString(message))));
    }
}
