package io.trainyard.training;

import io.trainyard.bench.BenchMain;
import io.trainyard.engine.Batch;
import io.trainyard.engine.BlasThreads;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.storage.Checksum;
import io.trainyard.storage.FileSystemObjectStore;
import io.trainyard.system.ThreadPriority;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the service's checkpoint writer costs for one MLP checkpoint (22.4 MB): a snapshot of the bench MLP after a
 * few Adam steps written as the service writes it ({@link CheckpointArchive#write} into the filesystem store, which
 * hashes and forces it). Two modes:
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * java -cp "$CP" io.trainyard.training.CheckpointWriteBench bench/specs alone [WRITES (12)] [FOLDER]
 * java -cp "$CP" io.trainyard.training.CheckpointWriteBench bench/specs beside-training [ROUNDS (12)] [FOLDER]
 * </pre>
 * {@code alone}: the writing thread's CPU and wall time per write, nothing else running; the medians of all but the
 * first two writes (JIT warm-up). {@code beside-training}: what a checkpoint costs the training beside it, with the
 * store writing past the page cache and through it: segments of 32 MLP steps (about one short epoch) that start
 * with a checkpoint, through one store or the other, on a writer thread at the lowest priority as in the service,
 * or with none; the kinds take turns in an order that rotates each round. Prints each kind's median segment
 * and its overhead against the segments without a checkpoint. Besides the two stores: training on one OpenBLAS
 * thread while the write is in flight; the archive handed to the store in pieces of 64 KB with {@code Thread.yield}
 * after each (so that an OpenBLAS thread that yielded the core to the writer gets it back within a piece rather
 * than at the next scheduler tick); the archive serialised and hashed, but into no file, on the writer thread or
 * on the training thread before the segment's steps (what the writer's CPU costs without competing for the cores);
 * the snapshot alone; the
 * store past the page cache with SHA-256 where the others use the service's checksum (BLAKE3 on AVX-512). The
 * last two split a checkpoint's cost into the training pause, the writer's hashing and copying, and its I/O
 * (docs/performance.md, "Zen 3 (fourth)"). FOLDER (default: a temporary one, deleted after)
 * holds the stores. {@code -Dbench.net=cnn} (or lstm) measures another of the benchmark's nets on random data, with
 * segments of {@code -Dbench.steps} steps (default: 32 for the MLP, else one bench/run epoch: 48 CNN, 64 LSTM steps).
 * A benchmark, not a test.
 */
