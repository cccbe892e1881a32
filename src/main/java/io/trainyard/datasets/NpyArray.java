package io.trainyard.datasets;

/**
 * One array read from a {@code .npy} stream, in C (row-major) order. Exactly one of the value arrays is set:
 * {@code bytes} for uint8 when the reader was asked to keep bytes, {@code text} for string dtypes, else
 * {@code floats} (every numeric dtype widened or narrowed to float32).
 */
record NpyArray(String name, int[] shape, String dtype, float[] floats, byte[] bytes, String[] text) {

    int length() {
        return floats != null ? floats.length : bytes != null ? bytes.length : text.length;
    }

    String describeShape() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            out.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return out.append(']').toString();
    }
}
