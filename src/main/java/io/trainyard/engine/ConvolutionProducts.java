package io.trainyard.engine;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * An NCHW convolution as matrix products through OpenBLAS over its input's {@link ConvolutionColumns}, the way
 * Caffe and PyTorch's CPU fallback compute it. With {@code W [outDepth, inDepth·kH·kW]} (the weights as they are
 * stored), {@code C [inDepth·kH·kW, batch·outH·outW]} (the columns) and {@code D [outDepth, batch·outH·outW]} (the
 * pre-activation gradient, laid out by one Java pass):
 * <ul>
 *   <li>forward: {@code W × C}, then laid out as NCHW with the bias added;</li>
 *   <li>weight gradient: {@code D × Cᵀ}, with the bias gradient summed while D is laid out;</li>
 *   <li>input gradient: {@code Wᵀ × D}, scattered back onto the input (col2im).</li>
 * </ul>
 * On LeNet's shapes (2 vCPUs) oneDNN 2.3, through libnd4j M2.1's NCHW helper, ran these at a fraction of
 * OpenBLAS's speed: docs/performance.md, "Convolutions as matrix products".
 */
final class ConvolutionProducts {

    /** Examples per slice worth a second core. */
    private static final int MIN_EXAMPLES = 4;

    private ConvolutionProducts() {
    }

    /**
     * Whether the arrays are float, NCHW and contiguous, as these products read them, and the work arrays stay within
     * int indexing.
     */
    static boolean applies(INDArray input, INDArray weights, ConvolutionColumns.Geometry g) {
        return ConvolutionColumns.contiguous(input) && ConvolutionColumns.contiguous(weights)
                && input.size(1) == weights.size(1)
                && ConvolutionColumns.fits(input, Math.max(weights.length() / weights.size(0), weights.size(0)), g);
    }

    /** {@code z [batch, outDepth, outH, outW] = W × columns + bias} (bias may be null), in a new array. */
    static INDArray forward(INDArray columns, INDArray weights, INDArray bias, ConvolutionColumns.Geometry g,
            int batch, LayerWorkspaceMgr workspaceMgr) {
        int outDepth = (int) weights.size(0);
        int positions = g.positions();
        int wide = batch * positions;
        INDArray product = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, wide}, 'c');
        Gemm.product(matrix(weights), false, columns, false, product, 0f);
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {batch, outDepth, g.outH(), g.outW()}, 'c');
        FloatBuffer pb = Arrays4j.values(product);
        FloatBuffer zb = Arrays4j.values(z);
        float[] b = new float[outDepth];
        if (bias != null) {
            Arrays4j.values(bias.elementWiseStride() == 1 ? bias : bias.dup('c')).get(0, b, 0, outDepth);
        }
        Slices.run(batch, MIN_EXAMPLES, (from, to) -> {
            float[] plane = new float[positions];
            for (int n = from; n < to; n++) {
                for (int oc = 0; oc < outDepth; oc++) {
                    pb.get(oc * wide + n * positions, plane, 0, positions);
                    float add = b[oc];
                    for (int p = 0; p < positions; p++) {
                        plane[p] += add;
                    }
                    zb.put((n * outDepth + oc) * positions, plane, 0, positions);
                }
            }
        });
        return z;
    }

    /**
     * Fills {@code weightGrad [outDepth, inDepth, kH, kW]} and, when not null, {@code biasGrad}, from the input's
     * {@code columns} and the gradient at the layer's output: {@code epsilon} through ReLU at {@code z} when
     * {@code relu}, else {@code epsilon} as it is (then {@code z} is not read). Returns D, for {@link #inputGradient}.
     */
    static INDArray weightGradient(INDArray columns, INDArray z, INDArray epsilon, boolean relu,
            ConvolutionColumns.Geometry g, INDArray weightGrad, INDArray biasGrad, LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) epsilon.size(0);
        int outDepth = (int) weightGrad.size(0);
        int positions = g.positions();
        int wide = batch * positions;
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, wide}, 'c');
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer eb = Arrays4j.values(epsilon);
        FloatBuffer db = Arrays4j.values(delta);
        int slices = Slices.count(batch, MIN_EXAMPLES);
        int per = Slices.size(batch, MIN_EXAMPLES);
        // Per slice, channel and output position: summed per position, the ReLU loop below vectorises.
        float[][][] biasPartial = new float[slices][outDepth][positions];
        Slices.run(batch, MIN_EXAMPLES, (from, to) -> {
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
                    db.put(oc * wide + n * positions, er, 0, positions);
                }
            }
        });
        // Straight to OpenBLAS: LeNet's first layer (20 × 36,864 by 36,864 × 25) took 1.4-1.7 ms against 2.4-2.6 ms
        // through mmuli, and oneDNN's matmul was slower still (WeightGradientProductBench, docs/performance.md).
        Gemm.product(delta, false, columns, true, matrix(weightGrad), 0f);
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
        return delta;
    }

    /** {@code epsilonNext [batch, inDepth, H, W]}, the gradient at the layer's input, from D and the weights. */
    static INDArray inputGradient(INDArray weights, INDArray delta, ConvolutionColumns.Geometry g, long[] inputShape,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray w = matrix(weights);
        INDArray columnGradient = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {w.size(1), delta.size(1)}, 'c');
        Gemm.product(w, true, delta, false, columnGradient, 0f);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                inputShape, 'c');
        ConvolutionColumns.scatter(columnGradient, g, epsilonNext);
        return epsilonNext;
    }

    /** {@code [outDepth, inDepth, kH, kW]} viewed as {@code [outDepth, inDepth·kH·kW]}. */
    private static INDArray matrix(INDArray weights) {
        return Shape.newShapeNoCopy(weights, new long[] {weights.size(0), weights.length() / weights.size(0)},
                false);
    }
}
