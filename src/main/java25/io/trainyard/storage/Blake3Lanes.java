package io.trainyard.storage;

import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BLAKE3's compression in the 16 lanes of AVX-512 int vectors: 16 chunks side by side, or 16 parents. Each vector
 * holds one state or message word of 16 compressions, so the rounds are the scalar rounds with vector operations.
 * Java 25 source (src/main/java25), loaded by {@link Blake3Kernel} only where it applies.
 */
final class Blake3Lanes implements Blake3.Lanes {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
    private static final int WIDE = Blake3.WIDE;
    /** Interleaves of two vectors' lower and upper halves, and their even and odd lanes (two-vector selects). */
    private static final IntVector LOW = indexes(k -> k % 2 == 0 ? k / 2 : 16 + k / 2);
    private static final IntVector HIGH = indexes(k -> k % 2 == 0 ? 8 + k / 2 : 24 + k / 2);
    private static final IntVector EVEN = indexes(k -> 2 * k);
    private static final IntVector ODD = indexes(k -> 2 * k + 1);

    /** Message words of 16 compressions: word j of lane i at {@code j * 16 + i}. */
    private final int[] message = new int[256];
    private final int[] parents = new int[128];
    private final int[] low = new int[16];
    private final int[] high = new int[16];

    Blake3Lanes() {
        if (IntVector.SPECIES_PREFERRED.length() < Blake3.LANES) {
            throw new UnsupportedOperationException("the CPU's int vectors have "
                    + IntVector.SPECIES_PREFERRED.length() + " lanes, not 16 (AVX-512)");
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("a big-endian CPU");
        }
    }

    @Override
    public void chunks(byte[] data, int off, long counter, int[] cvs, int column) {
        for (int lane = 0; lane < 16; lane++) {
            low[lane] = (int) (counter + lane);
            high[lane] = (int) ((counter + lane) >>> 32);
        }
        IntVector counterLow = IntVector.fromArray(INTS, low, 0);
        IntVector counterHigh = IntVector.fromArray(INTS, high, 0);
        for (int w = 0; w < 8; w++) {
            IntVector.broadcast(INTS, Blake3.IV[w]).intoArray(cvs, column + w * WIDE);
        }
        for (int b = 0; b < 16; b++) {
            transpose(data, off + b * Blake3.BLOCK);
            int flags = (b == 0 ? Blake3.CHUNK_START : 0) | (b == 15 ? Blake3.CHUNK_END : 0);
            compress(cvs, column, WIDE, counterLow, counterHigh, Blake3.BLOCK, flags);
        }
    }

    @Override
    public void reduce(int[] cvs, int n) {
        IntVector zero = IntVector.zero(INTS);
        for (; n > 1; n >>= 1) {
            // Fewer than 16 parents at the top levels: the spare lanes hash stale columns and are never read.
            for (int first = 0; first < n / 2; first += 16) {
                for (int w = 0; w < 8; w++) {
                    IntVector left = IntVector.fromArray(INTS, cvs, w * WIDE + 2 * first);
                    IntVector right = IntVector.fromArray(INTS, cvs, w * WIDE + 2 * first + 16);
                    EVEN.selectFrom(left, right).intoArray(message, w * 16);
                    ODD.selectFrom(left, right).intoArray(message, (8 + w) * 16);
                    IntVector.broadcast(INTS, Blake3.IV[w]).intoArray(parents, w * 16);
                }
                compress(parents, 0, 16, zero, zero, Blake3.BLOCK, Blake3.PARENT);
                for (int w = 0; w < 8; w++) {
                    IntVector.fromArray(INTS, parents, w * 16).intoArray(cvs, w * WIDE + first);
                }
            }
        }
    }

