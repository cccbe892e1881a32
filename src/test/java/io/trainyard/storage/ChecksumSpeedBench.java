package io.trainyard.storage;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/**
 * CPU per checkpoint-sized input (22.4 MB, the MLP's, in 1 MB pieces) of the checksums a checkpoint can get:
 * SHA-256, BLAKE3 with the vector lanes, BLAKE3 one compression at a time. Median of 20 rounds after 10.
 * A benchmark, not a test: {@code java -cp "target/test-classes:target/classes" --add-modules jdk.incubator.vector
 * io.trainyard.storage.ChecksumSpeedBench} (bench/experiments/checkpoint-digest/blake3.sh).
 */
public final class ChecksumSpeedBench {

    private static final int SIZE = 22_400_000;
    private static final int PIECE = 1 << 20;

    private ChecksumSpeedBench() {
    }

    public static void main(String[] args) {
        byte[] data = new byte[SIZE];
        new Random(1).nextBytes(data);
        System.out.println("BLAKE3 lanes: " + Blake3Kernel.describe());
        measure("SHA-256", Sha256::new, data);
        if (Blake3Kernel.available()) {
            measure("BLAKE3, 16 lanes", Blake3::new, data);
        }
        measure("BLAKE3, one compression at a time", () -> new Blake3(null), data);
    }

    private static void measure(String name, Supplier<Hasher> hasher, byte[] data) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] ms = new double[30];
        for (int round = 0; round < ms.length; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            Hasher h = hasher.get();
            for (int off = 0; off < data.length; off += PIECE) {
                h.update(data, off, Math.min(PIECE, data.length - off));
            }
            h.digest();
            ms[round] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        double[] measured = Arrays.copyOfRange(ms, 10, ms.length);
        Arrays.sort(measured);
        System.out.printf("%-36s median %6.1f ms CPU per 22.4 MB (%.2f GB/s), min %.1f, max %.1f%n", name,
                measured[measured.length / 2], SIZE / measured[measured.length / 2] / 1e6, measured[0],
                measured[measured.length - 1]);
    }
}
