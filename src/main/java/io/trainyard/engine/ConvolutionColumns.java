package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * An NCHW convolution as one matrix product over its input's columns (im2col): {@code columns [inDepth·kH·kW,
 * batch·outH·outW]} holds, for every output position of every example, the input values each kernel tap sees (zeros
 * where the window overhangs). The forward pass is then {@code W [outDepth, inDepth·kH·kW] × columns}, and the weight
 * gradient {@code delta × columnsᵀ} ({@link ConvolutionWeightGradient}) reads the same columns, so a layer that keeps
 * them computes them once per step.
 *
 * <p>For a first layer with few input channels this beats oneDNN through libnd4j, which reorders the one-channel
 * input, the weights and the output between layouts on every call (docs/performance.md, "The first convolution's
 * forward pass as one product").
 */
final class ConvolutionColumns {

    /** Examples per slice worth a second core. */
    static final int MIN_EXAMPLES = 4;
    /** Input channels up to which the forward pass goes through the columns (measured for 1; see the class doc). */
    static final int MAX_IN_DEPTH = 3;
    /** Column values a layer may hold between its forward and backward pass: 64 MB. */
    static final long MAX_VALUES = 1L << 24;

    /** Kernel, stride, top-left padding and dilation, {@code [height, width]} each, and the output size. */
    record Geometry(int[] kernel, int[] stride, int[] padding, int[] dilation, int outH, int outW) {

        int positions() {
            return outH * outW;
        }
    }

    private ConvolutionColumns() {
    }

    /** Whether {@link #forward} takes these arrays: float NCHW, contiguous, few channels, columns within bounds. */
    static boolean forwardFits(INDArray input, INDArray weights, Geometry g) {
        if (!contiguous(input) || !contiguous(weights) || input.size(1) != weights.size(1)
                || input.size(1) > MAX_IN_DEPTH) {
            return false;
        }
        long rows = weights.length() / weights.size(0);
        long wide = input.size(0) * g.positions();
        return rows * wide <= MAX_VALUES && weights.size(0) * wide < Integer.MAX_VALUE
                && input.length() < Integer.MAX_VALUE;
    }

    /** Float, rank 4, values in 'c' order without gaps (the stride of a size-1 dimension does not matter). */
    static boolean contiguous(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.rank() != 4) {
            return false;
        }
        long expected = 1;
        for (int d = 3; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /** The columns of {@code input [batch, inDepth, H, W]} for a {@code kH × kW} kernel, in {@code type}'s workspace. */
    static INDArray of(INDArray input, int kH, int kW, Geometry g, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) input.size(0);
        int inDepth = (int) input.size(1);
        int inH = (int) input.size(2);
        int inW = (int) input.size(3);
        int positions = g.positions();
        long wide = (long) batch * positions;
        INDArray columns = workspaceMgr.createUninitialized(type, DataType.FLOAT,
                new long[] {(long) inDepth * kH * kW, wide}, 'c');
        FloatBuffer x = Arrays4j.values(input);
        FloatBuffer cb = Arrays4j.values(columns);
        Slices.run(batch, MIN_EXAMPLES, (from, to) -> {
            float[] plane = new float[inH * inW];
            float[] column = new float[positions];
            for (int n = from; n < to; n++) {
                for (int ic = 0; ic < inDepth; ic++) {
                    x.get((n * inDepth + ic) * inH * inW, plane, 0, inH * inW);
                    for (int kh = 0; kh < kH; kh++) {
                        for (int kw = 0; kw < kW; kw++) {
                            im2col(plane, inH, inW, g, kh, kw, column);
                            int row = (ic * kH + kh) * kW + kw;
                            cb.put((int) (row * wide) + n * positions, column, 0, positions);
                        }
                    }
                }
            }
        });
        return columns;
    }

    /**
     * The convolution with {@code weights [outDepth, inDepth, kH, kW]} and {@code bias} (null for none) over
     * {@code columns} ({@link #of}): one product into {@code [outDepth, batch·outH·outW]}, then one pass that adds
     * the bias and writes each example's planes in NCHW order into {@code z [batch, outDepth, outH, outW]} and,
     * when not null, their ReLU into {@code relu} (the same shape): the layer's output and the pre-activation its
     * backward pass keeps, without two more passes over them.
     */
    static void forward(INDArray columns, INDArray weights, INDArray bias, Geometry g, INDArray z, INDArray relu,
            LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) z.size(0);
        int outDepth = (int) weights.size(0);
        int positions = g.positions();
        long wide = (long) batch * positions;
        INDArray w2d = Shape.newShapeNoCopy(weights, new long[] {outDepth, columns.size(0)}, false);
        INDArray product = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, wide}, 'c');
        Gemm.product(w2d, false, columns, false, product, 0f);
        float[] b = new float[outDepth];
        if (bias != null) {
            Arrays4j.values(bias.castTo(DataType.FLOAT)).get(0, b, 0, outDepth);
        }
        FloatBuffer pb = Arrays4j.values(product);
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer rb = relu == null ? null : Arrays4j.values(relu);
        Slices.run(batch, MIN_EXAMPLES, (from, to) -> {
            float[] plane = new float[positions];
            float[] activated = new float[positions];
            for (int n = from; n < to; n++) {
                for (int oc = 0; oc < outDepth; oc++) {
                    pb.get((int) (oc * wide) + n * positions, plane, 0, positions);
                    float add = b[oc];
                    for (int p = 0; p < positions; p++) {
                        plane[p] += add;
                    }
                    int at = (n * outDepth + oc) * positions;
                    zb.put(at, plane, 0, positions);
                    if (rb != null) {
                        for (int p = 0; p < positions; p++) {
                            activated[p] = plane[p] > 0f ? plane[p] : 0f; // libnd4j's ReLU, NaN to 0 included
                        }
                        rb.put(at, activated, 0, positions);
                    }
                }
            }
        });
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
