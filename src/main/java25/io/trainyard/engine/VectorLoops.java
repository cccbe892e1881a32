package io.trainyard.engine;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseLoops} through Java 25's incubating Vector API, straight on the native memory: no heap copies.
 * Every lane computes what {@link ChunkedLoops} computes for its element, operation for operation (no fused
 * multiply-add), so the floats are the same bit for bit. Compiled only on a JDK 25 or later (pom.xml's profile
 * java-25-plus) and loaded by {@link Loops} only where the module is present.
 */
final class VectorLoops implements ElementwiseLoops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** For what does not fill a vector. */
    private static final ChunkedLoops TAILS = new ChunkedLoops();

    @Override
    public void adam(FloatBuffer gradient, FloatBuffer mBuffer, FloatBuffer vBuffer, FloatBuffer params, int from,
            int to, AdamStep s) {
        MemorySegment g = MemorySegment.ofBuffer(gradient);
        MemorySegment m = MemorySegment.ofBuffer(mBuffer);
        MemorySegment v = MemorySegment.ofBuffer(vBuffer);
        MemorySegment p = params == null ? null : MemorySegment.ofBuffer(params);
        float batch = s.batch();
        float beta1 = s.beta1();
        float beta2 = s.beta2();
        float keep1 = s.keep1();
        float keep2 = s.keep2();
        float stepSize = s.stepSize();
        float epsilon = s.epsilon();
        int i = from;
        for (int end = to - LANES; i <= end; i += LANES) {
            long at = (long) i * Float.BYTES;
            FloatVector grad = FloatVector.fromMemorySegment(SPECIES, g, at, ORDER).div(batch);
            FloatVector mi = FloatVector.fromMemorySegment(SPECIES, m, at, ORDER).mul(beta1).add(grad.mul(keep1));
            FloatVector vi = FloatVector.fromMemorySegment(SPECIES, v, at, ORDER).mul(beta2)
                    .add(grad.mul(grad).mul(keep2));
            mi.intoMemorySegment(m, at, ORDER);
            vi.intoMemorySegment(v, at, ORDER);
            FloatVector update = mi.mul(stepSize).div(vi.sqrt().add(epsilon));
            if (p == null) {
                update.intoMemorySegment(g, at, ORDER);
            } else {
                FloatVector.fromMemorySegment(SPECIES, p, at, ORDER).sub(update).intoMemorySegment(p, at, ORDER);
            }
        }
        if (i < to) {
            TAILS.adam(gradient, mBuffer, vBuffer, params, i, to, s);
        }
    }

    @Override
    public void reluBackwardRows(FloatBuffer zBuffer, FloatBuffer epsilonBuffer, int units, int from, int to,
            float[] sums) {
        if (units < LANES) {
            TAILS.reluBackwardRows(zBuffer, epsilonBuffer, units, from, to, sums);
            return;
        }
        MemorySegment z = MemorySegment.ofBuffer(zBuffer);
        MemorySegment epsilon = MemorySegment.ofBuffer(epsilonBuffer);
        int whole = SPECIES.loopBound(units);
        for (int row = from; row < to; row++) {
            long rowAt = (long) row * units * Float.BYTES;
            for (int j = 0; j < whole; j += LANES) {
                long at = rowAt + (long) j * Float.BYTES;
                FloatVector d = gradient(FloatVector.fromMemorySegment(SPECIES, z, at, ORDER),
                        FloatVector.fromMemorySegment(SPECIES, epsilon, at, ORDER));
                d.intoMemorySegment(z, at, ORDER);
                FloatVector.fromArray(SPECIES, sums, j).add(d).intoArray(sums, j);
            }
            for (int j = whole; j < units; j++) {
                int k = row * units + j;
                float d = ReluBackward.gradient(zBuffer.get(k), epsilonBuffer.get(k));
                zBuffer.put(k, d);
                sums[j] += d;
            }
        }
    }

    @Override
    public void reluBackward(FloatBuffer zBuffer, FloatBuffer epsilonBuffer, int from, int to) {
        MemorySegment z = MemorySegment.ofBuffer(zBuffer);
        MemorySegment epsilon = MemorySegment.ofBuffer(epsilonBuffer);
        int i = from;
        for (int end = to - LANES; i <= end; i += LANES) {
            long at = (long) i * Float.BYTES;
            gradient(FloatVector.fromMemorySegment(SPECIES, z, at, ORDER),
                    FloatVector.fromMemorySegment(SPECIES, epsilon, at, ORDER)).intoMemorySegment(z, at, ORDER);
        }
        if (i < to) {
            TAILS.reluBackward(zBuffer, epsilonBuffer, i, to);
        }
    }

    @Override
    public void reluKeepingInput(FloatBuffer zBuffer, FloatBuffer copyBuffer, int from, int to) {
        MemorySegment z = MemorySegment.ofBuffer(zBuffer);
        MemorySegment copy = MemorySegment.ofBuffer(copyBuffer);
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = from;
        for (int end = to - LANES; i <= end; i += LANES) {
            long at = (long) i * Float.BYTES;
            FloatVector x = FloatVector.fromMemorySegment(SPECIES, z, at, ORDER);
            x.intoMemorySegment(copy, at, ORDER);
            x.blend(zero, x.compare(VectorOperators.LT, 0f)).intoMemorySegment(z, at, ORDER);
        }
        if (i < to) {
            TAILS.reluKeepingInput(zBuffer, copyBuffer, i, to);
        }
    }

    /** {@code epsilon} where {@code z > 0} (NaN is not), +0 elsewhere: {@link ReluBackward#gradient}'s floats. */
    private static FloatVector gradient(FloatVector z, FloatVector epsilon) {
        VectorMask<Float> positive = z.compare(VectorOperators.GT, 0f);
        return FloatVector.zero(SPECIES).blend(epsilon, positive);
    }
}
