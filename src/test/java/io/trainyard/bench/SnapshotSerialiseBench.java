package io.trainyard.bench;

import io.trainyard.engine.Network;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The figures of docs/performance.md, "Intel Xeon with AMX" and "Intel Xeon, Emerald Rapids class": what the
 * checkpoint archive's counting pass cost (the MLP's snapshot serialised into a CRC-32 counter, as
 * {@code CheckpointArchive} did before the stored entry until the fourteenth session) against serialising it alone
 * and against {@link Network.Snapshot#checksum} (what it does now), in CPU time, twelve times each.
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.trainyard.bench.SnapshotSerialiseBench
 * </pre>
 * A benchmark, not a test.
 */
public final class SnapshotSerialiseBench {

    private SnapshotSerialiseBench() {
    }

    public static void main(String[] args) throws Exception {
        Network network = BenchMain.network(Path.of(args.length > 0 ? args[0] : "bench/specs"), BenchNets.MLP, 1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        network.fitBatch(BenchMain.mlpBatch()); // Adam's moments exist, as at any checkpoint: 22.4 MB
        try (Network.Snapshot snapshot = network.snapshot()) {
            for (int k = 0; k < 12; k++) {
                CRC32 crc = new CRC32();
                DataOutputStream counter = new DataOutputStream(new CheckedOutputStream(OutputStream.nullOutputStream(),
                        crc));
                long c0 = threads.getCurrentThreadCpuTime();
                snapshot.save(counter);
                long c1 = threads.getCurrentThreadCpuTime();
                snapshot.save(OutputStream.nullOutputStream());
                long c2 = threads.getCurrentThreadCpuTime();
                Network.Checksum checksum = snapshot.checksum();
                long c3 = threads.getCurrentThreadCpuTime();
                if (checksum.size() != counter.size() || checksum.crc32() != crc.getValue()) {
                    throw new IllegalStateException("checksum() disagrees with the counting pass");
                }
                System.out.printf("count + CRC-32 pass %.1f ms CPU, serialisation alone %.1f ms CPU, checksum() "
                        + "%.1f ms CPU, %d bytes%n", (c1 - c0) / 1e6, (c2 - c1) / 1e6, (c3 - c2) / 1e6, counter.size());
            }
        }
    }
}
