package io.trainyard.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer's ReLU in training: {@code out = max(z, 0)} written to its own array while {@code z} stays as it is
 * for the backward pass. DL4J copies the pre-activation (one pass), then applies libnd4j's ReLU in place (another),
 * each a separate native call; here it is one Java pass split across the cores. {@code Math.max} differs from
 * libnd4j's {@code z < 0 ? 0 : z} only for {@code -0.0}, which becomes {@code 0.0}: the same value downstream.
 */
final class ReluForward {

    /** Values per slice worth a second core. */
    private static final int MIN_SLICE = 1 << 15;
    private static final int CHUNK = 4096;

    private ReluForward() {
    }

    /** Whether {@code z} is a float array laid out as one run of memory. */
    static boolean applies(INDArray z) {
        return z.dataType() == DataType.FLOAT && z.ordering() == 'c' && z.elementWiseStride() == 1
                && z.length() < Integer.MAX_VALUE;
    }

    /** Fills {@code out} (same shape, 'c' order) with {@code max(z, 0)} and returns it. */
    static INDArray apply(INDArray z, INDArray out) {
        FloatBuffer zb = Arrays4j.values(z);
        FloatBuffer ob = Arrays4j.values(out);
        Slices.run((int) z.length(), MIN_SLICE, (from, to) -> {
            float[] chunk = new float[CHUNK];
            for (int start = from; start < to; start += CHUNK) {
                int len = Math.min(CHUNK, to - start);
                zb.get(start, chunk, 0, len);
                for (int i = 0; i < len; i++) {
                    chunk[i] = Math.max(chunk[i], 0f);
                }
                ob.put(start, chunk, 0, len);
            }
        });
        return out;
    }
}
