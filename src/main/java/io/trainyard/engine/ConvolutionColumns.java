package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An NCHW convolution's input as a matrix and back: {@code columns [inDepth·kH·kW, batch·outH·outW]} holds, for every
 * kernel tap (row) and every output position of every example (column), the input value the tap reads there, or
 * zero where the window overhangs the padding (im2col). With it a convolution is one matrix product
 * ({@link ConvolutionProducts}). {@link #scatter} is the reverse (col2im): every column entry's gradient added back
 * to the input value it was read from. Both split the examples across cores and walk the columns in memory order,
 * a few examples at a time (docs/performance.md, "Convolutions as matrix products").
 */
final class ConvolutionColumns {

    /** Examples per slice worth a second core. */
    private static final int MIN_EXAMPLES = 4;

    /** Kernel, stride, top-left padding and dilation, {@code [height, width]} each, and the output size. */
    record Geometry(int[] kernel, int[] stride, int[] padding, int[] dilation, int outH, int outW) {

        int positions() {
            return outH * outW;
        }
    }

    private ConvolutionColumns() {
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

    /** Whether {@code input}'s columns for a kernel of {@code taps} (inDepth·kH·kW) stay within int indexing. */
    static boolean fits(INDArray input, long taps, Geometry g) {
        return input.length() < Integer.MAX_VALUE && taps * input.size(0) * g.positions() < Integer.MAX_VALUE;
    }

    /** The columns of {@code input [batch, inDepth, H, W]} ('c' order, contiguous), in a new array of {@code type}. */
    static INDArray of(INDArray input, Geometry g, ArrayType type, LayerWorkspaceMgr workspaceMgr) {
        Sizes sz = Sizes.of(input, g);
        INDArray columns = workspaceMgr.createUninitialized(type, DataType.FLOAT,
                new long[] {(long) sz.inDepth * sz.kH * sz.kW, sz.wide()}, 'c');
        FloatBuffer x = Arrays4j.values(input);
        FloatBuffer cb = Arrays4j.values(columns);
        int positions = g.positions();
        Slices.run(sz.batch, MIN_EXAMPLES, (from, to) -> {
            int chunk = sz.chunk();
            float[] examples = new float[chunk * sz.example()];
            float[] run = new float[chunk * positions];
            for (int first = from; first < to; first += chunk) {
                int count = Math.min(chunk, to - first);
                x.get(first * sz.example(), examples, 0, count * sz.example());
                for (int ic = 0, row = 0; ic < sz.inDepth; ic++) {
                    for (int kh = 0; kh < sz.kH; kh++) {
                        for (int kw = 0; kw < sz.kW; kw++, row++) {
                            for (int n = 0; n < count; n++) {
                                gather(examples, (n * sz.inDepth + ic) * sz.plane(), sz, g, kh, kw, run,
                                        n * positions);
                            }
                            cb.put(row * sz.wide() + first * positions, run, 0, count * positions);
                        }
                    }
                }
            }
        });
        return columns;
    }

    /**
     * Col2im: {@code epsilonNext [batch, inDepth, H, W]} ('c' order, contiguous) gets, for every input value, the sum
     * of the {@code columnGradient} entries that were read from it.
     */
    static void scatter(INDArray columnGradient, Geometry g, INDArray epsilonNext) {
        Sizes sz = Sizes.of(epsilonNext, g);
        FloatBuffer cb = Arrays4j.values(columnGradient);
        FloatBuffer eb = Arrays4j.values(epsilonNext);
        int positions = g.positions();
        Slices.run(sz.batch, MIN_EXAMPLES, (from, to) -> {
            int chunk = sz.chunk();
            float[] examples = new float[chunk * sz.example()];
            float[] run = new float[chunk * positions];
            for (int first = from; first < to; first += chunk) {
                int count = Math.min(chunk, to - first);
                Arrays.fill(examples, 0, count * sz.example(), 0f);
                for (int ic = 0, row = 0; ic < sz.inDepth; ic++) {
                    for (int kh = 0; kh < sz.kH; kh++) {
                        for (int kw = 0; kw < sz.kW; kw++, row++) {
                            cb.get(row * sz.wide() + first * positions, run, 0, count * positions);
                            for (int n = 0; n < count; n++) {
                                add(run, n * positions, sz, g, kh, kw, examples,
                                        (n * sz.inDepth + ic) * sz.plane());
                            }
                        }
                    }
                }
                eb.put(first * sz.example(), examples, 0, count * sz.example());
            }
        });
    }

    /** The values kernel tap {@code (kh, kw)} sees at each output position of the plane at {@code planeAt}. */
    private static void gather(float[] examples, int planeAt, Sizes sz, Geometry g, int kh, int kw, float[] run,
            int runAt) {
        Window w = Window.of(sz.inW, g, kw);
        int rowShift = kh * g.dilation()[0] - g.padding()[0];
        int outW = g.outW();
        for (int oh = 0; oh < g.outH(); oh++) {
            int ih = oh * g.stride()[0] + rowShift;
            int at = runAt + oh * outW;
            if (ih < 0 || ih >= sz.inH) {
                Arrays.fill(run, at, at + outW, 0f);
                continue;
            }
            Arrays.fill(run, at, at + w.first, 0f);
            Arrays.fill(run, at + w.end, at + outW, 0f);
            int from = planeAt + ih * sz.inW + w.first * w.stride + w.shift;
            if (w.stride == 1) {
                System.arraycopy(examples, from, run, at + w.first, w.end - w.first);
            } else {
                for (int ow = w.first; ow < w.end; ow++, from += w.stride) {
                    run[at + ow] = examples[from];
                }
            }
        }
    }

    /** {@link #gather}'s reverse: adds each output position's value to the input value tap (kh, kw) read there. */
    private static void add(float[] run, int runAt, Sizes sz, Geometry g, int kh, int kw, float[] examples,
            int planeAt) {
        Window w = Window.of(sz.inW, g, kw);
        int rowShift = kh * g.dilation()[0] - g.padding()[0];
        int outW = g.outW();
        for (int oh = 0; oh < g.outH(); oh++) {
            int ih = oh * g.stride()[0] + rowShift;
            if (ih < 0 || ih >= sz.inH) {
                continue;
            }
            int at = runAt + oh * outW + w.first;
            int to = planeAt + ih * sz.inW + w.first * w.stride + w.shift;
            int count = w.end - w.first;
            if (w.stride == 1) {
                // Unit stride: a loop the JIT vectorises.
                for (int k = 0; k < count; k++) {
                    examples[to + k] += run[at + k];
                }
            } else {
                for (int k = 0; k < count; k++, to += w.stride) {
                    examples[to] += run[at + k];
                }
            }
        }
    }

    /** An NCHW array's sizes, the kernel's, and the columns' width (batch · output positions). */
    private record Sizes(int batch, int inDepth, int inH, int inW, int kH, int kW, int wide) {

        /** At most this many input values per chunk of examples: the chunk and its runs stay in the L2 cache. */
        private static final int CHUNK_VALUES = 1 << 16;

        static Sizes of(INDArray nchw, Geometry g) {
            return new Sizes((int) nchw.size(0), (int) nchw.size(1), (int) nchw.size(2), (int) nchw.size(3),
                    g.kernel()[0], g.kernel()[1], (int) nchw.size(0) * g.positions());
        }

        int plane() {
            return inH * inW;
        }

        int example() {
            return inDepth * plane();
        }

        /**
         * Examples handled together: each tap's row of the columns is then copied in runs of {@code chunk}
         * examples' positions, in memory order, instead of one example's at a time 4 to 16 KB apart.
         */
        int chunk() {
            return Math.max(1, Math.min(batch, CHUNK_VALUES / Math.max(1, example())));
        }
    }

    /** For kernel column {@code kw}: the output columns [first, end) whose input column lies inside the plane. */
    private record Window(int first, int end, int stride, int shift) {

        static Window of(int inW, Geometry g, int kw) {
            int stride = g.stride()[1];
            int shift = kw * g.dilation()[1] - g.padding()[1];
            int outW = g.outW();
            int first = shift >= 0 ? 0 : Math.min(outW, (-shift + stride - 1) / stride);
            int end = inW - 1 - shift < 0 ? first : Math.max(first, Math.min(outW, (inW - 1 - shift) / stride + 1));
            return new Window(first, end, stride, shift);
        }
    }
}
