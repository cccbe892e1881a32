package io.trainyard.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.trainyard.inference.BatchPredictions.State;
import io.trainyard.inference.BatchPredictions.Task;
import io.trainyard.support.TestDataSources;
import io.trainyard.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The batch-prediction table on the real PostgreSQL, in a schema of its own (no runner of any application context
 * can claim these rows): reservations, claims, fencing, orphans after a replica died, exhausted attempts and the
 * hand-back at shutdown. Time is passed in, so leases expire without waiting.
 */
class BatchPredictionRepositoryTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static HikariDataSource dataSource;
    private static String schema;
    private BatchPredictionRepository repository;
    private Instant now;

    @BeforeAll
    static void migrate() {
        TestDatabase.Connection db = TestDatabase.postgres();
        schema = "batch_predictions_" + UUID.randomUUID().toString().substring(0, 8);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(db.url());
        dataSource.setUsername(db.user());
        dataSource.setPassword(db.password());
        dataSource.setSchema(schema);
        dataSource.setMaximumPoolSize(8);
        TestDataSources.migrations().dataSource(dataSource).schemas(schema).defaultSchema(schema).load().migrate();
    }

    @AfterAll
    static void drop() {
        if (dataSource != null) {
            JdbcClient.create(dataSource).sql("DROP SCHEMA " + schema + " CASCADE").update();
            dataSource.close();
        }
    }

    @BeforeEach
    void clean() {
        JdbcClient.create(dataSource).sql("DELETE FROM batch_predictions").update();
        repository = new BatchPredictionRepository(JdbcClient.create(dataSource));
        now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private Task submitted(String reservedFor) {
        Task task = new Task(UUID.randomUUID(), "default", "iris", 2, UUID.randomUUID(), State.QUEUED, 150, 0, null, 0,
                now, null, null);
        repository.insert(task, reservedFor, now.plus(LEASE));
        now = now.plusMillis(1); // distinct creation times keep the queue order defined
        return task;
    }

    @Test
    void aTaskIsStoredAndFoundByTeamAndModelOnly() {
        Task task = submitted(null);
        Task found = repository.find("default", "iris", task.id()).orElseThrow();
        assertThat(found).isEqualTo(task);
        assertThat(repository.find("default", "other-model", task.id())).isEmpty();
        assertThat(repository.find("other-team", "iris", task.id())).isEmpty();
    }

    @Test
    void aReservedTaskGoesToItsReplicaFirstAndToOthersWhenTheReservationLapses() {
        Task reserved = submitted("replica-a");
        assertThat(repository.claimNext("replica-b", LEASE, 3, now)).isEmpty();
        assertThat(repository.claimNext("replica-b", LEASE, 3, now.plus(LEASE).plusSeconds(1)).map(Task::id))
                .contains(reserved.id());

        Task older = submitted(null);
        Task mine = submitted("replica-a");
        Task claimed = repository.claimNext("replica-a", LEASE, 3, now).orElseThrow();
        assertThat(claimed.id()).as("its own reservation before an older free task").isEqualTo(mine.id());
        assertThat(claimed.state()).isEqualTo(State.RUNNING);
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.startedAt()).isEqualTo(now);
        assertThat(repository.claimNext("replica-a", LEASE, 3, now).map(Task::id)).contains(older.id());
        assertThat(repository.claimNext("replica-a", LEASE, 3, now)).isEmpty();
    }

    @Test
    void writesAreFencedByTheClaim() {
        Task task = submitted(null);
        Task first = repository.claimNext("replica-a", LEASE, 3, now).orElseThrow();
        assertThat(repository.heartbeat(task.id(), first.attempt(), 100, LEASE, now.plusSeconds(10))).isTrue();
        assertThat(repository.find(task.id()).orElseThrow().done()).isEqualTo(100);

        // replica-a stops heartbeating (a long pause): replica-b takes the task over
        assertThat(repository.claimNext("replica-b", LEASE, 3, now.plusSeconds(20))).isEmpty();
        Task second = repository.claimNext("replica-b", LEASE, 3, now.plusSeconds(41)).orElseThrow();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.done()).as("a new attempt starts from the beginning").isZero();

        assertThat(repository.heartbeat(task.id(), first.attempt(), 150, LEASE, now.plusSeconds(42))).isFalse();
        assertThat(repository.finish(task.id(), first.attempt(), State.SUCCEEDED, 150, null, now)).isFalse();
        assertThat(repository.release(task.id(), first.attempt())).isFalse();
        assertThat(repository.find(task.id()).orElseThrow().state()).isEqualTo(State.RUNNING);

        assertThat(repository.finish(task.id(), second.attempt(), State.SUCCEEDED, 150, null, now.plusSeconds(50)))
                .isTrue();
        Task done = repository.find(task.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(State.SUCCEEDED);
        assertThat(done.done()).isEqualTo(150);
        assertThat(done.finishedAt()).isEqualTo(now.plusSeconds(50));
        assertThat(repository.claimNext("replica-c", LEASE, 3, now.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void aTaskWhoseReplicaDiedOnEveryAttemptFailsWithAReason() {
        Task task = submitted(null);
        Instant t = now;
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(repository.failExhausted(3, t)).isZero();
            assertThat(repository.claimNext("replica-" + attempt, LEASE, 3, t).orElseThrow().attempt())
                    .isEqualTo(attempt);
            t = t.plus(LEASE).plusSeconds(1); // and that replica dies
        }
        assertThat(repository.claimNext("replica-4", LEASE, 3, t)).isEmpty();
        assertThat(repository.failExhausted(3, t)).isEqualTo(1);
        Task failed = repository.find(task.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(State.FAILED);
        assertThat(failed.error()).contains("3 times").contains("Resubmit");
        assertThat(failed.finishedAt()).isEqualTo(t);
    }

    @Test
    void aReplicaShuttingDownHandsItsTaskBackWithoutSpendingAnAttempt() {
        Task task = submitted("replica-a");
        Task claimed = repository.claimNext("replica-a", LEASE, 3, now).orElseThrow();
        repository.heartbeat(task.id(), claimed.attempt(), 40, LEASE, now);
        assertThat(repository.release(task.id(), claimed.attempt())).isTrue();
        Task released = repository.find(task.id()).orElseThrow();
        assertThat(released.state()).isEqualTo(State.QUEUED);
        assertThat(released.attempt()).isZero();
        assertThat(released.done()).isZero();
        assertThat(repository.claimNext("replica-b", LEASE, 3, now).map(Task::attempt)).contains(1);
    }

    @Test
    void concurrentClaimersNeverGetTheSameTask() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(submitted(null).id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<UUID>>> claimers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String owner = "replica-" + c;
                claimers.add(() -> {
                    List<UUID> mine = new ArrayList<>();
                    for (Optional<Task> t; (t = repository.claimNext(owner, LEASE, 3, now)).isPresent(); ) {
                        mine.add(t.get().id());
                    }
                    return mine;
                });
            }
            List<UUID> all = new ArrayList<>();
            for (Future<List<UUID>> f : pool.invokeAll(claimers)) {
                all.addAll(f.get());
            }
            assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            pool.shutdownNow();
        }
    }
}
