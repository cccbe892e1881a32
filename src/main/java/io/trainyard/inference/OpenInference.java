package io.trainyard.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.datasets.InputShape;
import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.ModelVersion;
import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;

/**
 * The Open Inference Protocol v2 (KServe, Triton) on top of {@link InferenceService}: tensor metadata and
 * {@code infer}. One input tensor, {@code input}, FP32, shaped {@code [batch, ...the dataset's example shape]};
 * outputs by task: {@code probabilities} + {@code label} (BYTES), {@code values}, or {@code reconstruction} +
 * {@code reconstruction_error} (+ {@code latent} when asked for).
 */
@Component
class OpenInference {

    static final String INPUT = "input";
    static final String FP32 = "FP32";
    static final String BYTES = "BYTES";

    private final InferenceService inference;
    private final ModelRegistry registry;
    private final InferenceProperties properties;

    OpenInference(InferenceService inference, ModelRegistry registry, InferenceProperties properties) {
        this.inference = inference;
        this.registry = registry;
        this.properties = properties;
    }

    record MetadataTensor(String name, String datatype, List<Integer> shape) {
    }

    record ModelMetadata(String name, List<String> versions, String platform, List<MetadataTensor> inputs,
            List<MetadataTensor> outputs) {
    }

    /** {@code data} is streamed straight into floats (flat or nested, row-major), never a JSON tree. */
    record InferInput(String name, List<Long> shape, String datatype, Map<String, Object> parameters,
            @Schema(type = "array", description = "the tensor's values, flat or nested in row-major order")
            RawArray data) {
    }

    record RequestedOutput(String name, Map<String, Object> parameters) {
    }

