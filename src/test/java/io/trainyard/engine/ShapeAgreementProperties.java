package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.Shape;
import io.trainyard.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * Random valid dense, convolution and recurrent stacks: Trainyard's own shape inference and parameter
 * count agree with the network DL4J builds (numParams, getOutputType per layer, and a forward pass).
 */
class ShapeAgreementProperties {

    @Property(tries = 25)
    void denseStacks(@ForAll("dense") String json) {
        agree(json);
    }

    @Property(tries = 25)
    void convolutionStacks(@ForAll("convolution") String json) {
        agree(json);
    }

    @Property(tries = 20)
    void recurrentStacks(@ForAll("recurrent") String json) {
        agree(json);
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

    @Provide
    Arbitrary<String> dense() {
        Arbitrary<String> layer = Arbitraries.integers().between(1, 24).map(u -> "{\"type\":\"dense\",\"units\":" + u + "}");
        return Combinators.combine(Arbitraries.integers().between(1, 20), layer.list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.integers().between(2, 6)).as((in, layers, classes) ->
                "{\"input\":{\"type\":\"features\",\"size\":" + in + "},\"task\":{\"type\":\"classification\",\"classes\":"
                        + classes + "},\"layers\":[" + String.join(",", layers) + "]}");
    }

    @Provide
    Arbitrary<String> convolution() {
        Arbitrary<String> conv = Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 2), Arbitraries.of("truncate", "same")).as((f, k, s, m) ->
                "{\"type\":\"convolution2d\",\"filters\":" + f + ",\"kernel\":" + k + ",\"stride\":" + s
                        + ",\"convolutionMode\":\"" + m + "\"}");
        Arbitrary<String> pool = Combinators.combine(Arbitraries.of("max", "avg"), Arbitraries.integers().between(1, 2))
                .as((p, k) -> "{\"type\":\"pooling2d\",\"pooling\":\"" + p + "\",\"kernel\":" + k + "}");
        Arbitrary<String> bn = Arbitraries.just("{\"type\":\"batch_normalization\"}");
        Arbitrary<String> layer = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, conv), net.jqwik.api.Tuple.of(2, pool),
                net.jqwik.api.Tuple.of(1, bn));
        Arbitrary<String> head = Arbitraries.of("", ",{\"type\":\"dense\",\"units\":5}", ",{\"type\":\"global_pooling\"}");
        return Combinators.combine(Arbitraries.integers().between(6, 12), Arbitraries.integers().between(6, 12),
                Arbitraries.integers().between(1, 3), layer.list().ofMinSize(1).ofMaxSize(3), head).as((h, w, c, layers, tail) ->
                "{\"input\":{\"type\":\"image\",\"height\":" + h + ",\"width\":" + w + ",\"channels\":" + c + "},"
                        + "\"task\":{\"type\":\"classification\",\"classes\":3},\"layers\":[" + String.join(",", layers) + tail + "]}")
                .filter(ShapeAgreementProperties::valid);
    }

    @Provide
    Arbitrary<String> recurrent() {
        Arbitrary<String> rnn = Combinators.combine(Arbitraries.of("lstm", "simple_rnn"), Arbitraries.integers().between(1, 8))
                .as((t, u) -> "{\"type\":\"" + t + "\",\"units\":" + u + "}");
        Arbitrary<String> bi = Combinators.combine(Arbitraries.of("concat", "add"), rnn)
                .as((m, inner) -> "{\"type\":\"bidirectional\",\"mode\":\"" + m + "\",\"layer\":" + inner + "}");
        Arbitrary<String> attention = Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 4))
                .as((h, s) -> "{\"type\":\"self_attention\",\"heads\":" + h + ",\"headSize\":" + s + "}");
        Arbitrary<String> layer = Arbitraries.oneOf(rnn, bi, attention);
        return Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(2, 6),
                layer.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of("last", "pool", "each"), rnn).as((f, len, layers, end, lastRnn) -> {
                    String body = String.join(",", layers);
                    String task = "\"task\":{\"type\":\"classification\",\"classes\":2";
                    if (end.equals("last")) {
                        body += "," + lastRnn + ",{\"type\":\"last_time_step\"}";
                        task += "}";
                    } else if (end.equals("pool")) {
                        body += ",{\"type\":\"global_pooling\"}";
                        task += "}";
                    } else {
                        task += ",\"per\":\"time_step\"}";
                    }
                    return "{\"input\":{\"type\":\"sequence\",\"features\":" + f + ",\"length\":" + len + "}," + task
                            + ",\"layers\":[" + body + "]}";
                });
    }
}
