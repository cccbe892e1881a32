package io.trainyard.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * BLAKE3's hash (32 bytes), streamed. Where the JVM runs the Vector API with 16 int lanes, whole chunks go 16 at a
 * time through {@link Lanes} ({@code Blake3Lanes}, Java 25 classes in the same package) and each 256-chunk
 * subtree's parents are reduced the same way; otherwise, and for the last chunks, one compression at a time here.
 * Checked against the BLAKE3 team's test vectors and b3sum ({@code Blake3Test}).
 *
 * <p>Why not SHA-256 everywhere: checkpoints are hashed every epoch by a writer that shares the cores with training,
 * and with the lanes this runs more than twice as fast as the JDK's SHA-256 on AVX-512 (docs/performance.md, "Zen 5
 * in a PVM guest (fourth): BLAKE3 for checkpoints").
 */
final class Blake3 implements Hasher {

    static final int[] IV = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB,
            0x5BE0CD19};
    static final int CHUNK_START = 1;
    static final int CHUNK_END = 2;
    static final int PARENT = 4;
    private static final int ROOT = 8;
    static final int BLOCK = 64;
    static final int CHUNK = 1024;
    /** Chunks per pass of {@link Lanes}, and per subtree it reduces at once (16 passes). */
    static final int LANES = 16;
    static final int WIDE = LANES * LANES;
    private static final int GROUP = CHUNK * LANES;
    private static final int SUBTREE = CHUNK * WIDE;

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Whole chunks in the lanes of a vector; one instance per hasher (it keeps scratch arrays). */
    interface Lanes {

        /**
         * The chaining values of the {@link #LANES} whole chunks at {@code data[off..]}, chunk counters
         * {@code counter, counter + 1, ...}, into {@code cvs[word * WIDE + column + lane]}.
         */
        void chunks(byte[] data, int off, long counter, int[] cvs, int column);

        /** Reduces the {@code n} (a power of two) chaining values in columns 0..n-1 of {@code cvs} to column 0. */
        void reduce(int[] cvs, int n);
    }

    private final Lanes lanes;
    private final int[][] stack = new int[54][];
    private int stackLen;
    /** Chunks already taken into the tree ({@link #push}). */
    private long chunks;
    private final byte[] buffer = new byte[SUBTREE];
    private int buffered;
    private final int[] cvs = new int[8 * WIDE];
    private final int[] block = new int[16];

    /** With the vector lanes where this JVM has them ({@link Blake3Kernel}). */
    Blake3() {
        this(Blake3Kernel.lanes());
    }

    /** {@code lanes} null: one compression at a time. */
    Blake3(Lanes lanes) {
        this.lanes = lanes;
    }

    @Override
    public void update(byte[] data, int off, int len) {
        while (len > 0) {
            // A subtree is hashed only once input follows it: the last chunk is compressed differently (ROOT).
            if (buffered == 0 && len > SUBTREE) {
                subtree(data, off);
                off += SUBTREE;
                len -= SUBTREE;
            } else if (buffered == SUBTREE) {
                subtree(buffer, 0);
                buffered = 0;
            } else {
                int n = Math.min(len, SUBTREE - buffered);
                System.arraycopy(data, off, buffer, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }
    }

    @Override
    public byte[] digest() {
        int off = 0;
        if (lanes != null) {
            for (; buffered - off > GROUP; off += GROUP) {
                lanes.chunks(buffer, off, chunks, cvs, 0);
                lanes.reduce(cvs, LANES);
                push(column0(), 4);
            }
        }
        for (; buffered - off > CHUNK; off += CHUNK) {
            push(chunk(buffer, off, CHUNK, chunks, 0), 0);
        }
        int[] root;
        if (stackLen == 0) {
            root = chunk(buffer, off, buffered - off, chunks, ROOT);
        } else {
            int[] cv = chunk(buffer, off, buffered - off, chunks, 0);
            while (stackLen > 1) {
                cv = parent(stack[--stackLen], cv, 0);
            }
            root = parent(stack[--stackLen], cv, ROOT);
        }
        byte[] hash = new byte[32];
        for (int i = 0; i < 8; i++) {
            WORDS.set(hash, 4 * i, root[i]);
        }
        return hash;
    }

    @Override
    public String algorithm() {
        return "BLAKE3";
    }

    static String hex(byte[] data) {
        Blake3 hasher = new Blake3();
        hasher.update(data, 0, data.length);
        return HexFormat.of().formatHex(hasher.digest());
    }

    private void subtree(byte[] data, int off) {
        if (lanes == null) {
            for (int c = 0; c < WIDE; c++) {
                push(chunk(data, off + c * CHUNK, CHUNK, chunks, 0), 0);
            }
            return;
        }
        for (int g = 0; g < LANES; g++) {
            lanes.chunks(data, off + g * GROUP, chunks + g * LANES, cvs, g * LANES);
        }
        lanes.reduce(cvs, WIDE);
        push(column0(), 8);
    }

    private int[] column0() {
        int[] cv = new int[8];
        for (int w = 0; w < 8; w++) {
            cv[w] = cvs[w * WIDE];
        }
        return cv;
    }

    /** Takes in the chaining value of the next aligned subtree of 2^level chunks, merging completed pairs. */
    private void push(int[] cv, int level) {
        chunks += 1L << level;
        for (long total = chunks >>> level; (total & 1) == 0; total >>>= 1) {
            cv = parent(stack[--stackLen], cv, 0);
        }
        stack[stackLen++] = cv;
    }

    private int[] parent(int[] left, int[] right, int flags) {
        System.arraycopy(left, 0, block, 0, 8);
        System.arraycopy(right, 0, block, 8, 8);
        int[] out = new int[8];
        compress(IV, block, 0, BLOCK, PARENT | flags, out);
        return out;
    }

    /** A chunk's chaining value ({@code len} at most 1024, 0 only for empty input); {@code last} flags its end. */
    private int[] chunk(byte[] data, int off, int len, long counter, int last) {
        int[] cv = IV;
        int blocks = Math.max(1, (len + BLOCK - 1) / BLOCK);
        for (int b = 0; b < blocks; b++) {
            int at = off + b * BLOCK;
            int blockLen = Math.min(BLOCK, len - b * BLOCK);
            if (blockLen == BLOCK) {
                for (int w = 0; w < 16; w++) {
                    block[w] = (int) WORDS.get(data, at + 4 * w);
                }
            } else {
                Arrays.fill(block, 0);
                for (int i = 0; i < blockLen; i++) {
                    block[i >>> 2] |= (data[at + i] & 0xff) << (8 * (i & 3));
                }
            }
            int flags = (b == 0 ? CHUNK_START : 0) | (b == blocks - 1 ? CHUNK_END | last : 0);
            int[] out = new int[8];
            compress(cv, block, counter, blockLen, flags, out);
            cv = out;
        }
        return cv;
    }

    /** BLAKE3's compression function, the first 8 words of its output (all a hash needs). */
    static void compress(int[] cv, int[] m, long counter, int blockLen, int flags, int[] out) {
        int v0 = cv[0], v1 = cv[1], v2 = cv[2], v3 = cv[3], v4 = cv[4], v5 = cv[5], v6 = cv[6], v7 = cv[7];
        int v8 = IV[0], v9 = IV[1], v10 = IV[2], v11 = IV[3];
        int v12 = (int) counter, v13 = (int) (counter >>> 32), v14 = blockLen, v15 = flags;
        int m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5], m6 = m[6], m7 = m[7];
        int m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11], m12 = m[12], m13 = m[13], m14 = m[14], m15 = m[15];
        for (int round = 0; round < 7; round++) {
            // Columns, then diagonals: G(a, b, c, d, x, y) eight times.
            v0 += v4 + m0; v12 = ror(v12 ^ v0, 16); v8 += v12; v4 = ror(v4 ^ v8, 12);
            v0 += v4 + m1; v12 = ror(v12 ^ v0, 8); v8 += v12; v4 = ror(v4 ^ v8, 7);
            v1 += v5 + m2; v13 = ror(v13 ^ v1, 16); v9 += v13; v5 = ror(v5 ^ v9, 12);
            v1 += v5 + m3; v13 = ror(v13 ^ v1, 8); v9 += v13; v5 = ror(v5 ^ v9, 7);
            v2 += v6 + m4; v14 = ror(v14 ^ v2, 16); v10 += v14; v6 = ror(v6 ^ v10, 12);
            v2 += v6 + m5; v14 = ror(v14 ^ v2, 8); v10 += v14; v6 = ror(v6 ^ v10, 7);
            v3 += v7 + m6; v15 = ror(v15 ^ v3, 16); v11 += v15; v7 = ror(v7 ^ v11, 12);
            v3 += v7 + m7; v15 = ror(v15 ^ v3, 8); v11 += v15; v7 = ror(v7 ^ v11, 7);
            v0 += v5 + m8; v15 = ror(v15 ^ v0, 16); v10 += v15; v5 = ror(v5 ^ v10, 12);
            v0 += v5 + m9; v15 = ror(v15 ^ v0, 8); v10 += v15; v5 = ror(v5 ^ v10, 7);
            v1 += v6 + m10; v12 = ror(v12 ^ v1, 16); v11 += v12; v6 = ror(v6 ^ v11, 12);
            v1 += v6 + m11; v12 = ror(v12 ^ v1, 8); v11 += v12; v6 = ror(v6 ^ v11, 7);
            v2 += v7 + m12; v13 = ror(v13 ^ v2, 16); v8 += v13; v7 = ror(v7 ^ v8, 12);
            v2 += v7 + m13; v13 = ror(v13 ^ v2, 8); v8 += v13; v7 = ror(v7 ^ v8, 7);
            v3 += v4 + m14; v14 = ror(v14 ^ v3, 16); v9 += v14; v4 = ror(v4 ^ v9, 12);
            v3 += v4 + m15; v14 = ror(v14 ^ v3, 8); v9 += v14; v4 = ror(v4 ^ v9, 7);
            // The message permutation 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8.
            int t0 = m2, t1 = m6, t2 = m3, t3 = m10, t4 = m7, t5 = m0, t6 = m4, t7 = m13;
            int t8 = m1, t9 = m11, t10 = m12, t11 = m5, t12 = m9, t13 = m14, t14 = m15, t15 = m8;
            m0 = t0; m1 = t1; m2 = t2; m3 = t3; m4 = t4; m5 = t5; m6 = t6; m7 = t7;
            m8 = t8; m9 = t9; m10 = t10; m11 = t11; m12 = t12; m13 = t13; m14 = t14; m15 = t15;
        }
        out[0] = v0 ^ v8; out[1] = v1 ^ v9; out[2] = v2 ^ v10; out[3] = v3 ^ v11;
        out[4] = v4 ^ v12; out[5] = v5 ^ v13; out[6] = v6 ^ v14; out[7] = v7 ^ v15;
    }

    private static int ror(int x, int n) {
        return Integer.rotateRight(x, n);
    }
}
