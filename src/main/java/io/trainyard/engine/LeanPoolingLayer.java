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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's 2-D max and average pooling without padding through oneDNN's own library ({@link DnnlPooling}), or where
 * that has no JIT kernel for the shape (or did not load), as a Java loop over slices of the mini-batch
 * (docs/performance.md, "Pooling"). With NCHW activations libnd4j's oneDNN 2.3 pools in its C++ reference
 * implementation, not a JIT kernel: 18 % of the LeNet benchmark's time. The loops' max pooling remembers where each
 * maximum came from, so the backward pass is a scatter instead of a second search. A channels-last input (from a
 * convolution on AVX-512) is pooled as it lies, and passed on channels-last to a convolution, else as NCHW. Same
 * results as DL4J's layer ({@code LeanLayersTest}); padded, dilated, p-norm and NHWC-configured pooling, and masks, go
 * through DL4J's code.
 */
final class LeanPoolingLayer extends SubsamplingLayer {

    private static final Logger log = LoggerFactory.getLogger(LeanPoolingLayer.class);
    private static final int MIN_SLICE = 4;

    /** oneDNN, or null where it did not load or failed on this layer once (then the Java loops run). */
    private DnnlPooling dnnl = Dnnl.available() ? new DnnlPooling() : null;
    /** Whether the last training forward pass went through {@link #dnnl}, and on channels-last arrays. */
    private boolean forwardByDnnl;
    private boolean forwardChannelsLast;
    /** Whether a channels-last output goes to the next layer as it is ({@link #channelsLastOutput}). */
    private boolean channelsLastOutput;

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

    /**
     * Lets a channels-last input's pooled output go on channels-last, for a next layer of the engine's that takes it
     * so (a convolution); else it is copied into NCHW, as DL4J's layers and preprocessors expect.
     */
    void channelsLastOutput(boolean on) {
        channelsLastOutput = on;
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
        boolean max = layerConf().getPoolingType() == PoolingType.MAX;
        forwardByDnnl = false;
        forwardChannelsLast = false;
        INDArray out = dnnl != null && channelsLastInput() ? channelsLast(g, max, training, workspaceMgr) : null;
        if (out == null) {
            out = nchw(g, max, training, workspaceMgr);
        }
        if (training) {
            forwardInput = input;
            geometry = g;
        }
        return out;
    }

