package io.trainyard.checkpoints;

import com.zaxxer.hikari.HikariDataSource;
import io.trainyard.storage.FileSystemObjectStore;
import io.trainyard.support.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a checkpoint's database work costs the writer thread, in CPU time: {@link CheckpointStore#commit} of a
 * 1-KB object (the fenced INSERT, the filesystem store's write of those bytes) and the retention after it
 * (newest 3 plus the best by validation loss, as a job's defaults), one job, through a Hikari pool as in the
 * service, against the embedded default's H2 file database or the test PostgreSQL
 * ({@code TRAINYARD_TEST_DB_URL}). The object alone is timed as well, to tell the store's share from the
 * database's. Medians over the second half of the rounds, and of the first 30 (code not yet compiled).
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
 *     io.trainyard.checkpoints.CheckpointCommitBench h2|postgres [ROUNDS (600)]
 * </pre>
 * A benchmark, not a test.
 */
public final class CheckpointCommitBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The first rounds, in a JVM that has not run this code before: how much of it is the JIT's warm-up. */
    private static final int COLD = 30;

    private CheckpointCommitBench() {
    }

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 ? args[0] : "h2";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        Path dir = Files.createTempDirectory("checkpoint-commit-bench");
        try (HikariDataSource pool = pool(database, dir)) {
            io.trainyard.support.TestDataSources.migrations().dataSource(pool).load().migrate();
            JdbcClient jdbc = JdbcClient.create(pool);
            FileSystemObjectStore objects = new FileSystemObjectStore(dir.resolve("objects"));
            CheckpointStore store = new CheckpointStore(jdbc, objects, JsonMapper.builder().build());
            UUID job = CheckpointStoreTest.runningJob(jdbc, 1);
            RetentionPolicy retention = new RetentionPolicy(3, 1, "validationLoss", RetentionPolicy.Mode.min);
            byte[] bytes = new byte[1024];
            long[] commit = new long[rounds];
            long[] retain = new long[rounds];
            long[] object = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                Map<String, Object> metrics = metrics(i);
                long t0 = THREADS.getCurrentThreadCpuTime();
                store.commit(job, 1, i + 1, (i + 1) * 48L, metrics, out -> out.write(bytes)).orElseThrow();
                long t1 = THREADS.getCurrentThreadCpuTime();
                store.retain(job, 1, retention);
                long t2 = THREADS.getCurrentThreadCpuTime();
                objects.write("bench/" + i, out -> out.write(bytes));
                objects.delete("bench/" + i);
                long t3 = THREADS.getCurrentThreadCpuTime();
                commit[i] = t1 - t0;
                retain[i] = t2 - t1;
                object[i] = t3 - t2;
            }
            int from = rounds / 2;
            System.out.printf("%s, %d rounds, CPU per checkpoint: commit %.0f µs, retain %.0f µs, of which the 1-KB "
                            + "object's write and delete alone %.0f µs (medians of the last %d); commit and retain "
                            + "%.0f µs in the first %d; %d rows left%n", database, rounds, median(commit, from, rounds),
                    median(retain, from, rounds), median(object, from, rounds), rounds - from,
                    median(sum(commit, retain), 0, COLD), COLD, store.list(job).size());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static HikariDataSource pool(String database, Path dir) {
        HikariDataSource pool = new HikariDataSource();
        pool.setMaximumPoolSize(2);
        if (database.equals("h2")) {
            // The embedded default's URL (application.yml), in a folder of its own.
            pool.setJdbcUrl("jdbc:h2:file:" + dir.resolve("trainyard") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                    + "DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE");
            pool.setUsername("sa");
        } else {
            TestDatabase.Connection db = TestDatabase.postgres();
            pool.setJdbcUrl(db.url());
            pool.setUsername(db.user());
            pool.setPassword(db.password());
        }
        return pool;
    }

    /** What an epoch's metrics hold (TrainingJobRunner.epochMetrics), varying so that the best one moves. */
    private static Map<String, Object> metrics(int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", i + 1);
        m.put("loss", 0.5 + 0.1 * Math.sin(i));
        m.put("accuracy", 0.8);
        m.put("validationLoss", 0.6 + 0.1 * Math.cos(i));
        m.put("validationAccuracy", 0.78);
        m.put("learningRate", 0.001);
        m.put("epochSeconds", 0.71);
        m.put("samplesPerSecond", 17_300.0);
        m.put("fit", "good");
        m.put("fitAdvice", "Training and validation loss fall together; more epochs may still help.");
        return m;
    }

    private static long[] sum(long[] a, long[] b) {
        long[] s = new long[a.length];
        Arrays.setAll(s, i -> a[i] + b[i]);
        return s;
    }

    private static double median(long[] nanos, int from, int to) {
        long[] tail = Arrays.copyOfRange(nanos, from, Math.min(to, nanos.length));
        Arrays.sort(tail);
        return tail[tail.length / 2] / 1e3;
    }
}
