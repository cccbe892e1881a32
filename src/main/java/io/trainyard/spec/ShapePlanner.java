package io.trainyard.spec;

import io.trainyard.spec.LayerSpec.ConvolutionMode;
import io.trainyard.spec.NetworkPlan.PlannedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Infers the shape after every layer, counts parameters and FLOPs, and reports everything that does not
 * fit, with the layer's pointer. Mirrors what the engine builds; the engine's property tests hold the
 * two together.
 */
final class ShapePlanner {

    static final int MAX_UNITS = 65_536;
    static final int MAX_KERNEL = 1024;
    /**
     * Values one example may hold at the input and after any layer (4 GiB of floats). Far beyond what trains on a
     * server, and small enough that no parameter or FLOP count derived from two such shapes overflows a long.
     */
    static final long MAX_VALUES_PER_EXAMPLE = 1L << 30;

    private final Checks checks;
    private final TrainingSpec spec;

    ShapePlanner(Checks checks, TrainingSpec spec) {
        this.checks = checks;
        this.spec = spec;
    }

    /** The plan, or null when a problem was found (and recorded). */
    NetworkPlan plan() {
        int before = checks.count();
        Shape input = bounded("/input", "the input", input());
        List<LayerSpec> layers = spec.layersOrEmpty();
        if (layers.isEmpty()) {
            checks.add("/layers", "must list at least one layer; allowed types: " + Checks.list(LayerSpec.TYPES));
        }
        names(layers);
        List<PlannedLayer> rows = new ArrayList<>();
        Shape shape = input;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            String at = "/layers/" + i;
            Step step = layer(at, i, layer, shape, i == 0 ? null : layers.get(i - 1));
            if (step != null && bounded(at, "layer " + i, step.out) == null) {
                step = null;
            }
            shape = step == null ? null : step.out;
            if (step != null) {
                rows.add(new PlannedLayer(i, layer.name(), typeOf(layer), step.out, step.params, step.flops));
            }
        }
        Integer bottleneck = bottleneck(layers, rows);
        PlannedLayer output = shape == null ? null : output(layers.size(), shape, input);
        if (checks.count() > before || output == null || input == null) {
            return null;
        }
        rows.add(output);
        long params = rows.stream().mapToLong(PlannedLayer::parameters).sum();
        long flops = rows.stream().mapToLong(PlannedLayer::flopsPerExample).sum();
        int batch = spec.batchSizeOrDefault();
        long activations = input.elements() + rows.stream().mapToLong(r -> r.outputShape().elements()).sum();
        OptimizerSpec.Type optimizer = spec.optimizer() == null ? OptimizerSpec.DEFAULT_TYPE
                : spec.optimizer().typeOrDefault();
        long memory = 4L * (params * (2 + updaterStates(optimizer)) + 2L * batch * activations);
        return new NetworkPlan(input, output.outputShape(), List.copyOf(rows), params, flops, batch, memory, bottleneck);
    }

    private Shape bounded(String at, String what, Shape shape) {
        if (shape != null && shape.elements() > MAX_VALUES_PER_EXAMPLE) {
            checks.add(at, what + " holds " + shape.elements() + " values per example (" + shape + "); at most "
                    + MAX_VALUES_PER_EXAMPLE + ": use fewer units or filters, pool or stride sooner, or a smaller input");
            return null;
        }
        return shape;
    }

    static String typeOf(LayerSpec layer) {
        if (layer instanceof LayerSpec.Unknown u) {
            return u.type();
        }
        String simple = layer.getClass().getAnnotation(com.fasterxml.jackson.annotation.JsonTypeName.class).value();
        return simple;
    }

    static int updaterStates(OptimizerSpec.Type type) {
        return switch (type) {
            case SGD -> 0;
            case MOMENTUM, NESTEROV, ADAGRAD, RMSPROP -> 1;
            case ADADELTA, ADAM, ADAMAX, NADAM -> 2;
            case AMSGRAD -> 3;
        };
    }

    // ---- input ------------------------------------------------------------------------------

    private Shape input() {
        InputSpec in = spec.input();
        if (in == null) {
            checks.add("/input", "is required: the shape of one example (features, image, sequence or tokens); "
                    + "job submission fills it from the dataset");
            return null;
        }
        int before = checks.count();
        Shape shape = null;
        if (in instanceof InputSpec.Features f) {
            shape = dim("/input/size", f.size(), 1, 10_000_000) ? Shape.features(f.size()) : null;
        } else if (in instanceof InputSpec.Image im) {
            boolean ok = dim("/input/height", im.height(), 1, 16_384) & dim("/input/width", im.width(), 1, 16_384)
                    & dim("/input/channels", im.channels(), 1, 4096);
            shape = ok ? Shape.image(im.height(), im.width(), im.channels()) : null;
        } else if (in instanceof InputSpec.Sequence s) {
            boolean ok = dim("/input/features", s.features(), 1, 1_000_000);
            ok &= s.length() == null || checks.range("/input/length", s.length(), 1, 1_000_000);
            shape = ok ? Shape.sequence(s.features(), s.length()) : null;
        } else if (in instanceof InputSpec.Tokens t) {
            boolean ok = dim("/input/vocabulary", t.vocabulary(), 2, 10_000_000)
                    & dim("/input/length", t.length(), 1, 1_000_000);
            shape = ok ? Shape.tokens(t.vocabulary(), t.length()) : null;
        } else {
            checks.add("/input/type", "must be one of \"features\", \"image\", \"sequence\", \"tokens\"");
        }
        return checks.count() > before ? null : shape;
    }

    private boolean dim(String at, Integer value, int min, int max) {
        return checks.required(at, value, "an integer between " + min + " and " + max)
                && checks.range(at, value, min, max);
    }

    // ---- names and bottleneck -----------------------------------------------------------------

    private void names(List<LayerSpec> layers) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String name = layers.get(i).name();
            if (name == null) {
                continue;
            }
            if (!name.matches("[A-Za-z][A-Za-z0-9_-]{0,63}")) {
                checks.add("/layers/" + i + "/name", "must start with a letter and have at most 64 letters, digits, "
                        + "'_' or '-'; got \"" + name + "\"");
            } else if (seen.containsKey(name)) {
                checks.add("/layers/" + i + "/name", "\"" + name + "\" is already the name of layer " + seen.get(name)
                        + "; names must be unique");
            } else {
                seen.put(name, i);
            }
        }
    }

    private Integer bottleneck(List<LayerSpec> layers, List<PlannedLayer> rows) {
        if (!(spec.task() instanceof TaskSpec.Autoencoder task)) {
            return null;
        }
        boolean vae = layers.stream().anyMatch(l -> l instanceof LayerSpec.VariationalAutoencoder);
        if (task.bottleneck() == null) {
            if (vae) {
                return layers.size() == 1 ? 0 : null;
            }
            checks.add("/task/bottleneck", "is required: the name of the layer whose output is the latent code");
            return null;
        }
        for (int i = 0; i < layers.size(); i++) {
            if (task.bottleneck().equals(layers.get(i).name())) {
                LayerSpec l = layers.get(i);
                if (!(l instanceof LayerSpec.Dense || l instanceof LayerSpec.Autoencoder
                        || l instanceof LayerSpec.VariationalAutoencoder)) {
                    checks.add("/task/bottleneck", "names layer " + i + " of type \"" + typeOf(l)
                            + "\"; the bottleneck must be a \"dense\", \"autoencoder\" or \"variational_autoencoder\" layer");
                    return null;
                }
                return i;
            }
        }
        List<String> names = layers.stream().map(LayerSpec::name).filter(n -> n != null).toList();
        checks.add("/task/bottleneck", "no layer is named \"" + task.bottleneck() + "\""
                + (names.isEmpty() ? "; give the bottleneck layer a \"name\"" : "; named layers: " + Checks.list(names)));
        return null;
    }

    // ---- output layer -------------------------------------------------------------------------

    private PlannedLayer output(int index, Shape last, Shape input) {
        TaskSpec task = spec.task();
        if (task == null) {
            checks.add("/task", "is required: {\"type\": \"classification\" | \"regression\" | \"autoencoder\", ...}");
            return null;
        }
        Integer n;
        TaskSpec.OutputPer per = null;
        if (task instanceof TaskSpec.Classification c) {
            n = c.classes();
            per = c.per();
            if (!(checks.required("/task/classes", n, "the number of classes (at least 2); job submission fills it "
                    + "from the dataset") && checks.range("/task/classes", n, 2, 1_000_000))) {
                return null;
            }
        } else if (task instanceof TaskSpec.Regression r) {
            n = r.outputs();
            per = r.per();
            if (!(checks.required("/task/outputs", n, "the number of regression targets; job submission fills it "
                    + "from the dataset") && checks.range("/task/outputs", n, 1, 1_000_000))) {
                return null;
            }
        } else if (task instanceof TaskSpec.Autoencoder) {
            if (spec.layersOrEmpty().size() == 1 && spec.layers().get(0) instanceof LayerSpec.VariationalAutoencoder) {
                // The VAE reconstructs through its own decoder: no output layer, output = reconstruction.
                return new PlannedLayer(index, "output", "output", input, 0, 0);
            }
            if (input == null) {
                return null;
            }
            if (input.kind() != Shape.Kind.FEATURES && input.kind() != Shape.Kind.IMAGE) {
                checks.add("/input/type", "an autoencoder reconstructs \"features\" or \"image\" inputs; got "
                        + input.kind());
                return null;
            }
            n = (int) input.width();
        } else {
            checks.add("/task/type", "must be one of \"classification\", \"regression\", \"autoencoder\"");
            return null;
        }
        if (!outputFits(task, n)) {
            return null;
        }
        boolean perStep = per == TaskSpec.OutputPer.TIME_STEP;
        if (perStep && last.kind() != Shape.Kind.SEQUENCE) {
            checks.add("/task/per", "\"time_step\" needs the last layer to output a sequence; it outputs " + last);
            return null;
        }
        if (!perStep && last.kind() == Shape.Kind.SEQUENCE) {
            checks.add("/task/per", "the last layer outputs " + last + "; add a \"last_time_step\" or \"global_pooling\" "
                    + "layer for one output per sequence, or set \"per\": \"time_step\"");
            return null;
        }
        if (last.kind() == Shape.Kind.TOKENS) {
            checks.add("/layers", "token ids need an \"embedding\" layer before the output");
            return null;
        }
        long in = last.width();
        Shape out = perStep ? Shape.sequence(n, last.dims().get(1)) : Shape.features(n);
        return new PlannedLayer(index, "output", "output", out, in * n + n, 2 * in * n * last.steps());
    }

    /** Which output activations a loss can score, and why. */
    private record OutputRule(Set<Activation> activations, String why) {
        static OutputRule distribution(String loss) {
            return new OutputRule(Set.of(Activation.SOFTMAX), loss + " compares probability distributions over the "
                    + "classes, which only \"softmax\" outputs; use softmax, or \"xent\" with \"sigmoid\" for "
                    + "independent yes/no outputs");
        }
    }

    /**
     * The pairs DL4J refuses when it builds the network (its OutputLayerUtil) or that give NaN at the first step,
     * caught here so that a job is not queued only to fail: losses over probabilities need an activation that
     * yields them.
     */
    private static final Map<TaskSpec.Loss, OutputRule> OUTPUT_RULES = Map.of(
            TaskSpec.Loss.MCXENT, OutputRule.distribution("mcxent"),
            TaskSpec.Loss.NEGATIVELOGLIKELIHOOD, OutputRule.distribution("negativeloglikelihood"),
            TaskSpec.Loss.XENT, new OutputRule(Set.of(Activation.SIGMOID, Activation.HARDSIGMOID), "xent scores "
                    + "each output as a probability between 0 and 1, which \"sigmoid\" or \"hardsigmoid\" outputs; "
                    + "for classes that exclude each other use \"softmax\" with \"mcxent\""),
            TaskSpec.Loss.POISSON, new OutputRule(Set.of(Activation.SOFTPLUS, Activation.SIGMOID, Activation.SOFTMAX),
                    "poisson takes the log of each output, so outputs must be positive; use \"softplus\" (or "
                    + "\"sigmoid\", \"softmax\")"));

    private boolean outputFits(TaskSpec task, int outputs) {
        Activation activation = task.activationOrDefault();
        TaskSpec.Loss loss = task.lossOrDefault();
        OutputRule rule = OUTPUT_RULES.get(loss);
        if (rule != null && !rule.activations().contains(activation)) {
            checks.add(task.activation() == null ? "/task/loss" : "/task/activation", "\"" + activation + "\" with \""
                    + loss + "\": " + rule.why());
            return false;
        }
        if (activation == Activation.SOFTMAX && outputs == 1) {
            checks.add("/task/activation", "softmax over one output is always exactly 1; use \"sigmoid\" (with "
                    + "\"xent\") for one yes/no output, or \"identity\" for a number");
            return false;
        }
        return true;
    }

    // ---- layers -------------------------------------------------------------------------------

    record Step(Shape out, long params, long flops) {
    }

    private Step layer(String at, int index, LayerSpec layer, Shape in, LayerSpec previous) {
        int before = checks.count();
        Step step = null;
        if (layer instanceof LayerSpec.Dense d) {
            step = dense(at, in, d.units(), 0);
        } else if (layer instanceof LayerSpec.Autoencoder a) {
            checks.range(at + "/corruptionLevel", a.corruptionLevel(), 0, true, 1, false);
            checks.range(at + "/sparsity", a.sparsity(), 0, true, 1, true);
            step = dense(at, in, a.units(), in == null ? 0 : in.width());
        } else if (layer instanceof LayerSpec.Convolution2d c) {
            step = convolution(at, in, c);
        } else if (layer instanceof LayerSpec.Pooling2d p) {
            step = pooling(at, in, p);
        } else if (layer instanceof LayerSpec.BatchNormalization b) {
            step = batchNorm(at, in, b);
        } else if (layer instanceof LayerSpec.Dropout d) {
            checks.required(at + "/dropout", d.dropout(), "for example {\"type\": \"standard\", \"rate\": 0.5}");
            step = in == null ? null : new Step(in, 0, 0);
        } else if (layer instanceof LayerSpec.SimpleRnn r) {
            step = recurrent(at, in, r.units(), 1);
        } else if (layer instanceof LayerSpec.Lstm l) {
            step = recurrent(at, in, l.units(), 4);
        } else if (layer instanceof LayerSpec.Bidirectional b) {
            step = bidirectional(at, in, b);
        } else if (layer instanceof LayerSpec.LastTimeStep) {
            step = lastTimeStep(at, in, previous);
        } else if (layer instanceof LayerSpec.Embedding e) {
            step = embedding(at, index, in, e);
        } else if (layer instanceof LayerSpec.SelfAttention s) {
            step = selfAttention(at, in, s);
        } else if (layer instanceof LayerSpec.RecurrentAttention r) {
            step = recurrentAttention(at, in, r);
        } else if (layer instanceof LayerSpec.GlobalPooling) {
            step = globalPooling(at, in);
        } else if (layer instanceof LayerSpec.VariationalAutoencoder v) {
            step = vae(at, in, v);
        } else if (layer instanceof LayerSpec.Unknown u) {
            checks.add(at + "/type", (u.type() == null ? "is required" : "unknown layer type \"" + u.type() + "\"")
                    + "; allowed: " + Checks.list(LayerSpec.TYPES));
        }
        return checks.count() > before ? null : step;
    }

    private boolean units(String at, Integer units) {
        return checks.required(at + "/units", units, "an integer between 1 and " + MAX_UNITS)
                && checks.range(at + "/units", units, 1, MAX_UNITS);
    }

    /** Dense-like: features in, or an image (flattened), or a sequence (applied at every time step). */
    private Step dense(String at, Shape in, Integer units, long extraParams) {
        if (!units(at, units) || in == null) {
            return null;
        }
        if (in.kind() == Shape.Kind.TOKENS) {
            checks.add(at + "/type", "cannot take token ids; add an \"embedding\" layer first");
            return null;
        }
        long w = in.width();
        long params = w * units + units + extraParams;
        Shape out = in.kind() == Shape.Kind.SEQUENCE ? Shape.sequence(units, in.dims().get(1)) : Shape.features(units);
        return new Step(out, params, 2 * w * units * in.steps());
    }

    private boolean needsImage(String at, Shape in, String type) {
        if (in != null && in.kind() != Shape.Kind.IMAGE) {
            checks.add(at + "/type", "\"" + type + "\" needs an image input; its input is " + in);
            return false;
        }
        return in != null;
    }

    private int[] pair(String at, List<Integer> values, int min, int max, int dflt, boolean required) {
        if (values == null) {
            if (required) {
                checks.add(at, "is required: [height, width] or one integer for both, each between " + min + " and " + max);
                return null;
            }
            return new int[] {dflt, dflt};
        }
        if (values.isEmpty() || values.size() > 2 || values.contains(null)) {
            checks.add(at, "must be [height, width] or one integer for both; got " + values);
            return null;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) < min || values.get(i) > max) {
                checks.add(at + (values.size() == 1 ? "" : "/" + i), "must be between " + min + " and " + max
                        + "; got " + values.get(i));
                return null;
            }
        }
        return new int[] {values.get(0), values.get(values.size() - 1)};
    }

    private Step convolution(String at, Shape in, LayerSpec.Convolution2d c) {
        boolean ok = checks.required(at + "/filters", c.filters(), "an integer between 1 and " + MAX_UNITS)
                && checks.range(at + "/filters", c.filters(), 1, MAX_UNITS);
        int[] kernel = pair(at + "/kernel", c.kernel(), 1, MAX_KERNEL, 0, true);
        int[] stride = pair(at + "/stride", c.stride(), 1, MAX_KERNEL, 1, false);
        int[] padding = pair(at + "/padding", c.padding(), 0, MAX_KERNEL, 0, false);
        int[] dilation = pair(at + "/dilation", c.dilation(), 1, 64, 1, false);
        ConvolutionMode mode = c.convolutionMode() == null ? ConvolutionMode.TRUNCATE : c.convolutionMode();
        if (mode == ConvolutionMode.SAME && c.padding() != null) {
            checks.add(at + "/padding", "is not allowed with \"convolutionMode\": \"same\" (padding is computed); remove it");
            ok = false;
        }
        if (!ok || kernel == null || stride == null || padding == null || dilation == null
                || !needsImage(at, in, "convolution2d")) {
            return null;
        }
        int[] out = spatial(at, in, kernel, stride, padding, dilation, mode);
        if (out == null) {
            return null;
        }
        long cin = in.dims().get(2);
        long params = (long) kernel[0] * kernel[1] * cin * c.filters() + c.filters();
        long flops = 2L * kernel[0] * kernel[1] * cin * c.filters() * out[0] * out[1];
        return new Step(Shape.image(out[0], out[1], c.filters()), params, flops);
    }

    private Step pooling(String at, Shape in, LayerSpec.Pooling2d p) {
        int[] kernel = pair(at + "/kernel", p.kernel(), 1, MAX_KERNEL, 0, true);
        int[] stride = pair(at + "/stride", p.stride(), 1, MAX_KERNEL, 0, false);
        int[] padding = pair(at + "/padding", p.padding(), 0, MAX_KERNEL, 0, false);
        ConvolutionMode mode = p.convolutionMode() == null ? ConvolutionMode.TRUNCATE : p.convolutionMode();
        boolean ok = true;
        if (mode == ConvolutionMode.SAME && p.padding() != null) {
            checks.add(at + "/padding", "is not allowed with \"convolutionMode\": \"same\" (padding is computed); remove it");
            ok = false;
        }
        if (!ok || kernel == null || stride == null || padding == null || !needsImage(at, in, "pooling2d")) {
            return null;
        }
        for (int i = 0; i < 2; i++) {
            if (padding[i] >= kernel[i]) {
                // A window of padding alone has nothing to pool: max gives -infinity, average fails to build.
                checks.add(at + "/padding", "must be smaller than the kernel (" + kernel[i] + "); got " + padding[i]);
                return null;
            }
        }
        if (p.stride() == null) {
            stride = kernel.clone();
        }
        int[] out = spatial(at, in, kernel, stride, padding, new int[] {1, 1}, mode);
        if (out == null) {
            return null;
        }
        long c = in.dims().get(2);
        return new Step(Shape.image(out[0], out[1], (int) c), 0, (long) kernel[0] * kernel[1] * c * out[0] * out[1]);
    }

    /** Output height and width, with the reason when the kernel does not fit. */
    private int[] spatial(String at, Shape in, int[] k, int[] s, int[] p, int[] d, ConvolutionMode mode) {
        int h = in.dims().get(0);
        int w = in.dims().get(1);
        int[] size = {h, w};
        int[] eff = {d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1};
        if (mode == ConvolutionMode.SAME) {
            int[] out = {ceilDiv(h, s[0]), ceilDiv(w, s[1])};
            for (int i = 0; i < 2; i++) {
                // The padding "same" needs, (out - 1) * stride + kernel - input, cannot be negative (DL4J refuses it).
                if ((long) (out[i] - 1) * s[i] + eff[i] < size[i]) {
                    checks.add(at + "/stride", "with \"convolutionMode\": \"same\", a stride of " + s[i] + " over "
                            + size[i] + " with a kernel of " + eff[i] + " skips input the output cannot cover; use a "
                            + "stride no larger than the kernel");
                    return null;
                }
            }
            return out;
        }
        int[] out = new int[2];
        if (eff[0] > h + 2 * p[0] || eff[1] > w + 2 * p[1]) {
            String kernel = eff[0] + "x" + eff[1];
            String input = h + "x" + w;
            checks.add(at + "/kernel", "kernel " + kernel + (d[0] > 1 || d[1] > 1 ? " (dilated)" : "")
                    + " is larger than the " + input + (p[0] + p[1] > 0 ? " (padded " + (h + 2 * p[0]) + "x"
                    + (w + 2 * p[1]) + ")" : "") + " input of " + layerName(at)
                    + "; use a smaller kernel, padding, or \"convolutionMode\": \"same\"");
            return null;
        }
        for (int i = 0; i < 2; i++) {
            int span = size[i] + 2 * p[i] - eff[i];
            if (mode == ConvolutionMode.STRICT && span % s[i] != 0) {
                checks.add(at + "/stride", "with \"convolutionMode\": \"strict\", (input " + size[i] + " + 2x padding "
                        + p[i] + " - kernel " + eff[i] + ") must be divisible by the stride " + s[i]
                        + "; use \"truncate\" or \"same\", or change kernel, stride or padding");
                return null;
            }
            out[i] = span / s[i] + 1;
        }
        return out;
    }

    private static String layerName(String at) {
        return "layer " + at.substring(at.lastIndexOf('/') + 1);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private Step batchNorm(String at, Shape in, LayerSpec.BatchNormalization b) {
        checks.range(at + "/decay", b.decay(), 0, false, 1, false);
        checks.range(at + "/epsilon", b.epsilon(), 0, false, 1, true);
        if (in == null) {
            return null;
        }
        if (in.kind() != Shape.Kind.FEATURES && in.kind() != Shape.Kind.IMAGE) {
            checks.add(at + "/type", "\"batch_normalization\" normalises features or image channels; its input is " + in);
            return null;
        }
        long n = in.kind() == Shape.Kind.IMAGE ? in.dims().get(2) : in.width();
        return new Step(in, 4 * n, 4 * in.elements());
    }

    private boolean needsSequence(String at, Shape in, String type) {
        if (in == null) {
            return false;
        }
        if (in.kind() == Shape.Kind.TOKENS) {
            checks.add(at + "/type", "\"" + type + "\" cannot take token ids; add an \"embedding\" layer first");
            return false;
        }
        if (in.kind() != Shape.Kind.SEQUENCE) {
            checks.add(at + "/type", "\"" + type + "\" needs a sequence input; its input is " + in);
            return false;
        }
        return true;
    }

    private Step recurrent(String at, Shape in, Integer units, int gates) {
        if (!units(at, units) || !needsSequence(at, in, gates == 4 ? "lstm" : "simple_rnn")) {
            return null;
        }
        long f = in.width();
        long params = gates * (f * units + (long) units * units + units);
        return new Step(Shape.sequence(units, in.dims().get(1)), params, 2 * params * in.steps());
    }

    private Step bidirectional(String at, Shape in, LayerSpec.Bidirectional b) {
        if (!checks.required(at + "/layer", b.layer(), "an \"lstm\" or \"simple_rnn\" layer")) {
            return null;
        }
        Step inner = null;
        if (b.layer() instanceof LayerSpec.Lstm l) {
            inner = recurrent(at + "/layer", in, l.units(), 4);
        } else if (b.layer() instanceof LayerSpec.SimpleRnn r) {
            inner = recurrent(at + "/layer", in, r.units(), 1);
        } else {
            checks.add(at + "/layer/type", "must be \"lstm\" or \"simple_rnn\"; got \"" + typeOf(b.layer()) + "\"");
            return null;
        }
        if (b.layer().name() != null) {
            checks.add(at + "/layer/name", "is not allowed on the wrapped layer; name the \"bidirectional\" layer instead");
            return null;
        }
        if (inner == null) {
            return null;
        }
        int units = inner.out.dims().get(0);
        boolean concat = b.mode() == null || b.mode() == LayerSpec.Merge.CONCAT;
        return new Step(Shape.sequence(concat ? 2 * units : units, in.dims().get(1)), 2 * inner.params, 2 * inner.flops);
    }

    private Step lastTimeStep(String at, Shape in, LayerSpec previous) {
        if (in == null) {
            return null;
        }
        boolean wrappable = previous instanceof LayerSpec.Lstm || previous instanceof LayerSpec.SimpleRnn
                || previous instanceof LayerSpec.Bidirectional;
        if (in.kind() != Shape.Kind.SEQUENCE || !wrappable) {
            // DL4J's LastTimeStep wrapper fails on SameDiff layers (RecurrentAttentionLayer has no RNNFormat).
            checks.add(at + "/type", "\"last_time_step\" must follow an \"lstm\", \"simple_rnn\" or \"bidirectional\" "
                    + "layer; for other sequences use \"global_pooling\"");
            return null;
        }
        return new Step(Shape.features(in.dims().get(0)), 0, 0);
    }

    private Step embedding(String at, int index, Shape in, LayerSpec.Embedding e) {
        if (!units(at, e.units()) || in == null) {
            return null;
        }
        if (in.kind() != Shape.Kind.TOKENS || index != 0) {
            checks.add(at + "/type", "\"embedding\" must be the first layer of a network whose input is \"tokens\"; "
                    + "its input is " + in);
            return null;
        }
        long params = (long) in.dims().get(0) * e.units();
        return new Step(Shape.sequence(e.units(), in.dims().get(1)), params, 0);
    }

    private Step selfAttention(String at, Shape in, LayerSpec.SelfAttention s) {
        boolean project = s.projection() == null || s.projection();
        boolean ok = checks.required(at + "/heads", s.heads(), "an integer between 1 and 1024")
                && checks.range(at + "/heads", s.heads(), 1, 1024);
        if (project) {
            ok &= checks.required(at + "/headSize", s.headSize(), "an integer between 1 and " + MAX_UNITS)
                    && checks.range(at + "/headSize", s.headSize(), 1, MAX_UNITS);
            ok &= s.units() == null || checks.range(at + "/units", s.units(), 1, MAX_UNITS);
        } else {
            if (s.heads() != null && s.heads() != 1) {
                checks.add(at + "/heads", "must be 1 without projection (\"projection\": false); got " + s.heads());
                ok = false;
            }
            checks.notAllowed(at + "/headSize", s.headSize(), "without projection: the head is the input itself");
            checks.notAllowed(at + "/units", s.units(), "without projection: the output keeps the input's width");
        }
        if (!ok || !needsSequence(at, in, "self_attention")) {
            return null;
        }
        long f = in.width();
        long t = in.steps();
        if (!project) {
            return new Step(in, 0, 4 * t * t * f);
        }
        long hs = (long) s.heads() * s.headSize();
        int out = s.units() == null ? (int) hs : s.units();
        long params = 3 * hs * f + hs * out;
        long flops = 2 * t * (3 * hs * f + hs * out) + 4 * t * t * hs;
        return new Step(Shape.sequence(out, in.dims().get(1)), params, flops);
    }

    private Step recurrentAttention(String at, Shape in, LayerSpec.RecurrentAttention r) {
        boolean project = r.projection() == null || r.projection();
        boolean ok = units(at, r.units());
        ok &= checks.required(at + "/heads", r.heads(), "an integer between 1 and 1024")
                && checks.range(at + "/heads", r.heads(), 1, 1024);
        if (project) {
            ok &= checks.required(at + "/headSize", r.headSize(), "an integer between 1 and " + MAX_UNITS)
                    && checks.range(at + "/headSize", r.headSize(), 1, MAX_UNITS);
        } else {
            if (r.heads() != null && r.heads() != 1) {
                checks.add(at + "/heads", "must be 1 without projection (\"projection\": false); got " + r.heads());
                ok = false;
            }
            checks.notAllowed(at + "/headSize", r.headSize(), "without projection");
        }
        if (!ok || !needsSequence(at, in, "recurrent_attention")) {
            return null;
        }
        long f = in.width();
        long u = r.units();
        if (!project && f != u) {
            checks.add(at + "/units", "must equal the input's " + f + " features without projection (\"projection\": false); "
                    + "got " + u);
            return null;
        }
        long params = f * u + u * u + u;
        if (project) {
            long hs = (long) r.heads() * r.headSize();
            params += hs * u + 2 * hs * f + hs * u;
        }
        long t = in.steps();
        return new Step(Shape.sequence((int) u, in.dims().get(1)), params, 2 * params * t + 4 * t * t * u);
    }

    private Step globalPooling(String at, Shape in) {
        if (in == null) {
            return null;
        }
        return switch (in.kind()) {
            case SEQUENCE -> new Step(Shape.features(in.dims().get(0)), 0, in.elements());
            case IMAGE -> new Step(Shape.features(in.dims().get(2)), 0, in.elements());
            default -> {
                checks.add(at + "/type", "\"global_pooling\" pools a sequence over time or an image over height and width; "
                        + "its input is " + in);
                yield null;
            }
        };
    }

    private Step vae(String at, Shape in, LayerSpec.VariationalAutoencoder v) {
        boolean ok = checks.required(at + "/latent", v.latent(), "the size of the latent code")
                && checks.range(at + "/latent", v.latent(), 1, MAX_UNITS);
        ok &= sizes(at + "/encoder", v.encoder());
        ok &= sizes(at + "/decoder", v.decoder());
        if (!(spec.task() instanceof TaskSpec.Autoencoder) || spec.layersOrEmpty().size() != 1) {
            checks.add(at + "/type", "\"variational_autoencoder\" must be the only layer of an \"autoencoder\" task: it "
                    + "has its own encoder and decoder and trains by its own loss");
            return null;
        }
        if (!ok || in == null) {
            return null;
        }
        if (in.kind() != Shape.Kind.FEATURES) {
            checks.add(at + "/type", "\"variational_autoencoder\" needs a features input; its input is " + in);
            return null;
        }
        long n = in.width();
        int distribution = v.reconstruction() == LayerSpec.Reconstruction.GAUSSIAN ? 2 : 1;
        long params = 0;
        long prev = n;
        for (int size : v.encoder()) {
            params += prev * size + size;
            prev = size;
        }
        params += 2 * (prev * v.latent() + v.latent());
        prev = v.latent();
        for (int size : v.decoder()) {
            params += prev * size + size;
            prev = size;
        }
        params += prev * distribution * n + distribution * n;
        return new Step(Shape.features(v.latent()), params, 2 * params);
    }

    private boolean sizes(String at, List<Integer> sizes) {
        if (!checks.required(at, sizes, "a list of layer sizes, for example [256, 128]")) {
            return false;
        }
        if (sizes.isEmpty() || sizes.size() > 16) {
            checks.add(at, "must list between 1 and 16 layer sizes; got " + sizes.size());
            return false;
        }
        for (int i = 0; i < sizes.size(); i++) {
            if (!checks.required(at + "/" + i, sizes.get(i), "an integer") || !checks.range(at + "/" + i, sizes.get(i), 1,
                    MAX_UNITS)) {
                return false;
            }
        }
        return true;
    }
}
