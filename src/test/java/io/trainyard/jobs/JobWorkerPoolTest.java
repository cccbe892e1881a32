package io.trainyard.jobs;

import static io.trainyard.jobs.JobBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worker pools as separate replicas on one PostgreSQL database (a schema of its own, so no other test's workers
 * can take our jobs), with short leases and heartbeats. Nothing here asserts on timing: only on what ran where.
 */
class JobWorkerPoolTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static TestDatabases.Owned db;

    private JobRepository jobs;
    private JobFixtures fixtures;
    private JdbcClient jdbc;
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final List<JobWorkerPool> pools = new ArrayList<>();
    private String team;
    private UUID dataset;

    @BeforeAll
    static void migrate() {
        db = TestDatabases.postgresSchema("jobs_workers");
    }

    @AfterAll
    static void drop() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyQueue() {
        fixtures = new JobFixtures(db.dataSource());
        fixtures.clear();
        jdbc = JdbcClient.create(db.dataSource());
        jobs = new JobRepository(db.dataSource(), new DataSourceTransactionManager(db.dataSource()),
                JsonMapper.builder().build(), Clock.systemUTC());
        team = fixtures.newTeam();
        dataset = fixtures.newDataset(team);
    }

    @AfterEach
    void stopPools() {
        pools.forEach(JobWorkerPool::stop);
    }

    static JobsProperties properties(String replica, int workers) {
        return new JobsProperties(workers, 0, 3, Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(100),
                Duration.ofMillis(500), replica, Duration.ofMillis(200), Duration.ofMinutes(1), Duration.ofSeconds(10));
    }

    JobWorkerPool start(String replica, int workers, JobRunner runner) {
        JobWorkerPool pool = new JobWorkerPool(jobs, runner, new JobEvents(events::add, Clock.systemUTC()),
                properties(replica, workers));
        pools.add(pool);
        pool.start();
        return pool;
    }

    UUID submit(JobBuilder job) {
        return jobs.create(job.build()).id();
    }

    JobBuilder job() {
        return aJob().forTeam(team, dataset);
    }

    JobRow row(UUID id) {
        return jobs.find(id).orElseThrow();
    }

    void awaitState(UUID id, JobState state) {
        await().atMost(PATIENCE).until(() -> row(id).state() == state);
    }

    /** Trains "epochs" of a few milliseconds, recording which replica ran which job and any overlap. */
    static final class Recorder {
        final Set<UUID> runningNow = ConcurrentHashMap.newKeySet();
        final Map<UUID, List<String>> runsOn = new ConcurrentHashMap<>();
        final AtomicBoolean overlap = new AtomicBoolean();

        JobRunner on(String replica) {
            return (job, ctx) -> {
                if (!runningNow.add(job.id())) {
                    overlap.set(true);
                }
                runsOn.computeIfAbsent(job.id(), id -> Collections.synchronizedList(new ArrayList<>())).add(replica);
                try {
                    for (int epoch = job.epoch() + 1; epoch <= job.totalEpochs(); epoch++) {
                        Thread.sleep(5);
                        if (ctx.shouldStop()) {
                            return JobRunner.Outcome.STOPPED;
                        }
                        ctx.reportProgress(epoch, epoch * 10L, Map.of("loss", 1.0 / epoch), 100.0,
                                Duration.ofSeconds(job.totalEpochs() - epoch));
                        ctx.recordEpochMetrics(epoch, Map.of("loss", 1.0 / epoch));
                    }
                    return JobRunner.Outcome.COMPLETED;
                } finally {
                    runningNow.remove(job.id());
                }
            };
        }
    }

    @Test
    void twoReplicasShareTheQueueAndNeverRunAJobTwice() {
        List<UUID> submitted = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            submitted.add(submit(job().withEpochs(3)));
        }
        Recorder recorder = new Recorder();
        start("replica-a", 3, recorder.on("replica-a"));
        start("replica-b", 3, recorder.on("replica-b"));

        await().atMost(PATIENCE).until(() -> submitted.stream().allMatch(id -> row(id).state() == JobState.SUCCEEDED));

        assertThat(recorder.overlap).isFalse();
        assertThat(recorder.runsOn.keySet()).containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(recorder.runsOn.values()).allSatisfy(replicas -> assertThat(replicas).hasSize(1));
        for (UUID id : submitted) {
            JobRow job = row(id);
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.epoch()).isEqualTo(3);
            assertThat(job.leaseOwner()).isNull();
            assertThat(jobs.metrics(id, -1)).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
        }
        assertThat(events).filteredOn(JobSucceeded.class::isInstance).hasSize(submitted.size());
        assertThat(events).filteredOn(JobEpochCompleted.class::isInstance).hasSize(3 * submitted.size());
    }

    @Test
    void aWorkerWhoseLeaseWasTakenCannotCommitACheckpointOrAFinalState() throws Exception {
        UUID id = submit(job());
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<JobContext> context = new AtomicReference<>();
        AtomicBoolean checkpointCommitted = new AtomicBoolean(true);
        AtomicBoolean metricsRecorded = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(1);
        start("replica-a", 1, (job, ctx) -> {
            context.set(ctx);
            started.countDown();
            while (!ctx.shouldStop()) {
                Thread.sleep(20);
            }
            // a runner that ignores the signal and tries to commit anyway
            checkpointCommitted.set(ctx.withinLease(() -> fixtures.insertCheckpoint(id, team, 1, ctx.leaseEpoch())));
            metricsRecorded.set(ctx.recordEpochMetrics(1, Map.of("loss", 0.1)));
            finished.countDown();
            return JobRunner.Outcome.COMPLETED;
        });
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

        // replica-a goes quiet long enough for its lease to expire; the reaper and replica-b take over
        LeaseReaperTask reaper = new LeaseReaperTask(jobs, new JobEvents(events::add, Clock.systemUTC()),
                properties("reaper", 0));
        // (a heartbeat landing between the two statements renews the lease; then expire it again)
        await().atMost(PATIENCE).until(() -> {
            fixtures.expireLease(id);
            return reaper.reap() == 1;
        });
        ClaimedJob taken = jobs.claimNext("replica-b", Duration.ofMinutes(5), 0).orElseThrow();
        assertThat(taken.id()).isEqualTo(id);

        assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(context.get().leaseLost()).isTrue();
        assertThat(checkpointCommitted).isFalse();
        assertThat(metricsRecorded).isFalse();
        assertThat(fixtures.checkpoints(id)).isZero();
        await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e instanceof JobStateChanged c
                && c.from() == JobState.RUNNING && c.to() == JobState.QUEUED));
        JobRow job = row(id);
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.leaseOwner()).isEqualTo("replica-b");
        assertThat(job.leaseEpoch()).isEqualTo(taken.leaseEpoch());
        assertThat(jobs.metrics(id, -1)).isEmpty();
        // and the new owner's commit does land
        assertThat(jobs.withinLease(id, taken.leaseEpoch(), () -> fixtures.insertCheckpoint(id, team, 1,
                taken.leaseEpoch()))).isTrue();
        assertThat(fixtures.checkpoints(id)).isEqualTo(1);
        assertThat(events).noneMatch(e -> e instanceof JobSucceeded);
    }

    @Test
    void aCancelledRunningJobStopsAtTheNextBatchAndEndsCancelled() {
        UUID id = submit(job());
        AtomicBoolean sawCancel = new AtomicBoolean();
        AtomicInteger batches = new AtomicInteger();
        start("replica-a", 1, (job, ctx) -> {
            while (!ctx.shouldStop()) {
                batches.incrementAndGet();
                Thread.sleep(10);
            }
            sawCancel.set(ctx.cancelRequested());
            return JobRunner.Outcome.STOPPED;
        });
        awaitState(id, JobState.RUNNING);

        assertThat(jobs.requestCancel(id, team)).isTrue();

        awaitState(id, JobState.CANCELLED);
        assertThat(sawCancel).isTrue();
        assertThat(batches.get()).isPositive();
        assertThat(row(id).finishedAt()).isNotNull();
        assertThat(events).anyMatch(e -> e instanceof JobStateChanged c && c.jobId().equals(id)
                && c.from() == JobState.CANCELLING && c.to() == JobState.CANCELLED);
    }

    @Test
    void aJobThatAlwaysFailsStopsAfterTheMaximumAttemptsWithTheLastReason() {
        UUID id = submit(job().withMaxAttempts(3));
        AtomicInteger calls = new AtomicInteger();
        start("replica-a", 2, (job, ctx) -> {
            throw new JobFailedException("loss became NaN in epoch 1 (attempt " + calls.incrementAndGet() + ")", true);
        });

        awaitState(id, JobState.FAILED);

        JobRow job = row(id);
        assertThat(calls.get()).isEqualTo(3);
        assertThat(job.attempt()).isEqualTo(3);
        assertThat(job.failureReason()).isEqualTo("loss became NaN in epoch 1 (attempt 3)");
        assertThat(events).filteredOn(JobStateChanged.class::isInstance).map(e -> ((JobStateChanged) e).to())
                .containsExactly(JobState.RUNNING, JobState.QUEUED, JobState.RUNNING, JobState.QUEUED,
                        JobState.RUNNING, JobState.FAILED);
    }

    @Test
    void aNonRetryableFailureEndsTheJobAtOnceAndAnUnexpectedOneIsRetried() {
        UUID fatal = submit(job().named("fatal").withPriority(1));
        UUID flaky = submit(job().named("flaky"));
        AtomicInteger flakyCalls = new AtomicInteger();
        start("replica-a", 1, (job, ctx) -> {
            if (job.name().equals("fatal")) {
                throw new JobFailedException("the spec expects 784 inputs but the dataset has 4", false);
            }
            if (flakyCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("connection reset");
            }
            return JobRunner.Outcome.COMPLETED;
        });

        awaitState(fatal, JobState.FAILED);
        awaitState(flaky, JobState.SUCCEEDED);

        assertThat(row(fatal).attempt()).isEqualTo(1);
        assertThat(row(fatal).failureReason()).contains("784 inputs");
        assertThat(row(flaky).attempt()).isEqualTo(2);
        assertThat(row(flaky).failureReason()).isNull();
    }

    @Test
    void shuttingDownAReplicaGivesItsJobsBackWithoutSpendingAnAttempt() {
        UUID id = submit(job());
        JobWorkerPool pool = start("replica-a", 1, (job, ctx) -> {
            while (!ctx.shouldStop()) {
                Thread.sleep(10);
            }
            return JobRunner.Outcome.STOPPED;
        });
        awaitState(id, JobState.RUNNING);

        pool.stop();

        JobRow job = row(id);
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.attempt()).isZero();
        assertThat(job.leaseOwner()).isNull();
    }

    @Test
    void anApiOnlyReplicaRunsNothing() {
        UUID id = submit(job());
        JobWorkerPool pool = start("api-only", 0, (job, ctx) -> JobRunner.Outcome.COMPLETED);

        assertThat(pool.isRunning()).isFalse();
        assertThat(row(id).state()).isEqualTo(JobState.QUEUED);
    }
}