    /**
     * Block {@code b} of 16 consecutive chunks into {@link #message}, transposed: four rounds of interleaving
     * vector i with vector i + 8 turn 16 rows of 16 words into 16 columns.
     */
    private void transpose(byte[] data, int off) {
        IntVector a0 = load(data, off), a1 = load(data, off + 1024), a2 = load(data, off + 2048);
        IntVector a3 = load(data, off + 3072), a4 = load(data, off + 4096), a5 = load(data, off + 5120);
        IntVector a6 = load(data, off + 6144), a7 = load(data, off + 7168), a8 = load(data, off + 8192);
        IntVector a9 = load(data, off + 9216), a10 = load(data, off + 10240), a11 = load(data, off + 11264);
        IntVector a12 = load(data, off + 12288), a13 = load(data, off + 13312), a14 = load(data, off + 14336);
        IntVector a15 = load(data, off + 15360);
        for (int stage = 0; stage < 4; stage++) {
            IntVector b0 = LOW.selectFrom(a0, a8), b1 = HIGH.selectFrom(a0, a8);
            IntVector b2 = LOW.selectFrom(a1, a9), b3 = HIGH.selectFrom(a1, a9);
            IntVector b4 = LOW.selectFrom(a2, a10), b5 = HIGH.selectFrom(a2, a10);
            IntVector b6 = LOW.selectFrom(a3, a11), b7 = HIGH.selectFrom(a3, a11);
            IntVector b8 = LOW.selectFrom(a4, a12), b9 = HIGH.selectFrom(a4, a12);
            IntVector b10 = LOW.selectFrom(a5, a13), b11 = HIGH.selectFrom(a5, a13);
            IntVector b12 = LOW.selectFrom(a6, a14), b13 = HIGH.selectFrom(a6, a14);
            IntVector b14 = LOW.selectFrom(a7, a15), b15 = HIGH.selectFrom(a7, a15);
            a0 = b0; a1 = b1; a2 = b2; a3 = b3; a4 = b4; a5 = b5; a6 = b6; a7 = b7;
            a8 = b8; a9 = b9; a10 = b10; a11 = b11; a12 = b12; a13 = b13; a14 = b14; a15 = b15;
        }
        a0.intoArray(message, 0); a1.intoArray(message, 16); a2.intoArray(message, 32); a3.intoArray(message, 48);
        a4.intoArray(message, 64); a5.intoArray(message, 80); a6.intoArray(message, 96); a7.intoArray(message, 112);
        a8.intoArray(message, 128); a9.intoArray(message, 144); a10.intoArray(message, 160);
        a11.intoArray(message, 176); a12.intoArray(message, 192); a13.intoArray(message, 208);
        a14.intoArray(message, 224); a15.intoArray(message, 240);
    }

    /** 16 little-endian words. (IntVector.fromMemorySegment over a heap array ran ten times slower on Java 25.) */
    private static IntVector load(byte[] data, int off) {
        return ByteVector.fromArray(ByteVector.SPECIES_512, data, off).reinterpretAsInts();
    }

