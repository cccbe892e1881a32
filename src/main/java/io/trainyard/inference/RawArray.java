package io.trainyard.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A JSON array of numbers (possibly nested) read straight from the parser's token stream: every finite number goes
 * into one flat float buffer in document order, and only the structure is kept beside it. A request's 784 pixels
 * are then 784 floats, not 784 tree nodes and a list to be walked and copied (the tree cost more CPU than the
 * network itself in the benchmark; docs/inference.md, "Performance").
 *
 * <p>Because numbers land in document order, a well-formed instance in row-major nesting already lies in the
 * buffer in the layout {@link Instances} produces: validation only checks the structure and copies ranges.
 * Anything that is not a finite float (a string, null, a boolean, an object, a number beyond float32) is kept as
 * a small {@link JsonNode} so that the error messages stay exactly what the tree-based reader said.
 */
@JsonDeserialize(using = RawArray.Reader.class)
final class RawArray {

    /** One element of an array: a number in the buffer, a nested array, or anything else. */
    sealed interface Element permits Num, Arr, Other {
    }

    /** A finite number at {@code at} in the buffer. */
    record Num(int at) implements Element {
    }

    /**
     * An array of {@code size} elements whose numbers (its own and its nested arrays') are {@code values[from, to)}.
     * {@code elements} is null when every element is a number, the common case: element {@code j} is then
     * {@code values[from + j]}.
     */
    record Arr(int size, int from, int to, Element[] elements) implements Element {

        Element get(int j) {
            return elements == null ? new Num(from + j) : elements[j];
        }

        /** Whether every element is a number (no nesting, nothing odd). */
        boolean numbers() {
            return elements == null;
        }
    }

    /** Anything that is not a finite 32-bit float: kept as parsed, for the error message. */
    record Other(JsonNode node) implements Element {
    }

    /**
     * The scanner's buffer, one per thread and reused: a request's numbers are copied out of it into an array of
     * exactly their count, which {@link Instances} can then hand on as the input itself (docs/inference.md,
     * "Fewer copies of a request's numbers"). A buffer grown past this many floats is not kept.
     */
    private static final int SCRATCH_KEPT = 1 << 14;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[1024]);

    private float[] values;
    private int count;
    private Arr root;

    private RawArray() {
        this(new float[1024]);
    }

    private RawArray(float[] buffer) {
        this.values = buffer;
    }

    /** The numbers read, in document order; {@link #count()} of them are valid. */
    float[] values() {
        return values;
    }

    /** How many finite numbers were read. */
    int count() {
        return count;
    }

    /** The array, or null when the JSON value was something else (an object, a string, a number ...). */
    Arr root() {
        return root;
    }

    /**
     * Reads an array-typed field. JSON {@code null} never gets here (Jackson gives the field null), so a field that
     * is absent or null is a null {@code RawArray}; any other non-array value is consumed and has a null root.
     */
    static final class Reader extends ValueDeserializer<RawArray> {
        @Override
        public RawArray deserialize(JsonParser p, DeserializationContext ctxt) {
            RawArray raw = new RawArray();
            if (p.currentToken() == JsonToken.START_ARRAY) {
                raw.root = raw.array(p, ctxt);
            } else {
                p.skipChildren();
            }
            return raw;
        }
    }

    /** Deeper nesting than any input shape has: left to Jackson (and its own depth limit). */
    private static final int MAX_SCANNED_DEPTH = 16;

    /**
     * The array of plain numbers (nested or not) that comes next in {@code in}, read without Jackson into the same
     * structure the {@link Reader} builds; null for anything else (a string, null, an object, a number beyond
     * float32, malformed JSON), which the caller then leaves to Jackson.
     */
    static RawArray scan(JsonScanner in) {
        RawArray raw = new RawArray(SCRATCH.get());
        raw.root = raw.scanArray(in, 0);
        if (raw.values.length <= SCRATCH_KEPT) {
            SCRATCH.set(raw.values);
        }
        if (raw.root == null) {
            return null;
        }
        raw.values = Arrays.copyOf(raw.values, raw.count);
        return raw;
    }

    private Arr scanArray(JsonScanner in, int depth) {
        if (depth == MAX_SCANNED_DEPTH || !in.consume('[')) {
            return null;
        }
        int from = count;
        int size = 0;
        List<Element> elements = null;
        if (in.consume(']')) {
            return new Arr(0, from, count, null);
        }
        do {
            if (in.peek() == '[') {
                Arr nested = scanArray(in, depth + 1);
                if (nested == null) {
                    return null;
                }
                if (elements == null) {
                    elements = numbersSoFar(from, size);
                }
                elements.add(nested);
            } else {
                float value = in.number();
                if (Float.isNaN(value)) {
                    return null;
                }
                add(value);
                if (elements != null) {
                    elements.add(new Num(count - 1));
                }
            }
            size++;
        } while (in.consume(','));
        if (!in.consume(']')) {
            return null;
        }
        return new Arr(size, from, count, elements == null ? null : elements.toArray(new Element[0]));
    }

    private void add(float value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = value;
    }

    /** The elements list started at the first element that is not a number: the numbers before it, contiguous. */
    private static List<Element> numbersSoFar(int from, int size) {
        List<Element> elements = new ArrayList<>(size + 8);
        for (int k = 0; k < size; k++) {
            elements.add(new Num(from + k));
        }
        return elements;
    }

    private Arr array(JsonParser p, DeserializationContext ctxt) {
        int from = count;
        int size = 0;
        List<Element> elements = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            Element element;
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                JsonNode big = null;
                float value;
                if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                    value = (float) p.getDoubleValue();
                } else {
                    JsonParser.NumberType type = p.getNumberType();
                    if (type == JsonParser.NumberType.INT) {
                        value = p.getIntValue();
                    } else if (type == JsonParser.NumberType.LONG) {
                        value = p.getLongValue();
                    } else {
                        // beyond long: read it as a node first (the parser cannot convert it twice)
                        big = ctxt.readTree(p);
                        value = (float) big.doubleValue();
                    }
                }
                if (Float.isFinite(value)) {
                    add(value);
                    if (elements != null) {
                        elements.add(new Num(count - 1));
                    }
                    size++;
                    continue;
                }
                element = new Other(big != null ? big : ctxt.readTree(p));
            } else if (t == JsonToken.START_ARRAY) {
                element = array(p, ctxt);
            } else if (t == null) {
                break; // cannot happen: the parser itself reports the end of input inside an array
            } else {
                element = new Other(ctxt.readTree(p));
            }
            if (elements == null) {
                elements = numbersSoFar(from, size);
            }
            elements.add(element);
            size++;
        }
        return new Arr(size, from, count, elements == null ? null : elements.toArray(new Element[0]));
    }
}