public final class CheckpointWriteBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CheckpointState STATE = new CheckpointState(1, 3, null, null,
            List.of(new double[] {2.3, 2.2}), 1000);
    private static final String NET = System.getProperty("bench.net", "mlp");
    /** The service's checksum for checkpoints unless {@code -Dbench.checksum=SHA256} (or BLAKE3). */
    private static final Checksum.Algorithm ALGORITHM = System.getProperty("bench.checksum") == null
            ? Checksum.Algorithm.forCheckpoints() : Checksum.Algorithm.valueOf(System.getProperty("bench.checksum"));
    private static final int STEPS = Integer.getInteger("bench.steps", switch (NET) {
        case "cnn" -> 3072 / 64;
        case "lstm" -> 2048 / 32;
        default -> 32;
    });

    private enum Kind {
        NONE, THROUGH_PAGE_CACHE, PAST_PAGE_CACHE, PAST_PAGE_CACHE_SHA256, PAST_ONE_THREAD_WHILE_WRITING, PAST_YIELDING,
        HASHED_NO_IO, HASHED_NO_IO_ON_THE_TRAINING_THREAD, SNAPSHOT_ONLY
    }

    /** {@code -Dbench.kinds=NONE,PAST_PAGE_CACHE,...} measures only those (NONE always). */
    private static final List<Kind> KINDS = kinds(System.getProperty("bench.kinds"));

    private static List<Kind> kinds(String names) {
        if (names == null || names.isBlank()) {
            return List.of(Kind.values());
        }
        java.util.EnumSet<Kind> chosen = java.util.EnumSet.of(Kind.NONE);
        for (String name : names.split(",")) {
            chosen.add(Kind.valueOf(name.trim()));
        }
        return List.copyOf(chosen);
    }

    private CheckpointWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        Path specs = Path.of(args[0]);
        boolean alone = args[1].equals("alone");
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        Path root = args.length > 3 ? Files.createDirectories(Path.of(args[3]))
                : Files.createTempDirectory("checkpoint-write");
        Network network = BenchMain.network(specs, NET);
        Batch batch = BenchMain.randomBatch(NET, 7);
        for (int i = 0; i < 3; i++) {
            network.fitBatch(batch); // Adam's state exists, as at any checkpoint
        }
        try {
            if (alone) {
                alone(network, new FileSystemObjectStore(root.resolve("objects")), count);
            } else {
                besideTraining(network, batch, root, count);
            }
        } finally {
            if (args.length <= 3) {
                try (var files = Files.walk(root)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void alone(Network network, FileSystemObjectStore store, int writes) throws Exception {
        System.out.println("store: " + store.describe() + "; checksum " + ALGORITHM);
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            try (Network.Snapshot snapshot = network.snapshot()) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                long size = write(store, snapshot, i);
                double c = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
                double w = (System.nanoTime() - w0) / 1e6;
                System.out.printf("write %2d: CPU %5.1f ms, wall %5.1f ms, %d bytes%n", i + 1, c, w, size);
                if (i >= 2) {
                    cpu.add(c);
                    wall.add(w);
                }
            }
        }
        System.out.printf("median of writes 3-%d: CPU %.1f ms, wall %.1f ms%n", writes, median(cpu), median(wall));
    }

    private static void besideTraining(Network network, Batch batch, Path root, int rounds) throws Exception {
        FileSystemObjectStore through = new FileSystemObjectStore(root.resolve("through"), false);
        FileSystemObjectStore past = new FileSystemObjectStore(root.resolve("past"), true);
        System.out.println(NET + ", " + STEPS + " steps a segment; stores: " + through.describe() + "; "
                + past.describe() + "; checksum " + ALGORITHM + " (PAST_PAGE_CACHE_SHA256: SHA-256)");
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
            ThreadPriority.lowerCurrentThread(); // as the service's checkpoint writer
            r.run();
        }));
        int kinds = KINDS.size();
        List<List<Double>> seconds = new ArrayList<>();
        List<List<Double>> writerCpu = new ArrayList<>();
        for (int k = 0; k < Kind.values().length; k++) {
            seconds.add(new ArrayList<>());
            writerCpu.add(new ArrayList<>());
        }
        try {
            for (int i = 0; i < 3 * STEPS; i++) {
                network.fitBatch(batch);
            }
            for (int round = 0; round < rounds + 1; round++) {
                for (int k = 0; k < kinds; k++) {
                    Kind kind = KINDS.get((k + round) % kinds);
                    long t0 = System.nanoTime();
                    FileSystemObjectStore store = kind == Kind.THROUGH_PAGE_CACHE ? through : past;
                    Future<Double> writing = kind == Kind.NONE ? null
                            : kind == Kind.HASHED_NO_IO_ON_THE_TRAINING_THREAD
                            ? java.util.concurrent.CompletableFuture.completedFuture(hashInto(network.snapshot()))
                            : write(writer, store, network.snapshot(), round, kind);
                    for (int i = 0; i < STEPS; i++) {
                        if (kind == Kind.PAST_ONE_THREAD_WHILE_WRITING && !writing.isDone()) {
                            BlasThreads.single(() -> network.fitBatch(batch));
                        } else {
                            network.fitBatch(batch);
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = writing == null ? 0 : writing.get();
                    if (round > 0) { // the first round warms the writer up
                        seconds.get(kind.ordinal()).add(s);
                        writerCpu.get(kind.ordinal()).add(cpu);
                    }
                }
            }
        } finally {
            writer.shutdown();
        }
        double none = median(seconds.get(0));
        for (Kind kind : KINDS) {
            List<Double> s = seconds.get(kind.ordinal());
            System.out.printf("%-29s segment of %d steps: median %.3f s (%.3f–%.3f), overhead %+.1f %%, writer CPU "
                    + "median %.1f ms%n", kind, STEPS, median(s), s.stream().mapToDouble(Double::doubleValue).min()
                    .orElse(0), s.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    100 * (median(s) / none - 1), median(writerCpu.get(kind.ordinal())));
        }
    }

    /** The archive serialised and hashed (SHA-256) into nothing, here; closes {@code snapshot}; CPU in ms. */
    private static double hashInto(Network.Snapshot snapshot) throws Exception {
        try (snapshot) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            hashIntoNothing(snapshot);
            return (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
        }
    }

    private static void hashIntoNothing(Network.Snapshot snapshot) throws Exception {
        CheckpointArchive.write(new DigestOutputStream(OutputStream.nullOutputStream(),
                MessageDigest.getInstance("SHA-256")), snapshot, STATE, JSON);
    }

    /** Writes and closes {@code snapshot} on {@code writer}; the future gives the writer's CPU in ms. */
    private static Future<Double> write(ExecutorService writer, FileSystemObjectStore store, Network.Snapshot snapshot,
            int round, Kind kind) {
        return writer.submit(() -> {
            try (snapshot) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                if (kind == Kind.SNAPSHOT_ONLY) {
                    return 0.0;
                } else if (kind == Kind.HASHED_NO_IO) {
                    hashIntoNothing(snapshot);
                } else if (kind == Kind.PAST_PAGE_CACHE_SHA256) {
                    store.write("checkpoints/bench/" + (round % 2) + ".zip", Checksum.Algorithm.SHA256,
                            out -> CheckpointArchive.write(out, snapshot, STATE, JSON));
                } else if (kind == Kind.PAST_YIELDING) {
                    store.write("checkpoints/bench/" + (round % 2) + ".zip",
                            out -> CheckpointArchive.write(new Yielding(out), snapshot, STATE, JSON));
                } else {
                    write(store, snapshot, round);
                }
                return (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        });
    }

    private static long write(FileSystemObjectStore store, Network.Snapshot snapshot, int i) throws Exception {
        return store.write("checkpoints/bench/" + (i % 2) + ".zip", ALGORITHM,
                out -> CheckpointArchive.write(out, snapshot, STATE, JSON)).size();
    }

    /** Hands the bytes on in pieces of 64 KB and yields the core after each. */
    private static final class Yielding extends FilterOutputStream {

        private static final int PIECE = 1 << 16;

        Yielding(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i += PIECE) {
                out.write(b, off + i, Math.min(PIECE, len - i));
                Thread.yield();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }
}
