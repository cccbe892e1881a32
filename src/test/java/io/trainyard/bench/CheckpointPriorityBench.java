package io.trainyard.bench;

import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.system.ThreadPriority;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a checkpoint written in the background costs the training beside it, with the writer thread at normal
 * priority, at nice 19 alone (the service's writer until the fourteenth session), and at nice 19 under Linux's
 * {@code SCHED_IDLE} policy (the service's writer now, {@link ThreadPriority}): segments of MLP training steps
 * (batch 256) the length of a short epoch, each with one checkpoint started at its beginning (a snapshot, then
 * {@code Snapshot.save} through SHA-256 into a file, as the service's writer does) or none, the four kinds taking
 * turns. Prints each kind's median segment time and the overheads against the segments without a checkpoint.
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt) \
 *     io.trainyard.bench.CheckpointPriorityBench bench/specs [STEPS_PER_SEGMENT (32)] [ROUNDS (12)] [force]
 * </pre>
 * With {@code force}, each checkpoint file is also forced to disk before the write counts as done, as the service's
 * filesystem store does.
 * A benchmark, not a test.
 */
public final class CheckpointPriorityBench {

    private enum Kind { NONE, NORMAL, LOWEST, IDLE }

    /** Nice 19 alone, as the service's writer ran before it also took SCHED_IDLE ({@link ThreadPriority}). */
    interface Scheduler extends com.sun.jna.Library {
        int setpriority(int which, int who, int priority);

        int gettid();
    }

    private CheckpointPriorityBench() {
    }

    public static void main(String[] args) throws Exception {
        Path specs = Path.of(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        boolean force = args.length > 3 && args[3].equals("force");
        BenchNets net = BenchNets.MLP;
        Network network = BenchMain.network(specs, net, 1);
        BenchNets.Data data = net.data(net.batchSize);
        float[] by = new float[net.batchSize * net.classes];
        for (int j = 0; j < net.batchSize; j++) {
            by[j * net.classes + data.y()[j]] = 1f;
        }
        Batch batch = new Batch(Tensor.of(Arrays.copyOf(data.x(), net.batchSize * 784), net.batchSize, 784),
                Tensor.of(by, net.batchSize, net.classes));
        Path file = Files.createTempFile("checkpoint-priority", ".zip");
        ExecutorService normal = Executors.newSingleThreadExecutor();
        ExecutorService lowest = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
            Scheduler c = com.sun.jna.Native.load("c", Scheduler.class);
            System.out.println("writer at nice 19: " + (c.setpriority(0, c.gettid(), 19) == 0));
            r.run();
        }));
        ExecutorService idle = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
            System.out.println("writer at nice 19 and SCHED_IDLE (the service's): "
                    + ThreadPriority.lowerCurrentThread());
            r.run();
        }));
        List<List<Double>> seconds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        try {
            for (int i = 0; i < 3 * steps; i++) {
                network.fitBatch(batch); // JIT and workspaces warm
            }
            for (int round = 0; round < rounds + 1; round++) {
                for (int k = 0; k < Kind.values().length; k++) {
                    // The order rotates each round, so no kind always follows another.
                    Kind kind = Kind.values()[(k + round) % Kind.values().length];
                    long t0 = System.nanoTime();
                    Future<?> writing = switch (kind) {
                        case NONE -> null;
                        case NORMAL -> write(normal, network, file, force);
                        case LOWEST -> write(lowest, network, file, force);
                        case IDLE -> write(idle, network, file, force);
                    };
                    for (int i = 0; i < steps; i++) {
                        network.fitBatch(batch);
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (writing != null) {
                        writing.get();
                    }
                    if (round > 0) { // the first round warms the writers up
                        seconds.get(kind.ordinal()).add(s);
                    }
                }
            }
        } finally {
            normal.shutdown();
            lowest.shutdown();
            idle.shutdown();
            Files.deleteIfExists(file);
        }
        double none = median(seconds.get(0));
        for (Kind kind : Kind.values()) {
            List<Double> s = seconds.get(kind.ordinal());
            System.out.printf("%-7s segment of %d steps: median %.3f s (%.3f–%.3f), overhead %+.1f %%%n", kind, steps,
                    median(s), s.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    s.stream().mapToDouble(Double::doubleValue).max().orElse(0), 100 * (median(s) / none - 1));
        }
    }

    private static Future<?> write(ExecutorService writer, Network network, Path file, boolean force) {
        Network.Snapshot snapshot = network.snapshot();
        return writer.submit(() -> {
            try (snapshot; FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel),
                        1 << 16), MessageDigest.getInstance("SHA-256"));
                snapshot.save(out);
                out.flush();
                if (force) {
                    channel.force(true);
                }
            }
            return null;
        });
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
