package io.trainyard.bench;

import io.trainyard.engine.Network;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * What each pass of a checkpoint's writer costs on its own, in CPU time (docs/performance.md, "Zen 3 (fourth)"):
 * the snapshot's CRC-32 over its arrays ({@code Snapshot.checksum}), its serialisation into nothing (the copies from
 * native memory into heap chunks), SHA-256 and CRC-32 over 22.4 MB on the heap, heap chunks copied into a direct
 * buffer (what the store's {@code O_DIRECT} stream does), native memory copied into a heap array, and SHA-256 fed
 * from a direct buffer. The MLP's snapshot; fifteen rounds, the passes taking turns; medians of the last twelve.
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.trainyard.bench.WriterPartsBench
 * </pre>
 * A benchmark, not a test.
 */
public final class WriterPartsBench {

    private static final int PIECE = 1 << 20;
    private static final int ROUNDS = 15;
    private static final int WARM_UP = 3;

    @FunctionalInterface
    private interface Pass {
        void run() throws Exception;
    }

    private WriterPartsBench() {
    }

    public static void main(String[] args) throws Exception {
        Network network = BenchMain.network(Path.of(args.length > 0 ? args[0] : "bench/specs"), BenchNets.MLP, 1);
        network.fitBatch(BenchMain.mlpBatch()); // Adam's moments exist, as at any checkpoint: 22.4 MB
        int n = 22_400_000;
        byte[] heap = new byte[n];
        new Random(1).nextBytes(heap);
        ByteBuffer nativeBytes = ByteBuffer.allocateDirect(n).put(heap).clear();
        ByteBuffer direct = ByteBuffer.allocateDirect(PIECE);
        byte[] chunk = new byte[PIECE];
        try (Network.Snapshot snapshot = network.snapshot()) {
            Map<String, Pass> passes = new LinkedHashMap<>();
            passes.put("Snapshot.checksum", snapshot::checksum);
            passes.put("Snapshot.save into nothing", () -> snapshot.save(OutputStream.nullOutputStream()));
            passes.put("SHA-256, heap, 1 MB pieces", () -> sha256(heap, n));
            passes.put("CRC-32, heap", () -> new CRC32().update(heap, 0, n));
            passes.put("heap into a direct buffer", () -> {
                for (int i = 0; i < n; i += PIECE) {
                    direct.clear().put(heap, i, Math.min(PIECE, n - i));
                }
            });
            passes.put("native into heap", () -> {
                nativeBytes.clear();
                while (nativeBytes.hasRemaining()) {
                    nativeBytes.get(chunk, 0, Math.min(PIECE, nativeBytes.remaining()));
                }
            });
            passes.put("SHA-256, direct buffer", () -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (int i = 0; i < n; i += PIECE) {
                    sha.update(nativeBytes.clear().position(i).limit(Math.min(n, i + PIECE)));
                }
                sha.digest();
            });
            print(passes);
        }
    }

    private static void sha256(byte[] bytes, int n) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < n; i += PIECE) {
            sha.update(bytes, i, Math.min(PIECE, n - i));
        }
        sha.digest();
    }

    private static void print(Map<String, Pass> passes) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] ms = new double[passes.size()][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            int p = 0;
            for (Pass pass : passes.values()) {
                long c0 = threads.getCurrentThreadCpuTime();
                pass.run();
                ms[p++][round] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        int p = 0;
        for (String name : passes.keySet()) {
            double[] s = Arrays.copyOfRange(ms[p++], WARM_UP, ROUNDS);
            Arrays.sort(s);
            System.out.printf("%-28s median %5.2f ms of CPU (min %.2f)%n", name, s[s.length / 2], s[0]);
        }
    }
}
