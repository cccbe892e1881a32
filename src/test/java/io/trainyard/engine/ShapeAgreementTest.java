package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.Shape;
import io.trainyard.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests: random valid dense, convolution and recurrent stacks, and Trainyard's own shape inference and
 * parameter count agree with the network DL4J builds (numParams, getOutputType per layer, and a forward pass).
 * Each case comes from its own seed (shown in the test name), so a failure reproduces from that seed alone.
 * Plain JUnit rather than a property-testing library: jqwik 1.10 asks AI agents not to use it.
 */
class ShapeAgreementTest {

    @ParameterizedTest(name = "seed {0}: {1}")
    @MethodSource("denseCases")
    void denseStacks(long seed, String json) {
        agree(json);
    }

    @ParameterizedTest(name = "seed {0}: {1}")
    @MethodSource("convolutionCases")
    void convolutionStacks(long seed, String json) {
        agree(json);
    }

    @ParameterizedTest(name = "seed {0}: {1}")
    @MethodSource("recurrentCases")
    void recurrentStacks(long seed, String json) {
        agree(json);
    }

    static Stream<Arguments> denseCases() {
        return cases(25, 1_000, ShapeAgreementTest::dense);
    }

    static Stream<Arguments> convolutionCases() {
        return cases(25, 2_000, ShapeAgreementTest::convolution);
    }

    static Stream<Arguments> recurrentCases() {
        return cases(20, 3_000, ShapeAgreementTest::recurrent);
    }

    private static Stream<Arguments> cases(int count, long firstSeed, Function<Random, String> generator) {
        return IntStream.range(0, count).mapToObj(i -> {
            long seed = firstSeed + i;
            return Arguments.of(seed, generator.apply(new Random(seed)));
        });
    }

