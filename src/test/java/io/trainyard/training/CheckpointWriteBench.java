package io.trainyard.training;

import io.trainyard.bench.BenchMain;
import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.storage.FileSystemObjectStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the service's checkpoint writer spends on one MLP checkpoint (22.4 MB): a snapshot of the bench MLP after a
 * few Adam steps written as the service writes it ({@link CheckpointArchive#write} into the filesystem store, which
 * hashes and forces it), with the writing thread's CPU time and the wall time of each write. Nothing trains beside
 * it, so this is the writer's own cost, not what it costs training (CheckpointPriorityBench).
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     io.trainyard.training.CheckpointWriteBench bench/specs [WRITES (12)] [FOLDER (a temporary one)]
 * </pre>
 * A benchmark, not a test: prints each write, then the medians over all but the first two (JIT warm-up).
 */
public final class CheckpointWriteBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CheckpointWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Path specs = Path.of(args[0]);
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Path root = args.length > 2 ? Files.createDirectories(Path.of(args[2]))
                : Files.createTempDirectory("checkpoint-write");
        Network network = BenchMain.mlp(specs);
        Random random = new Random(7);
        float[] x = new float[256 * 784];
        float[] y = new float[256 * 10];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int j = 0; j < 256; j++) {
            y[j * 10 + random.nextInt(10)] = 1f;
        }
        Batch batch = new Batch(Tensor.of(x, 256, 784), Tensor.of(y, 256, 10));
        for (int i = 0; i < 3; i++) {
            network.fitBatch(batch); // Adam's state exists, as at any checkpoint
        }
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        JsonMapper json = JsonMapper.builder().build();
        CheckpointState state = new CheckpointState(1, 3, null, null, List.of(new double[] {2.3, 2.2}), 1000);
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            try (Network.Snapshot snapshot = network.snapshot()) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                var stored = store.write("checkpoints/bench/" + (i % 2) + ".zip",
                        out -> CheckpointArchive.write(out, snapshot, state, json));
                double c = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
                double w = (System.nanoTime() - w0) / 1e6;
                System.out.printf("write %2d: CPU %5.1f ms, wall %5.1f ms, %d bytes%n", i + 1, c, w, stored.size());
                if (i >= 2) {
                    cpu.add(c);
                    wall.add(w);
                }
            }
        }
        System.out.printf("median of writes 3-%d: CPU %.1f ms, wall %.1f ms%n", writes, median(cpu), median(wall));
        if (args.length <= 2) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}