    record InferRequest(String id, Map<String, Object> parameters, List<InferInput> inputs,
            List<RequestedOutput> outputs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OutputTensor(String name, List<Integer> shape, String datatype, Object data) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponse(String model_name, String model_version, String id, List<OutputTensor> outputs) {
    }

    ModelMetadata metadata(String team, ModelSelector selector) {
        ModelVersion version = inference.resolve(team, selector);
        LoadedModel model = inference.loaded(team, version);
        List<String> versions = selector.version() != null ? List.of(String.valueOf(version.version()))
                : registry.versions(team, selector.model()).stream().map(v -> String.valueOf(v.version())).toList();
        List<MetadataTensor> outputs = new ArrayList<>();
        for (String name : outputNames(model)) {
            outputs.add(new MetadataTensor(name, BYTES.equals(datatype(name)) ? BYTES : FP32, batched(outputShape(model,
                    name))));
        }
        return new ModelMetadata(version.model(), versions, "deeplearning4j",
                List.of(new MetadataTensor(INPUT, FP32, batched(model.metadata().inputShape().dims()))), outputs);
    }

    /** Whether the version is loaded and warmed up; never loads it (404 when it does not exist). */
    boolean ready(String team, ModelSelector selector) {
        return inference.isLoaded(team, inference.resolve(team, selector));
    }

    InferResponse infer(String team, ModelSelector selector, InferRequest request) {
        return inference.withModel(team, selector, model -> {
            InputShape shape = model.metadata().inputShape();
            InferInput input = input(request, shape);
            int batch = batchSize(input, shape);
            float[] values = data(input.data(), input.shape().stream().mapToInt(Long::intValue).toArray());
            List<String> wanted = requested(request, model);
            Tensor x = ModelArtifact.features(model.metadata(), values, batch);
            List<OutputTensor> outputs = new ArrayList<>();
            // the instances are rows of the one input tensor, which has no pointer per row when its data is flat
            IntFunction<String> where = i -> "/inputs/0/data";
            Tensor y = wanted.stream().anyMatch(n -> !n.equals("latent"))
                    ? inference.answer(model, Batcher.Operation.OUTPUT, x, null, where) : null;
            for (String name : wanted) {
                List<Integer> outShape = withBatch(batch, outputShape(model, name));
                outputs.add(switch (name) {
                    case "probabilities", "values" -> new OutputTensor(name, outShape, FP32, y.data());
                    case "label" -> new OutputTensor(name, outShape, BYTES, labels(model, y));
                    case "reconstruction" -> new OutputTensor(name, outShape, FP32, Outputs.natural(model, y, where));
                    case "reconstruction_error" -> new OutputTensor(name, outShape, FP32,
                            Outputs.errors(x, y, where));
                    case "latent" -> new OutputTensor(name, outShape, FP32,
                            inference.answer(model, Batcher.Operation.ENCODE, x, null, where).data());
                    default -> throw new IllegalStateException(name);
                });
            }
            return new InferResponse(model.key().model(), String.valueOf(model.key().version()), request.id(),
                    outputs);
        });
    }

    private InferInput input(InferRequest request, InputShape shape) {
        if (request.inputs() == null || request.inputs().size() != 1 || request.inputs().get(0) == null) {
            throw ApiException.invalid("/inputs", "must hold exactly one tensor, named '" + INPUT + "', FP32, shaped "
                    + batched(shape.dims()));
        }
        InferInput input = request.inputs().get(0);
        if (!INPUT.equals(input.name())) {
            throw ApiException.invalid("/inputs/0/name", "unexpected input '" + input.name() + "'; this model has one "
                    + "input, '" + INPUT + "'");
        }
        if (!FP32.equals(input.datatype())) {
            throw ApiException.invalid("/inputs/0/datatype", "input '" + INPUT + "' is " + FP32 + "; got "
                    + (input.datatype() == null ? "none" : "'" + input.datatype() + "'"));
        }
        return input;
    }

    /** The batch size, after checking the declared shape: the example shape, flat, or [H, W] for one channel. */
    private int batchSize(InferInput input, InputShape shape) {
        List<Long> s = input.shape();
        int[] dims = shape.dims();
        String expected = "[batch, " + join(dims) + "]" + (shape.kind() == InputShape.Kind.IMAGE && dims[0] == 1
                ? " or [batch, " + dims[1] + ", " + dims[2] + "]" : "") + (dims.length > 1
                ? " or [batch, " + shape.size() + "]" : "");
        if (s == null || s.isEmpty() || s.stream().anyMatch(d -> d == null)) {
            throw ApiException.invalid("/inputs/0/shape", "is required: " + expected);
        }
        long[] rest = s.subList(1, s.size()).stream().mapToLong(Long::longValue).toArray();
        long[] full = Arrays.stream(dims).asLongStream().toArray();
        boolean ok = Arrays.equals(rest, full) || Arrays.equals(rest, new long[] {shape.size()})
                || (shape.kind() == InputShape.Kind.IMAGE && dims[0] == 1
                        && Arrays.equals(rest, new long[] {dims[1], dims[2]}));
        if (!ok || s.get(0) < 1) {
            throw ApiException.invalid("/inputs/0/shape", "must be " + expected + " with batch >= 1; got " + s);
        }
        if (s.get(0) > properties.maxInstances()) {
            throw ApiException.tooLarge("A request may carry at most " + properties.maxInstances()
                    + " instances (trainyard.inference.max-instances); this one has " + s.get(0) + ".");
        }
        return s.get(0).intValue();
    }

    /**
     * {@code data}, flat (row-major) or nested as {@code shape} is, as floats: exactly the shape's count of finite
     * numbers. {@code shape} is the declared one, already checked against the model's input.
     */
    static float[] data(RawArray data, int[] shape) {
        int count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (data == null || data.root() == null) {
            throw ApiException.invalid("/inputs/0/data", "must be an array of " + count
                    + " numbers (flat in row-major order, or nested as the shape is)");
        }
        int[] n = {0};
        RawArray.Element bad = firstNonNumber(data.root(), n);
        if (bad != null) {
            throw ApiException.invalid("/inputs/0/data", "element " + n[0] + " (row-major) must be a finite number; "
                    + "got " + Instances.kind(bad));
        }
        if (!data.root().numbers()) {
            Violation misnested = nesting(data.root(), shape, 0, "/inputs/0/data");
            if (misnested != null) {
                throw ApiException.invalid(List.of(misnested));
            }
        }
        if (n[0] != count) {
            throw ApiException.invalid("/inputs/0/data", "must hold " + count + " numbers (the product of the shape); "
                    + "got " + n[0]);
        }
        // every element is a number or an array of them, so the buffer holds exactly the row-major values
        float[] values = data.values();
        return values.length == count ? values : Arrays.copyOf(values, count);
    }

    /**
     * Where nested data strays from {@code shape} (axis {@code axis} on): the right count of numbers in the wrong
     * nesting would otherwise be read as if it were row-major, another tensor than the client meant. Null when it
     * follows the shape.
     */
    private static Violation nesting(RawArray.Element element, int[] shape, int axis, String pointer) {
        if (axis == shape.length) {
            return element instanceof RawArray.Num ? null : Violation.at(pointer, "must be a number (the innermost "
                    + "axis of shape " + Arrays.toString(shape) + "); got " + Instances.kind(element)
                    + ". Nested data must follow the shape, or be flat");
        }
        if (!(element instanceof RawArray.Arr array) || array.size() != shape[axis]) {
            return Violation.at(pointer, "must be an array of " + shape[axis] + (axis + 1 < shape.length ? " arrays"
                    : " numbers") + " (axis " + axis + " of shape " + Arrays.toString(shape) + "); got "
                    + (element instanceof RawArray.Arr a ? "an array of " + a.size() : Instances.kind(element))
                    + ". Nested data must follow the shape, or be flat");
        }
        if (array.numbers() && axis + 1 == shape.length) {
            return null;
        }
        for (int j = 0; j < array.size(); j++) {
            Violation v = nesting(array.get(j), shape, axis + 1, pointer + "/" + j);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The first element (in row-major order) that is neither a number nor an array; n counts the leaves before. */
    private static RawArray.Element firstNonNumber(RawArray.Arr array, int[] n) {
        if (array.numbers()) {
            n[0] += array.size();
            return null;
        }
        for (int j = 0; j < array.size(); j++) {
            RawArray.Element e = array.get(j);
            if (e instanceof RawArray.Arr nested) {
                RawArray.Element bad = firstNonNumber(nested, n);
                if (bad != null) {
                    return bad;
                }
            } else if (e instanceof RawArray.Num) {
                n[0]++;
            } else {
                return e;
            }
        }
        return null;
    }

    private static List<String> outputNames(LoadedModel model) {
        return switch (model.task()) {
            case LoadedModel.CLASSIFICATION -> List.of("probabilities", "label");
            case LoadedModel.AUTOENCODER -> List.of("reconstruction", "reconstruction_error", "latent");
            default -> List.of("values");
        };
    }

    private static List<String> requested(InferRequest request, LoadedModel model) {
        List<String> names = outputNames(model);
        if (request.outputs() == null || request.outputs().isEmpty()) {
            return model.autoencoder() ? names.subList(0, 2) : names;
        }
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            RequestedOutput o = request.outputs().get(i);
            // List.contains(null) throws on an immutable list, so a missing name is answered before the lookup
            if (o == null || o.name() == null) {
                throw ApiException.invalid("/outputs/" + i + "/name", "is required: one of this model's outputs "
                        + names);
            }
            if (!names.contains(o.name())) {
                throw ApiException.invalid("/outputs/" + i + "/name", "unknown output '" + o.name()
                        + "'; this model's outputs are " + names);
            }
            wanted.add(o.name());
        }
        return wanted;
    }

    private static int[] outputShape(LoadedModel model, String name) {
        int[] out = model.outputShape();
        return switch (name) {
            case "label" -> Arrays.copyOf(out, out.length - 1);
            case "reconstruction" -> model.metadata().inputShape().dims();
            case "reconstruction_error" -> new int[0];
            case "latent" -> new int[] {model.latentSize()};
            default -> out;
        };
    }

    private static String datatype(String output) {
        return "label".equals(output) ? BYTES : FP32;
    }

    private static List<String> labels(LoadedModel model, Tensor probabilities) {
        int k = model.outputShape()[model.outputShape().length - 1];
        float[] p = probabilities.data();
        List<String> labels = new ArrayList<>(p.length / k);
        for (int at = 0; at < p.length; at += k) {
            int best = at;
            for (int j = at + 1; j < at + k; j++) {
                if (p[j] > p[best]) {
                    best = j;
                }
            }
            labels.add(Outputs.label(model.metadata().classNames(), best - at));
        }
        return labels;
    }

    private static List<Integer> batched(int[] dims) {
        return withBatch(-1, dims);
    }

    private static List<Integer> withBatch(int batch, int[] dims) {
        List<Integer> shape = new ArrayList<>();
        shape.add(batch);
        IntStream.of(dims).forEach(shape::add);
        return shape;
    }

    private static String join(int[] dims) {
        return String.join(", ", IntStream.of(dims).mapToObj(String::valueOf).toList());
    }

    static Map<String, Object> serverMetadata() {
        String version = OpenInference.class.getPackage().getImplementationVersion();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", "trainyard");
        out.put("version", version == null ? "dev" : version);
        out.put("extensions", List.of());
        return out;
    }
}
