package io.trainyard.datasets;

/**
 * What a parser read, before it is written in the compact form. Features are either floats or, for 8-bit images,
 * the raw bytes ({@code pixels}), which stay a quarter of the size on disk.
 *
 * @param mask {@code [count, T]} 1 for real time steps, 0 for padding; null when every step is real
 */
record Parsed(InputShape shape, int count, float[] features, byte[] pixels, Labels labels, float[] mask) {

    Parsed {
        long expected = (long) count * shape.size();
        long actual = features != null ? features.length : pixels.length;
        if (actual != expected) {
            throw new IllegalStateException("Parsed " + actual + " values for " + count + " examples of " + shape);
        }
    }
}
