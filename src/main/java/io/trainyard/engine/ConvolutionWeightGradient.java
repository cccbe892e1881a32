package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * The weight and bias gradients of an NCHW convolution, and nothing else: what the first layer of a network needs,
 * whose input gradient nobody reads. One matrix product, {@code dW[oc, k] = sum_j delta[oc, j] · columns[k, j]}
 * over every output position {@code j} of every example, with both operands laid out by one Java pass over the
 * examples (split across cores), or the columns the forward pass laid out:
 * <ul>
 *   <li>{@code delta [outDepth, batch·outH·outW]}: the pre-activation gradient, for ReLU computed in the same pass
 *   ({@code z > 0 ? epsilon : 0}), with the bias gradient summed on the way;</li>
 *   <li>{@code columns [inDepth·kH·kW, batch·outH·outW]}: im2col, with zeros where the window overhangs.</li>
 * </ul>
 * The LeNet benchmark's first layer: 4 ms a step against oneDNN's 6 ms for its backward pass with the input gradient
 * (DL4J's own path, libnd4j's im2col into a permuted view, cost more than oneDNN's); docs/performance.md, "The
 * first convolution's input gradient".
 */
final class ConvolutionWeightGradient {

    private ConvolutionWeightGradient() {
    }

    /**
     * Whether the arrays are float, NCHW and contiguous, as {@link #compute} reads them, and its two work arrays
     * stay within int indexing.
     */
    static boolean applies(INDArray input, INDArray z, INDArray epsilon, INDArray weightGrad) {
        if (!(ConvolutionColumns.contiguous(input) && ConvolutionColumns.contiguous(z)
                && ConvolutionColumns.contiguous(epsilon) && ConvolutionColumns.contiguous(weightGrad)
                && Arrays.equals(z.shape(), epsilon.shape()))) {
            return false;
        }
        long wide = z.length() / z.size(1);
        long rows = weightGrad.length() / weightGrad.size(0);
        return Math.max(rows, z.size(1)) * wide < Integer.MAX_VALUE && input.length() < Integer.MAX_VALUE;
    }

    /**
     * Fills {@code weightGrad [outDepth, inDepth, kH, kW]} and, when not null, {@code biasGrad}, from the layer's
     * {@code input [batch, inDepth, H, W]} and the gradient at its output: {@code epsilon} through ReLU at
     * {@code z} when {@code relu}, else {@code epsilon} as it is (then {@code z} is not read). {@code columns}: the
     * input's columns from the forward pass ({@link ConvolutionColumns#of}), or null to lay them out here.
     */
    static void compute(INDArray input, INDArray z, INDArray epsilon, boolean relu, ConvolutionColumns.Geometry g,
            INDArray weightGrad, INDArray biasGrad, INDArray columns, LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) input.size(0);
        int inDepth = (int) input.size(1);
        int outDepth = (int) weightGrad.size(0);
        int kH = g.kernel()[0];
        int kW = g.kernel()[1];
        int positions = g.positions();
        long columnsWide = (long) batch * positions;
        int rows = inDepth * kH * kW;
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, columnsWide}, 'c');
        INDArray cols = columns != null ? columns
                : ConvolutionColumns.of(input, kH, kW, g, ArrayType.BP_WORKING_MEM, workspaceMgr);
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer eb = Arrays4j.values(epsilon);
        FloatBuffer db = Arrays4j.values(delta);
        int slices = Slices.count(batch, ConvolutionColumns.MIN_EXAMPLES);
        int per = Slices.size(batch, ConvolutionColumns.MIN_EXAMPLES);
        // Per slice, channel and output position: summed per position, the ReLU loop below vectorises.
        float[][][] biasPartial = new float[slices][outDepth][positions];
        Slices.run(batch, ConvolutionColumns.MIN_EXAMPLES, (from, to) -> {
            float[][] sums = biasPartial[from / per];
            float[] zr = new float[positions];
            float[] er = new float[positions];
            for (int n = from; n < to; n++) {
                for (int oc = 0; oc < outDepth; oc++) {
                    int at = (n * outDepth + oc) * positions;
                    eb.get(at, er, 0, positions);
                    float[] sum = sums[oc];
                    if (relu) {
                        zb.get(at, zr, 0, positions);
                        for (int p = 0; p < positions; p++) {
                            float d = ReluBackward.gradient(zr[p], er[p]);
                            er[p] = d;
                            sum[p] += d;
                        }
                    } else {
                        for (int p = 0; p < positions; p++) {
                            sum[p] += er[p];
                        }
                    }
                    db.put((int) (oc * columnsWide) + n * positions, er, 0, positions);
                }
            }
        });
        INDArray weightGrad2d = Shape.newShapeNoCopy(weightGrad, new long[] {outDepth, rows}, false);
        // Straight to OpenBLAS: the same result as mmuli (which ends there too) in 1.4-1.7 ms against 2.4-2.6 ms on
        // this skinny shape, and oneDNN's matmul was slower still (LeNet: 20 × 36,864 by 36,864 × 25;
        // WeightGradientProductBench, docs/performance.md).
        Gemm.product(delta, false, cols, true, weightGrad2d, 0f);
        if (biasGrad != null) {
            float[] total = new float[outDepth];
            for (float[][] slice : biasPartial) {
                for (int oc = 0; oc < outDepth; oc++) {
                    float sum = 0;
                    for (float v : slice[oc]) {
                        sum += v;
                    }
                    total[oc] += sum;
                }
            }
            Arrays4j.values(biasGrad).put(0, total, 0, outDepth);
        }
    }
}
