package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU's backward pass in Java. For a dense layer, with the bias gradient in the same pass: {@code delta = z > 0 ? epsilon : 0}, written
 * over the cached pre-activation {@code z}, and {@code biasGrad[j] = sum_i delta[i][j]}. libnd4j runs the two as a
 * per-element {@code std::function} call and a reduction (6 % of the MLP's training step). Rows are read in memory
 * order ({@link ElementwiseLoops}); each core sums its own rows and the partial sums are added in row order.
 */
final class ReluBackward {

    /** Rows per slice worth a second core. */
    private static final int MIN_ROWS = 32;
    /** Values per slice of {@link #overwrite} worth a second core. */
    private static final int MIN_VALUES = 1 << 15;

    private ReluBackward() {
    }

    /**
     * Whether {@code activation} is plain ReLU and {@code z} and {@code epsilon} are float {@code [examples, units]}
     * arrays laid out row after row ('c' order, contiguous) with a contiguous bias gradient.
     */
    static boolean applies(IActivation activation, INDArray z, INDArray epsilon, INDArray biasGrad) {
        return isPlainRelu(activation) && rowMajor(z) && rowMajor(epsilon) && Arrays.equals(z.shape(), epsilon.shape())
                && biasGrad.dataType() == DataType.FLOAT && biasGrad.length() == z.size(1)
                && biasGrad.elementWiseStride() == 1;
    }

    /** {@code max(0, x)}: no cap, threshold or leak. */
    static boolean isPlainRelu(IActivation activation) {
        return activation instanceof ActivationReLU relu && relu.getClass() == ActivationReLU.class
                && relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null;
    }

    private static boolean rowMajor(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.ordering() == 'c' && a.elementWiseStride() == 1
                && a.stride(1) == 1 && a.stride(0) == a.size(1);
    }

    /** Overwrites {@code z} with the pre-activation gradient and fills {@code biasGrad}. */
    static void apply(INDArray z, INDArray epsilon, INDArray biasGrad) {
        int rows = (int) z.size(0);
        int units = (int) z.size(1);
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer eb = Arrays4j.values(epsilon);
        int slices = Slices.count(rows, MIN_ROWS);
        float[][] partial = new float[slices][units];
        int per = Slices.size(rows, MIN_ROWS);
        ElementwiseLoops loops = Loops.get();
        Slices.run(rows, MIN_ROWS, (from, to) -> loops.reluBackwardRows(zb, eb, units, from, to, partial[from / per]));
        float[] total = partial[0];
        for (int s = 1; s < slices; s++) {
            for (int j = 0; j < units; j++) {
                total[j] += partial[s][j];
            }
        }
        Arrays4j.values(biasGrad).put(0, total, 0, units);
    }

    /**
     * Whether {@link #overwrite} takes {@code z} and {@code epsilon}: float arrays of one shape and one dense layout
     * ({@link Arrays4j#alike}: both 'c' order or both channels-last), and {@code activation} plain ReLU.
     */
    static boolean appliesElementwise(IActivation activation, INDArray z, INDArray epsilon) {
        return isPlainRelu(activation) && Arrays4j.alike(z, epsilon);
    }

    /**
     * Overwrites {@code z} with {@code z > 0 ? epsilon : 0}, element by element: a convolution's ReLU backward pass.
     * DL4J's {@code ActivationReLU.backprop} runs libnd4j's per-element {@code std::function} (with its pairwise
     * product, 8 % of the LeNet step's samples in a {@code perf} profile).
     */
    static void overwrite(INDArray z, INDArray epsilon) {
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer eb = Arrays4j.values(epsilon);
        ElementwiseLoops loops = Loops.get();
        Slices.run((int) z.length(), MIN_VALUES, (from, to) -> loops.reluBackward(zb, eb, from, to));
    }

    /**
     * {@code z > 0 ? epsilon : 0} without a branch: on a layer's pre-activations the sign is a coin toss, and the
     * mispredicted branch cost 1.7 to 5 times the arithmetic (docs/performance.md, "ReLU without a branch"). The mask
     * is all ones exactly when {@code z}'s bits are a positive number (sign clear, not zero, not NaN: bits in
     * {@code [1, 0x7f800000]}), so the result is the ternary's, bit for bit, for every input.
     */
    static float gradient(float z, float epsilon) {
        int bits = Float.floatToRawIntBits(z);
        int mask = (-bits & ~bits & (bits - 0x7f800001)) >> 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(epsilon) & mask);
    }
}
