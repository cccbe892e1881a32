package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer's ReLU backward pass and bias gradient in one pass: {@code delta = z > 0 ? epsilon : 0}, written
 * over the cached pre-activation {@code z}, and {@code biasGrad[j] = sum_i delta[i][j]}. libnd4j runs the two as a
 * per-element {@code std::function} call and a reduction (6 % of the MLP's training step). Rows are read in memory
 * order through heap chunks; each core sums its own rows and the partial sums are added in row order.
 */
final class ReluBackward {

    /** Rows per slice worth a second core. */
    private static final int MIN_ROWS = 32;

    private ReluBackward() {
    }

    /**
     * Whether {@code activation} is plain ReLU and {@code z} and {@code epsilon} are float {@code [examples, units]}
     * arrays laid out row after row ('c' order, contiguous) with a contiguous bias gradient.
     */
    static boolean applies(IActivation activation, INDArray z, INDArray epsilon, INDArray biasGrad) {
        return activation instanceof ActivationReLU relu && relu.getClass() == ActivationReLU.class
                && relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null
                && rowMajor(z) && rowMajor(epsilon) && Arrays.equals(z.shape(), epsilon.shape())
                && biasGrad.dataType() == DataType.FLOAT && biasGrad.length() == z.size(1)
                && biasGrad.elementWiseStride() == 1;
    }

    private static boolean rowMajor(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.ordering() == 'c' && a.elementWiseStride() == 1
                && a.stride(1) == 1 && a.stride(0) == a.size(1);
    }

    /** Overwrites {@code z} with the pre-activation gradient and fills {@code biasGrad}. */
    static void apply(INDArray z, INDArray epsilon, INDArray biasGrad) {
        int rows = (int) z.size(0);
        int units = (int) z.size(1);
        FloatBuffer zb = Arrays4j.buffer(z);
        FloatBuffer eb = Arrays4j.buffer(epsilon);
        int zo = (int) z.offset();
        int eo = (int) epsilon.offset();
        int slices = Slices.count(rows, MIN_ROWS);
        float[][] partial = new float[slices][units];
        int per = Slices.size(rows, MIN_ROWS);
        Slices.run(rows, MIN_ROWS, (from, to) -> {
            float[] sums = partial[from / per];
            float[] zr = new float[units];
            float[] er = new float[units];
            for (int i = from; i < to; i++) {
                zb.get(zo + i * units, zr, 0, units);
                eb.get(eo + i * units, er, 0, units);
                for (int j = 0; j < units; j++) {
                    float d = zr[j] > 0f ? er[j] : 0f;
                    zr[j] = d;
                    sums[j] += d;
                }
                zb.put(zo + i * units, zr, 0, units);
            }
        });
        float[] total = partial[0];
        for (int s = 1; s < slices; s++) {
            for (int j = 0; j < units; j++) {
                total[j] += partial[s][j];
            }
        }
        Arrays4j.buffer(biasGrad).put((int) biasGrad.offset(), total, 0, units);
    }
}
