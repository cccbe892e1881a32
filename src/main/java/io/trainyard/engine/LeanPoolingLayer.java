package io.trainyard.engine;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's 2-D max and average pooling without padding, as a Java loop over slices of the mini-batch
 * (docs/performance.md, "Pooling"). With NCHW activations oneDNN 2.3 pools in its C++ reference implementation,
 * not a JIT kernel: 18 % of the LeNet benchmark's time. Max pooling remembers where each maximum came from, so the
 * backward pass is a scatter instead of a second search. Same results as DL4J's layer ({@code LeanLayersTest});
 * padded, dilated, p-norm and NHWC pooling, and masks, go through DL4J's code.
 */
final class LeanPoolingLayer extends SubsamplingLayer {

    private static final int MIN_SLICE = 4;

    /** For max pooling: the input index of each output's maximum, from the last training forward pass. */
    private int[] argMax;
    private INDArray forwardInput;
    private Geometry geometry;

    LeanPoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        if (layer.getClass() != SubsamplingLayer.class) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = ((SubsamplingLayer) layer).layerConf();
        return (c.getPoolingType() == PoolingType.MAX || c.getPoolingType() == PoolingType.AVG)
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getDilation()[0] == 1 && c.getDilation()[1] == 1
                && c.getPadding()[0] == 0 && c.getPadding()[1] == 0;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forwardInput = null;
        Geometry g = geometry();
        if (g == null) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {g.mb, g.channels, g.outH, g.outW}, 'c');
        boolean max = layerConf().getPoolingType() == PoolingType.MAX;
        int[] where = max && training ? argMax(g) : null;
        FloatBuffer src = buffer(in);
        FloatBuffer dst = buffer(out);
        Slices.run(g.mb, MIN_SLICE, (from, to) -> forward(g, max, src, dst, where, from, to));
        if (training) {
            forwardInput = input;
            geometry = g;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Geometry g = geometry;
        boolean cached = forwardInput != null && forwardInput == input && g != null && g.equals(geometry());
        forwardInput = null;
        if (!cached) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        boolean max = layerConf().getPoolingType() == PoolingType.MAX;
        INDArray eps = contiguous(epsilon);
        INDArray next = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[] {g.mb, g.channels, g.inH, g.inW}, 'c');
        FloatBuffer src = buffer(eps);
        FloatBuffer dst = buffer(next);
        int[] where = argMax;
        Slices.run(g.mb, MIN_SLICE, (from, to) -> backward(g, max, src, dst, where, from, to));
        return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(next));
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
    }

    /** The pooling's shape for the current input, or null when this layer leaves it to DL4J. */
    private Geometry geometry() {
        if (input == null || input.rank() != 4 || input.dataType() != DataType.FLOAT || maskArray != null
                || input.length() >= Integer.MAX_VALUE / 2) {
            return null;
        }
        int[] k = layerConf().getKernelSize();
        int[] s = layerConf().getStride();
        int inH = (int) input.size(2);
        int inW = (int) input.size(3);
        int outH = (inH - k[0]) / s[0] + 1;
        int outW = (inW - k[1]) / s[1] + 1;
        if (outH < 1 || outW < 1) {
            return null;
        }
        ConvolutionMode mode = layerConf().getConvolutionMode();
        boolean exact = (inH - k[0]) % s[0] == 0 && (inW - k[1]) % s[1] == 0;
        boolean handled = switch (mode) {
            case Truncate -> true;
            case Strict -> exact; // DL4J rejects the rest with its own message
            // "Same" pads to ceil(in / stride) outputs; only the cases that need no padding are handled here.
            case Same -> outH == (inH + s[0] - 1) / s[0] && outW == (inW + s[1] - 1) / s[1];
            default -> false;
        };
        if (!handled) {
            return null;
        }
        return new Geometry((int) input.size(0), (int) input.size(1), inH, inW, outH, outW, k[0], k[1], s[0], s[1]);
    }

    private int[] argMax(Geometry g) {
        int size = g.mb * g.channels * g.outH * g.outW;
        if (argMax == null || argMax.length < size) {
            argMax = new int[size];
        }
        return argMax;
    }

    private static void forward(Geometry g, boolean max, FloatBuffer src, FloatBuffer dst, int[] where, int from,
            int to) {
        int plane = g.inH * g.inW;
        int outPlane = g.outH * g.outW;
        float[] in = new float[plane];
        float[] out = new float[outPlane];
        float scale = 1f / (g.kH * g.kW);
        for (int p = from * g.channels; p < to * g.channels; p++) {
            src.get(p * plane, in, 0, plane);
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    int base = oh * g.sH * g.inW + ow * g.sW;
                    float v;
                    if (max) {
                        int best = base;
                        v = in[base];
                        for (int kh = 0; kh < g.kH; kh++) {
                            int row = base + kh * g.inW;
                            for (int kw = 0; kw < g.kW; kw++) {
                                // Strictly greater: the first maximum in window order wins, as in oneDNN and libnd4j.
                                if (in[row + kw] > v) {
                                    v = in[row + kw];
                                    best = row + kw;
                                }
                            }
                        }
                        if (where != null) {
                            where[p * outPlane + oh * g.outW + ow] = best;
                        }
                    } else {
                        float sum = 0f;
                        for (int kh = 0; kh < g.kH; kh++) {
                            int row = base + kh * g.inW;
                            for (int kw = 0; kw < g.kW; kw++) {
                                sum += in[row + kw];
                            }
                        }
                        v = sum * scale;
                    }
                    out[oh * g.outW + ow] = v;
                }
            }
            dst.put(p * outPlane, out, 0, outPlane);
        }
    }

    private static void backward(Geometry g, boolean max, FloatBuffer src, FloatBuffer dst, int[] where, int from,
            int to) {
        int plane = g.inH * g.inW;
        int outPlane = g.outH * g.outW;
        float[] eps = new float[outPlane];
        float[] next = new float[plane];
        float scale = 1f / (g.kH * g.kW);
        for (int p = from * g.channels; p < to * g.channels; p++) {
            src.get(p * outPlane, eps, 0, outPlane);
            java.util.Arrays.fill(next, 0f);
            for (int oh = 0; oh < g.outH; oh++) {
                for (int ow = 0; ow < g.outW; ow++) {
                    int o = oh * g.outW + ow;
                    if (max) {
                        // Overlapping windows (stride < kernel) may pick the same input: gradients add up.
                        next[where[p * outPlane + o]] += eps[o];
                    } else {
                        float share = eps[o] * scale;
                        int base = oh * g.sH * g.inW + ow * g.sW;
                        for (int kh = 0; kh < g.kH; kh++) {
                            int row = base + kh * g.inW;
                            for (int kw = 0; kw < g.kW; kw++) {
                                next[row + kw] += share;
                            }
                        }
                    }
                }
            }
            dst.put(p * plane, next, 0, plane);
        }
    }

    /** A c-order array with its own buffer, so that element i of the buffer is element i of the array. */
    private static INDArray contiguous(INDArray a) {
        boolean plain = a.offset() == 0 && a.data().length() == a.length() && rowMajorStrides(a);
        return plain && a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    private static boolean rowMajorStrides(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) > 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    private static FloatBuffer buffer(INDArray a) {
        FloatBuffer b = a.data().asNioFloat();
        if (b.capacity() < a.length()) {
            throw new IllegalStateException("array buffer holds " + b.capacity() + " values, expected " + a.length());
        }
        return b;
    }

    private record Geometry(int mb, int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH,
            int sW) {
    }
}