    /** The forward pass on the input as an NCHW array in 'c' order (copied into one where it is not). */
    private INDArray nchw(Geometry g, boolean max, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = contiguous(input);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {g.mb, g.channels, g.outH, g.outW}, 'c');
        if (dnnl != null) {
            try {
                forwardByDnnl = dnnl.forward(g.shape(max), in, out, training);
            } catch (RuntimeException e) {
                giveUpOnDnnl(e);
            }
        }
        if (!forwardByDnnl) {
            int[] where = max && training ? maxPositions(g) : null;
            FloatBuffer src = Arrays4j.values(in);
            FloatBuffer dst = Arrays4j.values(out);
            Slices.run(g.mb, MIN_SLICE, (from, to) -> forward(g, max, src, dst, where, from, to));
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
        if (forwardByDnnl) {
            return backpropThroughDnnl(g, max, epsilon, workspaceMgr);
        }
        INDArray eps = contiguous(epsilon);
        INDArray next = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[] {g.mb, g.channels, g.inH, g.inW}, 'c');
        FloatBuffer src = Arrays4j.values(eps);
        FloatBuffer dst = Arrays4j.values(next);
        int[] where = argMax;
        Slices.run(g.mb, MIN_SLICE, (from, to) -> backward(g, max, src, dst, where, from, to));
        return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(next));
    }

    /** Whether the input lies channels-last (and not also in 'c' order, as with one channel). */
    private boolean channelsLastInput() {
        return Arrays4j.channelsLast(input) && !Arrays4j.denseRowMajor(input);
    }

    /**
     * The forward pass through oneDNN on the channels-last input as it lies, which the convolution before wrote so;
     * null (nothing kept) where oneDNN declines the shape or fails.
     */
    private INDArray channelsLast(Geometry g, boolean max, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = Arrays4j.channelsLast(workspaceMgr, ArrayType.ACTIVATIONS, g.mb, g.channels, g.outH, g.outW);
        try {
            forwardByDnnl = dnnl.forward(g.shape(max, true), input, out, training);
        } catch (RuntimeException e) {
            giveUpOnDnnl(e);
        }
        if (!forwardByDnnl) {
            return null;
        }
        forwardChannelsLast = true;
        return channelsLastOutput ? out
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, out.shape(), 'c').assign(out);
    }

    /** The backward pass of a forward pass that went through oneDNN: its workspace has the maxima's positions. */
    private Pair<Gradient, INDArray> backpropThroughDnnl(Geometry g, boolean max, INDArray epsilon,
            LayerWorkspaceMgr workspaceMgr) {
        forwardByDnnl = false;
        boolean nhwc = forwardChannelsLast;
        forwardChannelsLast = false;
        if (dnnl != null && dnnl.canGoBack(g.shape(max, nhwc))) {
            INDArray next = nhwc
                    ? Arrays4j.channelsLast(workspaceMgr, ArrayType.ACTIVATION_GRAD, g.mb, g.channels, g.inH, g.inW)
                    : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                            new long[] {g.mb, g.channels, g.inH, g.inW}, 'c');
            // In the layout of the forward pass (the next layer may hand a channels-last output back in 'c' order).
            INDArray eps = nhwc ? Arrays4j.toChannelsLast(epsilon, workspaceMgr, ArrayType.ACTIVATION_GRAD)
                    : contiguous(epsilon);
            try {
                dnnl.backward(eps, next);
                return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(next));
            } catch (RuntimeException e) {
                giveUpOnDnnl(e);
            }
        }
        return super.backpropGradient(epsilon, workspaceMgr); // the loops have no positions for this pass
    }

    private void giveUpOnDnnl(RuntimeException e) {
        log.warn("oneDNN failed on pooling layer {} ({}); it runs the engine's loops from now on", index,
                e.toString());
        dnnl.close();
        dnnl = null;
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
        forwardByDnnl = false;
        if (dnnl != null) {
            dnnl.forget();
        }
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

    private int[] maxPositions(Geometry g) {
        int size = g.mb * g.channels * g.outH * g.outW;
        if (argMax == null || argMax.length < size) {
            argMax = new int[size];
        }
        return argMax;
    }

    private static void forward(Geometry g, boolean max, FloatBuffer src, FloatBuffer dst, int[] where, int from,
            int to) {
        float[] in = new float[g.plane()];
        float[] out = new float[g.outPlane()];
        for (int p = from * g.channels; p < to * g.channels; p++) {
            src.get(p * g.plane(), in, 0, g.plane());
            int o = 0;
            for (int oh = 0; oh < g.outH; oh++) {
                int rowStart = oh * g.sH * g.inW;
                for (int ow = 0; ow < g.outW; ow++, o++) {
                    int base = rowStart + ow * g.sW;
                    if (max) {
                        int best = g.kH == 2 && g.kW == 2 ? max2x2(in, base, g.inW) : windowMax(g, in, base);
                        out[o] = in[best];
                        if (where != null) {
                            where[p * out.length + o] = best;
                        }
                    } else {
                        out[o] = sum(g, in, base) * g.scale();
                    }
                }
            }
            dst.put(p * out.length, out, 0, out.length);
        }
    }

    private static void backward(Geometry g, boolean max, FloatBuffer src, FloatBuffer dst, int[] where, int from,
            int to) {
        float[] eps = new float[g.outPlane()];
        float[] next = new float[g.plane()];
        for (int p = from * g.channels; p < to * g.channels; p++) {
            src.get(p * eps.length, eps, 0, eps.length);
            java.util.Arrays.fill(next, 0f);
            for (int o = 0; o < eps.length; o++) {
                if (max) {
                    // Overlapping windows (stride < kernel) may pick the same input: gradients add up.
                    next[where[p * eps.length + o]] += eps[o];
                } else {
                    spread(g, next, g.windowStart(o), eps[o] * g.scale());
                }
            }
            dst.put(p * next.length, next, 0, next.length);
        }
    }

    /**
     * {@link #windowMax} for a 2×2 window, unrolled, its comparisons written as selects that the JIT can compile
     * without branches: after ReLU, which input of a window is largest is a coin toss.
     */
    private static int max2x2(float[] in, int base, int inW) {
        int best = base;
        float m = in[base];
        boolean greater = in[base + 1] > m;
        best = greater ? base + 1 : best;
        m = greater ? in[base + 1] : m;
        int below = base + inW;
        greater = in[below] > m;
        best = greater ? below : best;
        m = greater ? in[below] : m;
        return in[below + 1] > m ? below + 1 : best;
    }

    /** The index of the window's maximum; strictly greater, so the first in window order wins, as in oneDNN. */
    private static int windowMax(Geometry g, float[] in, int base) {
        int best = base;
        for (int kh = 0; kh < g.kH; kh++) {
            int row = base + kh * g.inW;
            for (int kw = 0; kw < g.kW; kw++) {
                if (in[row + kw] > in[best]) {
                    best = row + kw;
                }
            }
        }
        return best;
    }

    private static float sum(Geometry g, float[] in, int base) {
        float sum = 0f;
        for (int kh = 0; kh < g.kH; kh++) {
            int row = base + kh * g.inW;
            for (int kw = 0; kw < g.kW; kw++) {
                sum += in[row + kw];
            }
        }
        return sum;
    }

    private static void spread(Geometry g, float[] next, int base, float share) {
        for (int kh = 0; kh < g.kH; kh++) {
            int row = base + kh * g.inW;
            for (int kw = 0; kw < g.kW; kw++) {
                next[row + kw] += share;
            }
        }
    }

    /** A c-order array with its own buffer, so that element i of the buffer is element i of the array. */
    private static INDArray contiguous(INDArray a) {
        boolean plain = a.offset() == 0 && a.data().length() == a.length() && Arrays4j.denseRowMajor(a);
        return plain && a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    private record Geometry(int mb, int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH,
            int sW) {

        DnnlPooling.Shape shape(boolean max) {
            return shape(max, false);
        }

        DnnlPooling.Shape shape(boolean max, boolean channelsLast) {
            return new DnnlPooling.Shape(mb, channels, inH, inW, outH, outW, kH, kW, sH, sW, max, channelsLast);
        }

        int plane() {
            return inH * inW;
        }

        int outPlane() {
            return outH * outW;
        }

        float scale() {
            return 1f / (kH * kW);
        }

        /** Where output {@code o}'s window starts in its input plane. */
        int windowStart(int o) {
            return o / outW * sH * inW + o % outW * sW;
        }
    }
}
