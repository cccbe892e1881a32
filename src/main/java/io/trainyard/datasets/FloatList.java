package io.trainyard.datasets;

import java.util.Arrays;

/** A growable float array, so parsing text does not box every value. */
final class FloatList {

    /** Java arrays top out just below Integer.MAX_VALUE elements. */
    static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private float[] values = new float[1024];
    private int size;

    void add(float value) {
        if (size == values.length) {
            if (size == MAX_SIZE) {
                throw new IllegalStateException("full");
            }
            values = Arrays.copyOf(values, (int) Math.min(MAX_SIZE, size * 2L));
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
