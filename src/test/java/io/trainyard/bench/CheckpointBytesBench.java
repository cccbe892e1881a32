package io.trainyard.bench;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The figures of docs/performance.md, "The checkpoint's pause" (where the writer's CPU goes): what each pass the
 * background writer makes over an MLP checkpoint's 22.4 MB costs on its own — SHA-256, CRC-32, the zip entry at
 * level 0, the write into the page cache with and without {@code force}.
 * <pre>
 * java -cp target/test-classes io.trainyard.bench.CheckpointBytesBench
 * </pre>
 * A benchmark, not a test: it prints the thread's CPU time and the wall time of three warm repetitions each.
 */
public final class CheckpointBytesBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;

    private interface Pass {
        void run() throws Exception;
    }

    private CheckpointBytesBench() {
    }

    public static void main(String[] args) throws Exception {
        byte[] data = new byte[22_400_000];
        new java.util.Random(1).nextBytes(data);
        Path file = Files.createTempFile("checkpoint-bytes", ".bin");
        try {
            time("SHA-256", () -> {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (int o = 0; o < data.length; o += CHUNK) {
                    sha.update(data, o, Math.min(CHUNK, data.length - o));
                }
                sha.digest();
            });
            time("CRC-32", () -> new CRC32().update(data));
            time("zip entry, level 0", () -> {
                ZipOutputStream zip = new ZipOutputStream(OutputStream.nullOutputStream());
                zip.setLevel(0);
                zip.putNextEntry(new ZipEntry("network.bin"));
                write(zip, data);
                zip.closeEntry();
                zip.finish();
            });
            time("file, 1 MB buffer", () -> {
                try (OutputStream out = new BufferedOutputStream(new FileOutputStream(file.toFile()), 1 << 20)) {
                    write(out, data);
                }
            });
            time("file + force", () -> {
                try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                    write(out, data);
                    out.getChannel().force(true);
                }
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(OutputStream out, byte[] data) throws Exception {
        for (int o = 0; o < data.length; o += CHUNK) {
            out.write(data, o, Math.min(CHUNK, data.length - o));
        }
    }

    private static void time(String name, Pass pass) throws Exception {
        for (int i = 0; i < 6; i++) {
            long cpu = THREADS.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            pass.run();
            if (i >= 3) { // the first three warm the JIT up
                System.out.printf("%-20s CPU %6.1f ms, wall %6.1f ms%n", name,
                        (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6, (System.nanoTime() - wall) / 1e6);
            }
        }
    }
}
