package io.trainyard.inference;

import io.trainyard.datasets.InputShape;
import io.trainyard.engine.Tensor;
import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code instances} of a predict request into one flat array in the dataset's layout (what
 * {@code ModelArtifact.features} takes). An instance is an array in the input's natural shape ({@code [F]},
 * {@code [C, H, W]} or, for one channel, {@code [H, W]}, {@code [T, F]}), the same values flat, or for CSV-trained
 * models an object keyed by column name. Every problem is reported with a JSON pointer (at most
 * {@value #MAX_VIOLATIONS}). The input is the streamed {@link RawArray}, never a JSON tree: a well-formed instance
 * is checked for shape and copied from the request's number buffer row by row.
 */
final class Instances {

    static final int MAX_VIOLATIONS = 10;
    /** Values one request's instances may fill (256 MiB of floats), padding included. */
    static final int MAX_VALUES = 1 << 26;

    private Instances() {
    }

    /**
     * Parsed instances: one flat float array, {@code shape.size()} values per instance, and for sequences given
     * shorter than the model's length the {@code [instances, length]} mask of their real steps (the rest is
     * zero padding); null when every instance is full length.
     */
    record Parsed(float[] values, Tensor mask) {
    }

    /**
     * The instances in the dataset's layout. {@code instances} is null when the field was absent or JSON null. A
     * sequence given in its nested form may have fewer steps than the model's length: it is padded and masked, as a
     * padded dataset is in training.
     */
    static Parsed parseAll(RawArray instances, InputShape shape, int maxInstances) {
        if (instances == null) {
            throw ApiException.invalid("/instances", "is required: an array of instances, each " + describe(shape));
        }
        RawArray.Arr list = instances.root();
        if (list == null) {
            throw ApiException.invalid("/instances", "must be an array of instances, each " + describe(shape));
        }
        if (list.size() == 0) {
            throw ApiException.invalid("/instances", "must hold at least one instance");
        }
        if (list.size() > maxInstances) {
            throw ApiException.tooLarge("A request may carry at most " + maxInstances + " instances "
                    + "(trainyard.inference.max-instances); this one has " + list.size()
                    + ". Split it, or use POST /api/v1/models/{name}/batch-predictions for a whole dataset.");
        }
        int size = shape.size();
        // Instances that are all arrays holding exactly the shape's numbers are already in the buffer in the layout
        // wanted (document order is row-major): the buffer, when it holds nothing else, is the result, and filling
        // it from itself only checks the structure.
        // A body too short to hold its instances (a thousand empty arrays for an image model) is refused without
        // first allocating room for all of them: each instance is then checked in one instance's scratch space.
        float[] out = holdsExactly(instances, list, size) ? instances.values()
                : instances.count() >= leastNumbers(list, shape) ? new float[values(list.size(), shape)] : null;
        float[] scratch = out == null ? new float[size] : null;
        int[] lengths = new int[list.size()];
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < list.size() && violations.size() < MAX_VIOLATIONS; i++) {
            lengths[i] = instance(instances.values(), list.get(i), shape, out == null ? scratch : out,
                    out == null ? 0 : i * size, "/instances/" + i, violations);
        }
        if (!violations.isEmpty()) {
            throw ApiException.invalid(violations);
        }
        if (out == null) {
            throw new IllegalStateException("instances passed with fewer numbers than their arrays need");
        }
        return new Parsed(out, mask(lengths, shape));
    }

    /** Room for {@code instances} whole instances; padding short sequences can ask for far more than was sent. */
    private static int values(int instances, InputShape shape) {
        long values = (long) instances * shape.size();
        if (values > MAX_VALUES) {
            throw ApiException.tooLarge("These " + instances + " instances need " + values + " values as the model's "
                    + "input (" + shape.size() + " each, short sequences padded to full length); at most "
                    + MAX_VALUES + " go in one request. Send fewer instances per request.");
        }
        return (int) values;
    }

    /**
     * The fewest numbers the buffer holds when every instance given as an array is valid: the whole shape each, or
     * for sequences one step (shorter ones are padded). Objects keyed by feature name carry their numbers elsewhere.
     */
    private static long leastNumbers(RawArray.Arr list, InputShape shape) {
        long perArray = shape.kind() == InputShape.Kind.SEQUENCE ? shape.shape().get(1) : shape.size();
        long arrays = 0;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof RawArray.Arr) {
                arrays++;
            }
        }
        return arrays * perArray;
    }

    /**
     * Whether the buffer holds exactly {@code size} numbers per instance and nothing else, every instance an array.
     * Each instance that passes validation then filled its own {@code size} values in order, so none is shorter
     * (padded) and none is an object keyed by feature name (whose numbers are not in the buffer).
     */
    private static boolean holdsExactly(RawArray instances, RawArray.Arr list, int size) {
        int total = list.size() * size;
        if (instances.count() != total || instances.values().length != total || list.from() != 0) {
            return false;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof RawArray.Arr)) {
                return false;
            }
        }
        return true;
    }

    /** The mask of sequences given shorter than the model's length, or null when all are full length. */
    private static Tensor mask(int[] lengths, InputShape shape) {
        if (shape.kind() != InputShape.Kind.SEQUENCE) {
            return null;
        }
        int steps = shape.shape().get(0);
        if (java.util.Arrays.stream(lengths).allMatch(l -> l == steps)) {
            return null;
        }
        float[] mask = new float[lengths.length * steps];
        for (int i = 0; i < lengths.length; i++) {
            java.util.Arrays.fill(mask, i * steps, i * steps + lengths[i], 1f);
        }
        return Tensor.of(mask, lengths.length, steps);
    }

    /** "an array of shape [3, 12, 12] (channels × height × width), [12, 12] for one channel, or flat [432]". */
    static String describe(InputShape shape) {
        List<Integer> d = shape.shape();
        return switch (shape.kind()) {
            case FEATURES -> "an array of " + d.get(0) + " numbers" + (shape.featureNames() == null ? ""
                    : " or an object keyed by feature name " + shape.featureNames());
            case IMAGE -> "an array of shape " + d + " (channels × height × width)"
                    + (d.get(0) == 1 ? ", " + d.subList(1, 3) + " (height × width)" : "")
                    + " or flat [" + shape.size() + "]";
            case SEQUENCE -> "an array of shape " + d + " (time steps × features; fewer steps are padded and masked)"
                    + " or flat [" + shape.size() + "]";
        };
    }

    /** Reads one instance into {@code out} at {@code at}; returns its length in time steps (1 for non-sequences). */
    private static int instance(float[] values, RawArray.Element element, InputShape shape, float[] out, int at,
            String pointer, List<Violation> violations) {
        int full = shape.kind() == InputShape.Kind.SEQUENCE ? shape.shape().get(0) : 1;
        if (element instanceof RawArray.Other other && other.node().isObject()) {
            if (shape.kind() == InputShape.Kind.FEATURES && shape.featureNames() != null) {
                named(other.node(), shape.featureNames(), out, at, pointer, violations);
            } else {
                violations.add(Violation.at(pointer, "must be " + describe(shape)
                        + "; objects keyed by feature name need a model trained on CSV"));
            }
            return full;
        }
        if (!(element instanceof RawArray.Arr node)) {
            violations.add(Violation.at(pointer, "must be " + describe(shape) + "; got " + kind(element)));
            return full;
        }
        int[] dims = dims(node, shape);
        boolean shorterSequence = shape.kind() == InputShape.Kind.SEQUENCE && dims.length == 2 && node.size() >= 1
                && node.size() < dims[0];
        if (shorterSequence) {
            // Steps are rows of the row-major [T, F] block: the first ones are filled, the rest stay zero padding.
            dims = new int[] {node.size(), dims[1]};
        } else if (node.size() != dims[0]) {
            violations.add(Violation.at(pointer, "must be " + describe(shape) + "; got an array of " + node.size()));
            return full;
        }
        fill(values, node, dims, 0, out, at, pointer, violations);
        return shorterSequence ? node.size() : full;
    }

    /** Which form the client chose, told by the nesting of the first element. */
    private static int[] dims(RawArray.Arr node, InputShape shape) {
        if (node.size() == 0 || !(node.get(0) instanceof RawArray.Arr first)) {
            return new int[] {shape.size()};
        }
        int[] dims = shape.dims(); // only for nested forms: it builds a new array on every call
        if (shape.kind() == InputShape.Kind.IMAGE && dims[0] == 1 && first.size() > 0
                && !(first.get(0) instanceof RawArray.Arr)) {
            return new int[] {dims[1], dims[2]};
        }
        return dims;
    }

    private static void fill(float[] values, RawArray.Element element, int[] dims, int depth, float[] out, int at,
            String pointer, List<Violation> violations) {
        if (violations.size() >= MAX_VIOLATIONS) {
            return;
        }
        if (depth == dims.length) {
            if (element instanceof RawArray.Num num) {
                out[at] = values[num.at()];
            } else {
                violations.add(Violation.at(pointer, "must be a finite number; got " + kind(element)));
            }
            return;
        }
        if (!(element instanceof RawArray.Arr node) || node.size() != dims[depth]) {
            violations.add(Violation.at(pointer, "must be an array of " + dims[depth] + (depth + 1 < dims.length
                    ? " arrays" : " numbers") + " (axis " + depth + " of shape " + java.util.Arrays.toString(dims)
                    + "); got " + (element instanceof RawArray.Arr a ? "an array of " + a.size() : kind(element))));
            return;
        }
        if (depth + 1 == dims.length && node.numbers()) {
            // the common case: a row of numbers, already contiguous in document (= row-major) order
            System.arraycopy(values, node.from(), out, at, node.size());
            return;
        }
        int stride = 1;
        for (int k = depth + 1; k < dims.length; k++) {
            stride *= dims[k];
        }
        for (int j = 0; j < dims[depth]; j++) {
            fill(values, node.get(j), dims, depth + 1, out, at + j * stride, pointer + "/" + j, violations);
        }
    }

    private static void named(JsonNode node, List<String> names, float[] out, int at, String pointer,
            List<Violation> violations) {
        for (int j = 0; j < names.size() && violations.size() < MAX_VIOLATIONS; j++) {
            JsonNode value = node.get(names.get(j));
            if (value == null) {
                violations.add(Violation.at(pointer, "misses feature '" + names.get(j) + "'; the features are "
                        + names));
            } else {
                number(value, out, at + j, pointer + "/" + escape(names.get(j)), violations);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext()
                && violations.size() < MAX_VIOLATIONS; ) {
            String field = it.next().getKey();
            if (!names.contains(field)) {
                violations.add(Violation.at(pointer + "/" + escape(field), "unknown feature '" + field
                        + "'; the features are " + names));
            }
        }
    }

    private static void number(JsonNode node, float[] out, int at, String pointer, List<Violation> violations) {
        if (node.isNumber()) {
            float value = (float) node.doubleValue();
            if (Float.isFinite(value)) {
                out[at] = value;
                return;
            }
        }
        violations.add(Violation.at(pointer, "must be a finite number; got " + kind(node)));
    }

    /** What an element of a streamed array is, for a message. */
    static String kind(RawArray.Element element) {
        if (element instanceof RawArray.Other other) {
            return kind(other.node());
        }
        return element instanceof RawArray.Arr ? "an array" : "a number";
    }

    /** What a JSON value is, for a message; a number here is one outside the 32-bit float range. */
    static String kind(JsonNode node) {
        if (node.isNumber()) {
            return node.asString() + " (outside the 32-bit float range)";
        }
        if (node.isString()) {
            String s = node.asString();
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return node.isNull() ? "null" : node.isBoolean() ? node.asString() : "a " + node.getNodeType();
    }

    private static String escape(String field) {
        return field.replace("~", "~0").replace("/", "~1");
    }
}
