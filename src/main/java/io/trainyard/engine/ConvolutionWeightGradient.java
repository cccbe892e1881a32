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
 * examples (split across cores):
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

    /** Examples per slice worth a second core. */
    private static final int MIN_EXAMPLES = 4;

    /** Kernel, stride, top-left padding and dilation, {@code [height, width]} each, and the output size. */
    record Geometry(int[] kernel, int[] stride, int[] padding, int[] dilation, int outH, int outW) {
    }

    private ConvolutionWeightGradient() {
    }

    /**
     * Whether the arrays are float, NCHW and contiguous, as {@link #compute} reads them, and its two work arrays
     * stay within int indexing.
     */
    static boolean applies(INDArray input, INDArray z, INDArray epsilon, INDArray weightGrad) {
        if (!(contiguous(input) && contiguous(z) && contiguous(epsilon) && contiguous(weightGrad)
                && Arrays.equals(z.shape(), epsilon.shape()))) {
            return false;
        }
        long wide = z.length() / z.size(1);
        long rows = weightGrad.length() / weightGrad.size(0);
        return Math.max(rows, z.size(1)) * wide < Integer.MAX_VALUE && input.length() < Integer.MAX_VALUE;
    }

    /** Float, rank 4, values in 'c' order without gaps (the stride of a size-1 dimension does not matter). */
    private static boolean contiguous(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 4 && Arrays4j.denseRowMajor(a);
    }

    /**
     * Fills {@code weightGrad [outDepth, inDepth, kH, kW]} and, when not null, {@code biasGrad}, from the layer's
     * {@code input [batch, inDepth, H, W]} and the gradient at its output: {@code epsilon} through ReLU at
     * {@code z} when {@code relu}, else {@code epsilon} as it is (then {@code z} is not read).
     */
    static void compute(INDArray input, INDArray z, INDArray epsilon, boolean relu, Geometry g, INDArray weightGrad,
            INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) input.size(0);
        int inDepth = (int) input.size(1);
        int inH = (int) input.size(2);
        int inW = (int) input.size(3);
        int outDepth = (int) weightGrad.size(0);
        int kH = g.kernel()[0];
        int kW = g.kernel()[1];
        int positions = g.outH() * g.outW();
        long columnsWide = (long) batch * positions;
        int rows = inDepth * kH * kW;
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, columnsWide}, 'c');
        INDArray columns = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {rows, columnsWide}, 'c');
        FloatBuffer x = Arrays4j.values(input);
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer eb = Arrays4j.values(epsilon);
        FloatBuffer db = Arrays4j.values(delta);
        FloatBuffer cb = Arrays4j.values(columns);
        int slices = Slices.count(batch, MIN_EXAMPLES);
        int per = Slices.size(batch, MIN_EXAMPLES);
        // Per slice, channel and output position: summed per position, the ReLU loop below vectorises.
        float[][][] biasPartial = new float[slices][outDepth][positions];
        Slices.run(batch, MIN_EXAMPLES, (from, to) -> {
            float[][] sums = biasPartial[from / per];
            float[] zr = new float[positions];
            float[] er = new float[positions];
            float[] plane = new float[inH * inW];
            float[] column = new float[positions];
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
                for (int ic = 0; ic < inDepth; ic++) {
                    x.get((n * inDepth + ic) * inH * inW, plane, 0, inH * inW);
                    for (int kh = 0; kh < kH; kh++) {
                        for (int kw = 0; kw < kW; kw++) {
                            im2col(plane, inH, inW, g, kh, kw, column);
                            int row = (ic * kH + kh) * kW + kw;
                            cb.put((int) (row * columnsWide) + n * positions, column, 0, positions);
                        }
                    }
                }
            }
        });
        INDArray weightGrad2d = Shape.newShapeNoCopy(weightGrad, new long[] {outDepth, rows}, false);
        // Straight to OpenBLAS: the same result as mmuli (which ends there too) in 1.4-1.7 ms against 2.4-2.6 ms on
        // this skinny shape, and oneDNN's matmul was slower still (LeNet: 20 × 36,864 by 36,864 × 25;
        // WeightGradientProductBench, docs/performance.md).
        Gemm.product(delta, false, columns, true, weightGrad2d, 0f);
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

    /** The input values kernel tap {@code (kh, kw)} sees at each output position of one channel plane. */
    private static void im2col(float[] plane, int inH, int inW, Geometry g, int kh, int kw, float[] column) {
        int outH = g.outH();
        int outW = g.outW();
        int sH = g.stride()[0];
        int sW = g.stride()[1];
        int rowShift = kh * g.dilation()[0] - g.padding()[0];
        int colShift = kw * g.dilation()[1] - g.padding()[1];
        // Output columns whose input column lies inside the plane: [first, end).
        int first = colShift >= 0 ? 0 : Math.min(outW, (-colShift + sW - 1) / sW);
        int end = inW - 1 - colShift < 0 ? first : Math.max(first, Math.min(outW, (inW - 1 - colShift) / sW + 1));
        for (int oh = 0; oh < outH; oh++) {
            int ih = oh * sH + rowShift;
            int at = oh * outW;
            if (ih < 0 || ih >= inH) {
                Arrays.fill(column, at, at + outW, 0f);
                continue;
            }
            Arrays.fill(column, at, at + first, 0f);
            Arrays.fill(column, at + end, at + outW, 0f);
            int from = ih * inW + first * sW + colShift;
            if (sW == 1) {
                System.arraycopy(plane, from, column, at + first, end - first);
            } else {
                for (int ow = first; ow < end; ow++, from += sW) {
                    column[at + ow] = plane[from];
                }
            }
        }
    }
}
