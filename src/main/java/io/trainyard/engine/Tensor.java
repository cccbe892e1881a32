package io.trainyard.engine;

import java.util.Arrays;

/**
 * A dense float array with its shape, batch first, in row-major order. Layouts follow the spec's
 * vocabulary: features {@code [batch, size]}, image {@code [batch, height, width, channels]},
 * sequence {@code [batch, length, features]}, tokens {@code [batch, length]} (ids as floats),
 * per-time-step outputs {@code [batch, length, outputs]}.
 */
public record Tensor(float[] data, int[] shape) {

    public Tensor {
        if (data == null || shape == null || shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs data and a shape");
        }
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("dimensions must be positive: " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, data has "
                    + data.length);
        }
    }

    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    public int batchSize() {
        return shape[0];
    }

    /** Values of example {@code i} (all dimensions after the first). */
    public float[] row(int i) {
        int width = data.length / shape[0];
        return Arrays.copyOfRange(data, i * width, (i + 1) * width);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(data, t.data) && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
