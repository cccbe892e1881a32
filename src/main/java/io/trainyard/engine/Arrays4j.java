package io.trainyard.engine;

import io.trainyard.spec.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tensor (spec layouts, batch first, channels/features last) ↔ INDArray (DL4J's NCHW / NCW layouts). */
final class Arrays4j {

    /** NCHW's dimensions from fastest to slowest in NHWC memory. */
    private static final int[] NHWC = {1, 3, 2, 0};

    private Arrays4j() {
    }

    static INDArray features(Tensor t, Shape input) {
        INDArray a = floats(t.data(), toLong(t.shape()));
        return switch (input.kind()) {
            case FEATURES -> a.reshape('c', t.batchSize(), input.width());
            case IMAGE -> a.reshape('c', t.batchSize(), input.dims().get(0), input.dims().get(1), input.dims().get(2))
                    .permute(0, 3, 1, 2).dup('c');
            case SEQUENCE -> a.reshape('c', t.batchSize(), t.shape()[1], input.width()).permute(0, 2, 1).dup('c');
            case TOKENS -> a.reshape('c', t.batchSize(), 1, t.data().length / t.batchSize());
        };
    }

    /** Labels: [b, n] as is; per time step [b, T, n] → [b, n, T]. */
    static INDArray labels(Tensor t, boolean perTimeStep) {
        INDArray a = floats(t.data(), toLong(t.shape()));
        if (perTimeStep) {
            return a.reshape('c', t.shape()[0], t.shape()[1], t.data().length / t.shape()[0] / t.shape()[1])
                    .permute(0, 2, 1).dup('c');
        }
        return a.reshape('c', t.batchSize(), t.data().length / t.batchSize());
    }

    /** A sequence mask [b, T] (1 = real step) as DL4J's feature mask. */
    static INDArray mask(Tensor t) {
        return floats(t.data(), toLong(t.shape()));
    }

    /** DL4J output → Tensor: rank 3 outputs are [b, n, T] and come back as [b, T, n]. */
    static Tensor tensor(INDArray a) {
        INDArray out = a.rank() == 3 ? a.permute(0, 2, 1).dup('c') : a.dup('c');
        long[] s = out.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        return new Tensor(floats(out.castTo(DataType.FLOAT)), shape);
    }

    /**
     * A float array copied into native memory in bulk. {@code Nd4j.create(float[], …)} copies element by element,
     * which was a third of the serving batcher's time and shows in every training batch too.
     */
    static INDArray floats(float[] data, long[] shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().put(data);
        return a;
    }

    /** The elements of a float array in its own (c) order, copied out in bulk when it owns its whole buffer. */
    static float[] floats(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.data().length() != a.length()) {
            return a.dup('c').data().asFloat();
        }
        float[] out = new float[(int) a.length()];
        a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    /** An image autoencoder's flat NCHW reconstruction back to [b, h, w, c]. */
    static Tensor image(INDArray flat, Shape input) {
        INDArray nchw = flat.reshape('c', flat.size(0), input.dims().get(2), input.dims().get(0), input.dims().get(1));
        return tensor(nchw.permute(0, 2, 3, 1).dup('c'));
    }

    /**
     * The whole float buffer {@code a} lies in, for element access without a copy: a view's elements start at
     * {@code a.offset()}, not at 0. Each call gets its own position and limit.
     */
    static FloatBuffer buffer(INDArray a) {
        FloatBuffer b = a.data().asNioFloat().duplicate();
        if (b.capacity() < a.offset() + a.length()) {
            throw new IllegalStateException("array buffer holds " + b.capacity() + " values, expected "
                    + (a.offset() + a.length()));
        }
        return b;
    }

    /** An array's values, from its first (offset) to its last element in memory, indexed from 0. */
    static FloatBuffer values(INDArray a) {
        return buffer(a).slice((int) a.offset(), (int) a.length());
    }

    /** Whether the elements lie in 'c' order without gaps (a dimension of size 1 may carry any stride). */
    static boolean denseRowMajor(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /**
     * Whether a rank-4 float array's elements lie channels-last without gaps: an NCHW array over NHWC memory, as
     * {@link #channelsLast(LayerWorkspaceMgr, ArrayType, long, long, long, long)} makes them (a dimension of size 1
     * may carry any stride).
     */
    static boolean channelsLast(INDArray a) {
        if (a.rank() != 4 || a.dataType() != DataType.FLOAT) {
            return false;
        }
        long expected = 1;
        for (int d : NHWC) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /**
     * A new {@code [n, c, h, w]} float array whose memory is laid out {@code [n, h, w, c]}: what oneDNN's convolutions
     * and poolings read and write on AVX-512 ({@code acdb}), so that no reorder is needed between them.
     */
    static INDArray channelsLast(LayerWorkspaceMgr workspaceMgr, ArrayType type, long n, long c, long h, long w) {
        return workspaceMgr.createUninitialized(type, DataType.FLOAT, new long[] {n, h, w, c}, 'c')
                .permute(0, 3, 1, 2);
    }

    /**
     * Whether {@code a} and {@code b} have one shape and one dense float layout ('c' order or channels-last), so that
     * element i of one's memory is element i of the other's: what element-wise loops over their buffers need.
     */
    static boolean alike(INDArray a, INDArray b) {
        if (a.dataType() != DataType.FLOAT || b.dataType() != DataType.FLOAT
                || !java.util.Arrays.equals(a.shape(), b.shape())) {
            return false;
        }
        return denseRowMajor(a) && denseRowMajor(b) || channelsLast(a) && channelsLast(b);
    }

    /**
     * {@code a} itself where it is {@link #alike} {@code like}, else a copy of it in {@code like}'s layout (a new
     * array of {@code type}): so that an array coming back from another layer's backward pass matches the one this
     * layer's forward pass made.
     */
    static INDArray like(INDArray like, INDArray a, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        return alike(like, a) ? a : empty(like, workspaceMgr, type).assign(a);
    }

    /** {@code a} where it lies channels-last, else a copy of it that does (a new array of {@code type}). */
    static INDArray toChannelsLast(INDArray a, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        return channelsLast(a) ? a
                : channelsLast(workspaceMgr, type, a.size(0), a.size(1), a.size(2), a.size(3)).assign(a);
    }

    /** A new float array of {@code type} with {@code like}'s shape, channels-last where {@code like} is, else 'c'. */
    static INDArray empty(INDArray like, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        return channelsLast(like) && !denseRowMajor(like)
                ? channelsLast(workspaceMgr, type, like.size(0), like.size(1), like.size(2), like.size(3))
                : workspaceMgr.createUninitialized(type, DataType.FLOAT, like.shape(), 'c');
    }

    /**
     * A 1-D view of an array's memory, element for element as it lies, where its elements are exactly the first
     * {@code length()} of its buffer (dense, row-major or channels-last, at offset 0); else null.
     */
    static INDArray flatOrNull(INDArray a) {
        if (a.offset() != 0 || !(denseRowMajor(a) || channelsLast(a))) {
            return null;
        }
        return Nd4j.create(a.data(), new long[] {a.length()}, new long[] {1}, 0, 'c', a.dataType());
    }

    private static long[] toLong(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }
}
