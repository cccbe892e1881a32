package io.trainyard.engine;

import java.nio.FloatBuffer;

/**
 * The inner loops of the training step's element-wise passes over native float buffers: Adam's update and ReLU's
 * passes. Java's JIT does not vectorise a loop over a direct buffer or a memory segment, so
 * {@link ChunkedLoops} copies through small heap chunks (any Java from 17); on Java 25 with the incubating Vector API
 * added ({@code --add-modules jdk.incubator.vector}, which the launcher, the Dockerfile and the chart set),
 * {@code VectorLoops} (src/main/java25) reads and writes the native memory sixteen floats at a time without the
 * copies (docs/performance.md, "The element-wise loops through the Vector API"). {@link Loops} picks one. Both
 * compute the same floats, bit for bit, in DL4J's order of operations ({@code ElementwiseLoopsTest}).
 */
interface ElementwiseLoops {

    /** Adam's constants for one step; see {@link LeanAdamUpdater}. */
    record AdamStep(float batch, float beta1, float beta2, float epsilon, float stepSize) {
        float keep1() {
            return 1 - beta1;
        }

        float keep2() {
            return 1 - beta2;
        }
    }

    /**
     * Adam over elements {@code [from, to)}: the gradient divided by the batch size, {@code m} and {@code v} updated
     * in place, and the update subtracted from {@code params}, or, when {@code params} is null, written over the
     * gradient.
     */
    void adam(FloatBuffer gradient, FloatBuffer m, FloatBuffer v, FloatBuffer params, int from, int to, AdamStep step);

    /**
     * Rows {@code [from, to)} of {@code z} ({@code units} values each, row after row): {@code z = z > 0 ? epsilon :
     * 0}, and each row's result added to {@code sums} (the bias gradient), rows in order.
     */
    void reluBackwardRows(FloatBuffer z, FloatBuffer epsilon, int units, int from, int to, float[] sums);

    /** {@code z = z > 0 ? epsilon : 0} over elements {@code [from, to)}. */
    void reluBackward(FloatBuffer z, FloatBuffer epsilon, int from, int to);

    /**
     * ReLU's forward pass keeping its input, over elements {@code [from, to)}: {@code copy = z}, then {@code z = z < 0
     * ? 0 : z} (libnd4j's ReLU: {@code -0} and NaN pass through).
     */
    void reluKeepingInput(FloatBuffer z, FloatBuffer copy, int from, int to);
}
