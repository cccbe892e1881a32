package io.trainyard.bench;

import io.trainyard.engine.Network;
import java.nio.file.Path;

/**
 * The figures of docs/performance.md, "The checkpoint's pause": what {@link Network#snapshot} makes training wait
 * for, the first time in a JVM (with and without {@link Network#warmUp} before it) and afterwards, with the
 * previous snapshot's copies reused or, while it is still open, freshly allocated.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * . bin/native-env.sh
 * java -cp "$CP" io.trainyard.bench.SnapshotPauseBench          # first snapshots without the warm-up
 * java -cp "$CP" io.trainyard.bench.SnapshotPauseBench warm     # with it
 * </pre>
 * Run each in a fresh JVM: the first-time cost is per JVM. A benchmark, not a test: it prints milliseconds.
 */
public final class SnapshotPauseBench {

    private SnapshotPauseBench() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        if (args.length > 0 && args[0].equals("warm")) {
            Network.warmUp();
        }
        System.out.printf("warm-up %.1f ms%n", millisSince(start));
        Path specs = Path.of("bench/specs");
        for (BenchNets net : new BenchNets[] {BenchNets.CNN, BenchNets.LSTM, BenchNets.MLP}) {
            Network network = BenchMain.network(specs, net, 1);
            long t = System.nanoTime();
            network.snapshot().close();
            System.out.printf("%s first snapshot %.1f ms%n", net, millisSince(t));
        }
        // Before any step the MLP has no optimizer state yet: time snapshots of a network that has one.
        Network mlp = BenchMain.network(specs, BenchNets.MLP, 1);
        mlp.fitBatch(BenchMain.mlpBatch());
        mlp.snapshot().close();
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            Network.Snapshot reused = mlp.snapshot();
            double reuse = millisSince(t);
            t = System.nanoTime();
            Network.Snapshot fresh = mlp.snapshot(); // the first is still open: new copies
            double allocate = millisSince(t);
            fresh.close(); // its copies become the spare ones
            reused.close(); // a spare set is kept already: freed
            System.out.printf("MLP snapshot: copies reused %.1f ms, freshly allocated %.1f ms%n", reuse, allocate);
        }
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
