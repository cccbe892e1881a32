package io.trainyard.engine;

import io.trainyard.spec.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tensor (spec layouts, batch first, channels/features last) ↔ INDArray (DL4J's NCHW / NCW layouts). */
final class Arrays4j {

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

    private static long[] toLong(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }
}