    /**
     * 16 compressions of {@link #message}: chaining values in rows {@code cvs[off + w * stride ..]}, replaced by
     * the results.
     */
    private void compress(int[] cvs, int off, int stride, IntVector v12, IntVector v13, int blockLen, int flags) {
        IntVector v0 = IntVector.fromArray(INTS, cvs, off), v1 = IntVector.fromArray(INTS, cvs, off + stride);
        IntVector v2 = IntVector.fromArray(INTS, cvs, off + 2 * stride);
        IntVector v3 = IntVector.fromArray(INTS, cvs, off + 3 * stride);
        IntVector v4 = IntVector.fromArray(INTS, cvs, off + 4 * stride);
        IntVector v5 = IntVector.fromArray(INTS, cvs, off + 5 * stride);
        IntVector v6 = IntVector.fromArray(INTS, cvs, off + 6 * stride);
        IntVector v7 = IntVector.fromArray(INTS, cvs, off + 7 * stride);
        IntVector v8 = IntVector.broadcast(INTS, Blake3.IV[0]), v9 = IntVector.broadcast(INTS, Blake3.IV[1]);
        IntVector v10 = IntVector.broadcast(INTS, Blake3.IV[2]), v11 = IntVector.broadcast(INTS, Blake3.IV[3]);
        IntVector v14 = IntVector.broadcast(INTS, blockLen), v15 = IntVector.broadcast(INTS, flags);
        int[] m = message;
        IntVector m0 = IntVector.fromArray(INTS, m, 0), m1 = IntVector.fromArray(INTS, m, 16);
        IntVector m2 = IntVector.fromArray(INTS, m, 32), m3 = IntVector.fromArray(INTS, m, 48);
        IntVector m4 = IntVector.fromArray(INTS, m, 64), m5 = IntVector.fromArray(INTS, m, 80);
        IntVector m6 = IntVector.fromArray(INTS, m, 96), m7 = IntVector.fromArray(INTS, m, 112);
        IntVector m8 = IntVector.fromArray(INTS, m, 128), m9 = IntVector.fromArray(INTS, m, 144);
        IntVector m10 = IntVector.fromArray(INTS, m, 160), m11 = IntVector.fromArray(INTS, m, 176);
        IntVector m12 = IntVector.fromArray(INTS, m, 192), m13 = IntVector.fromArray(INTS, m, 208);
        IntVector m14 = IntVector.fromArray(INTS, m, 224), m15 = IntVector.fromArray(INTS, m, 240);
        for (int round = 0; round < 7; round++) {
            // Columns, then diagonals: G(a, b, c, d, x, y) eight times.
            v0 = v0.add(v4).add(m0); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 16);
            v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 12);
            v0 = v0.add(v4).add(m1); v12 = v12.lanewise(XOR, v0).lanewise(ROR, 8);
            v8 = v8.add(v12); v4 = v4.lanewise(XOR, v8).lanewise(ROR, 7);
            v1 = v1.add(v5).add(m2); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 16);
            v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 12);
            v1 = v1.add(v5).add(m3); v13 = v13.lanewise(XOR, v1).lanewise(ROR, 8);
            v9 = v9.add(v13); v5 = v5.lanewise(XOR, v9).lanewise(ROR, 7);
            v2 = v2.add(v6).add(m4); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 16);
            v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 12);
            v2 = v2.add(v6).add(m5); v14 = v14.lanewise(XOR, v2).lanewise(ROR, 8);
            v10 = v10.add(v14); v6 = v6.lanewise(XOR, v10).lanewise(ROR, 7);
            v3 = v3.add(v7).add(m6); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 16);
            v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 12);
            v3 = v3.add(v7).add(m7); v15 = v15.lanewise(XOR, v3).lanewise(ROR, 8);
            v11 = v11.add(v15); v7 = v7.lanewise(XOR, v11).lanewise(ROR, 7);
            v0 = v0.add(v5).add(m8); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 16);
            v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 12);
            v0 = v0.add(v5).add(m9); v15 = v15.lanewise(XOR, v0).lanewise(ROR, 8);
            v10 = v10.add(v15); v5 = v5.lanewise(XOR, v10).lanewise(ROR, 7);
            v1 = v1.add(v6).add(m10); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 16);
            v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 12);
            v1 = v1.add(v6).add(m11); v12 = v12.lanewise(XOR, v1).lanewise(ROR, 8);
            v11 = v11.add(v12); v6 = v6.lanewise(XOR, v11).lanewise(ROR, 7);
            v2 = v2.add(v7).add(m12); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 16);
            v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 12);
            v2 = v2.add(v7).add(m13); v13 = v13.lanewise(XOR, v2).lanewise(ROR, 8);
            v8 = v8.add(v13); v7 = v7.lanewise(XOR, v8).lanewise(ROR, 7);
            v3 = v3.add(v4).add(m14); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 16);
            v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 12);
            v3 = v3.add(v4).add(m15); v14 = v14.lanewise(XOR, v3).lanewise(ROR, 8);
            v9 = v9.add(v14); v4 = v4.lanewise(XOR, v9).lanewise(ROR, 7);
            // The message permutation 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8.
            IntVector t0 = m2, t1 = m6, t2 = m3, t3 = m10, t4 = m7, t5 = m0, t6 = m4, t7 = m13;
            IntVector t8 = m1, t9 = m11, t10 = m12, t11 = m5, t12 = m9, t13 = m14, t14 = m15, t15 = m8;
            m0 = t0; m1 = t1; m2 = t2; m3 = t3; m4 = t4; m5 = t5; m6 = t6; m7 = t7;
            m8 = t8; m9 = t9; m10 = t10; m11 = t11; m12 = t12; m13 = t13; m14 = t14; m15 = t15;
        }
        v0.lanewise(XOR, v8).intoArray(cvs, off);
        v1.lanewise(XOR, v9).intoArray(cvs, off + stride);
        v2.lanewise(XOR, v10).intoArray(cvs, off + 2 * stride);
        v3.lanewise(XOR, v11).intoArray(cvs, off + 3 * stride);
        v4.lanewise(XOR, v12).intoArray(cvs, off + 4 * stride);
        v5.lanewise(XOR, v13).intoArray(cvs, off + 5 * stride);
        v6.lanewise(XOR, v14).intoArray(cvs, off + 6 * stride);
        v7.lanewise(XOR, v15).intoArray(cvs, off + 7 * stride);
    }

    private static IntVector indexes(java.util.function.IntUnaryOperator lane) {
        int[] values = new int[16];
        for (int k = 0; k < 16; k++) {
            values[k] = lane.applyAsInt(k);
        }
        return IntVector.fromArray(INTS, values, 0);
    }
}