    private static void agree(String json) {
        TrainingSpec spec = Specs.parse(json);
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        assertThat(net.numParams()).as(json).isEqualTo(plan.totalParameters());
        // DL4J's own shape inference, layer by layer (last_time_step shares its wrapped layer's DL4J index).
        var conf = net.dl4j().getLayerWiseConfigurations();
        InputType type = NetworkBuilder.inputType(plan.input());
        List<Shape> ours = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            if (i + 1 < spec.layers().size() && spec.layers().get(i + 1) instanceof io.trainyard.spec.LayerSpec.LastTimeStep) {
                continue;
            }
            ours.add(plan.layers().get(i).outputShape());
        }
        ours.add(plan.output());
        for (int i = 0; i < conf.getConfs().size(); i++) {
            var pre = conf.getInputPreProcess(i);
            InputType in = pre == null ? type : pre.getOutputType(type);
            type = conf.getConf(i).getLayer().getOutputType(i, in);
            assertThat(sizeOf(type)).as("layer %d of %s", i, json).isEqualTo(sizeOf(ours.get(i)));
        }
        // And the real thing: a forward pass on a batch of 2.
        Tensor x = Synthetic.batch(spec, plan, 2, 1).features();
        List<long[]> shapes = net.activationShapes(x);
        long[] last = shapes.get(shapes.size() - 1);
        Shape out = plan.output();
        assertThat(last[1]).isEqualTo((long) out.dims().get(0));
    }

    /** Random stacks may shrink an image below a kernel; the validator rejects those (tested elsewhere). */
    static boolean valid(String json) {
        try {
            Specs.plan(Specs.parse(json));
            return true;
        } catch (io.trainyard.system.ApiException e) {
            return false;
        }
    }

    private static List<Long> sizeOf(InputType t) {
        return switch (t.getType()) {
            case FF -> List.of(((InputType.InputTypeFeedForward) t).getSize());
            case RNN -> List.of(((InputType.InputTypeRecurrent) t).getSize());
            case CNN -> {
                InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) t;
                yield List.of(c.getHeight(), c.getWidth(), c.getChannels());
            }
            case CNNFlat -> List.of(((InputType.InputTypeConvolutionalFlat) t).getFlattenedSize());
            default -> List.of(-1L);
        };
    }

    private static List<Long> sizeOf(Shape s) {
        return switch (s.kind()) {
            case IMAGE -> List.of((long) s.dims().get(0), (long) s.dims().get(1), (long) s.dims().get(2));
            default -> List.of((long) s.dims().get(0));
        };
    }

    private static int between(Random r, int min, int max) {
        return min + r.nextInt(max - min + 1);
    }

    @SafeVarargs
    private static <T> T oneOf(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    private static String dense(Random r) {
        List<String> layers = new ArrayList<>();
        for (int i = between(r, 1, 4); i > 0; i--) {
            layers.add("{\"type\":\"dense\",\"units\":" + between(r, 1, 24) + "}");
        }
        return "{\"input\":{\"type\":\"features\",\"size\":" + between(r, 1, 20) + "},\"task\":{\"type\":"
                + "\"classification\",\"classes\":" + between(r, 2, 6) + "},\"layers\":[" + String.join(",", layers) + "]}";
    }

    /** Random stacks may shrink an image below a kernel; draw again until the validator accepts one. */
    private static String convolution(Random r) {
        while (true) {
            List<String> layers = new ArrayList<>();
            for (int i = between(r, 1, 3); i > 0; i--) {
                int pick = r.nextInt(7);
                if (pick < 4) {
                    layers.add("{\"type\":\"convolution2d\",\"filters\":" + between(r, 1, 6) + ",\"kernel\":"
                            + between(r, 1, 3) + ",\"stride\":" + between(r, 1, 2) + ",\"convolutionMode\":\""
                            + oneOf(r, "truncate", "same") + "\"}");
                } else if (pick < 6) {
                    layers.add("{\"type\":\"pooling2d\",\"pooling\":\"" + oneOf(r, "max", "avg") + "\",\"kernel\":"
                            + between(r, 1, 2) + "}");
                } else {
                    layers.add("{\"type\":\"batch_normalization\"}");
                }
            }
            String tail = oneOf(r, "", ",{\"type\":\"dense\",\"units\":5}", ",{\"type\":\"global_pooling\"}");
            String json = "{\"input\":{\"type\":\"image\",\"height\":" + between(r, 6, 12) + ",\"width\":"
                    + between(r, 6, 12) + ",\"channels\":" + between(r, 1, 3) + "},"
                    + "\"task\":{\"type\":\"classification\",\"classes\":3},\"layers\":[" + String.join(",", layers)
                    + tail + "]}";
            if (valid(json)) {
                return json;
            }
        }
    }

    private static String rnn(Random r) {
        return "{\"type\":\"" + oneOf(r, "lstm", "simple_rnn") + "\",\"units\":" + between(r, 1, 8) + "}";
    }

    private static String recurrent(Random r) {
        List<String> layers = new ArrayList<>();
        for (int i = between(r, 1, 3); i > 0; i--) {
            int pick = r.nextInt(3);
            if (pick == 0) {
                layers.add(rnn(r));
            } else if (pick == 1) {
                layers.add("{\"type\":\"bidirectional\",\"mode\":\"" + oneOf(r, "concat", "add") + "\",\"layer\":"
                        + rnn(r) + "}");
            } else {
                layers.add("{\"type\":\"self_attention\",\"heads\":" + between(r, 1, 2) + ",\"headSize\":"
                        + between(r, 1, 4) + "}");
            }
        }
        String body = String.join(",", layers);
        String task = "\"task\":{\"type\":\"classification\",\"classes\":2";
        String end = oneOf(r, "last", "pool", "each");
        if (end.equals("last")) {
            body += "," + rnn(r) + ",{\"type\":\"last_time_step\"}";
            task += "}";
        } else if (end.equals("pool")) {
            body += ",{\"type\":\"global_pooling\"}";
            task += "}";
        } else {
            task += ",\"per\":\"time_step\"}";
        }
        return "{\"input\":{\"type\":\"sequence\",\"features\":" + between(r, 1, 5) + ",\"length\":"
                + between(r, 2, 6) + "}," + task + ",\"layers\":[" + body + "]}";
    }
}
