package io.trainyard.jobs;

import io.trainyard.system.PageCursor;
import static io.trainyard.jobs.JobBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one contract every storage of the job queue meets (JobRunr's StorageProviderTest): subclasses supply a
 * migrated database, PostgreSQL or H2 in PostgreSQL mode.
 */
abstract class JobRepositoryContract {

    static final Duration LEASE = Duration.ofSeconds(30);

    abstract DataSource dataSource();

    MutableClock clock;
    JobRepository jobs;
    JobFixtures fixtures;
    List<Object> events;
    String team;
    UUID dataset;

    @BeforeEach
    void emptyQueue() {
        fixtures = new JobFixtures(dataSource());
        fixtures.clear();
        clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        jobs = new JobRepository(dataSource(), new DataSourceTransactionManager(dataSource()),
                JsonMapper.builder().build(), clock);
        events = new ArrayList<>();
        team = fixtures.newTeam();
        dataset = fixtures.newDataset(team);
    }

    JobBuilder job() {
        return aJob().forTeam(team, dataset);
    }

    JobRow create(JobBuilder builder) {
        JobRow row = jobs.create(builder.build());
        clock.advance(Duration.ofSeconds(1));
        return row;
    }

    ClaimedJob claim(String owner) {
        return jobs.claimNext(owner, LEASE, 0).orElseThrow();
    }

    // ---- create, find, list ----------------------------------------------------------------------------------

    @Test
    void createsAQueuedJobAndFindsItOnlyForItsTeam() {
        JobRow job = create(job().named("mnist-mlp").withPriority(7).withEpochs(5).withLabel("project", "digits"));

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.name()).isEqualTo("mnist-mlp");
        assertThat(job.priority()).isEqualTo(7);
        assertThat(job.totalEpochs()).isEqualTo(5);
        assertThat(job.labels()).isEqualTo(Map.of("project", "digits"));
        assertThat(job.attempt()).isZero();
        assertThat(job.leaseEpoch()).isZero();
        assertThat(job.createdAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(job.progress()).isEqualTo(Progress.NONE);
        assertThat(jobs.find(job.id(), team)).contains(job);
        assertThat(jobs.find(job.id(), "default")).isEmpty();
    }

    @Test
    void listsNewestFirstInPagesThatFollowTheCursor() {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create(job().named("job-" + i)).id());
        }

        Page<JobRow> first = jobs.list(team, JobFilter.all(2));
        Page<JobRow> second = jobs.list(team, new JobFilter(Set.of(), Map.of(), null,
                PageCursor.decode(first.nextCursor()), 2));
        Page<JobRow> third = jobs.list(team, new JobFilter(Set.of(), Map.of(), null,
                PageCursor.decode(second.nextCursor()), 2));

        assertThat(ids(first)).containsExactly(created.get(4), created.get(3));
        assertThat(ids(second)).containsExactly(created.get(2), created.get(1));
        assertThat(ids(third)).containsExactly(created.get(0));
        assertThat(third.nextCursor()).isNull();
    }

    @Test
    void pagesDoNotSkipJobsCreatedInTheSameMicrosecond() {
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            created.add(jobs.create(job().build()).id()); // the clock does not move
        }
        List<UUID> seen = new ArrayList<>();
        PageCursor after = null;
        do {
            Page<JobRow> page = jobs.list(team, new JobFilter(Set.of(), Map.of(), null, after, 3));
            seen.addAll(ids(page));
            after = page.nextCursor() == null ? null : PageCursor.decode(page.nextCursor());
        } while (after != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
    }

    @Test
    void filtersByStateLabelsAndName() {
        JobRow a = create(job().named("Fashion CNN").withLabel("project", "fashion").withLabel("owner", "ana"));
        JobRow b = create(job().named("fashion mlp").withLabel("project", "fashion").withLabel("owner", "bo"));
        JobRow c = create(job().named("iris 100%_done").withLabel("project", "iris"));
        jobs.cancelQueued(c.id(), team);

        assertThat(ids(list(Set.of(JobState.CANCELLED), Map.of(), null))).containsExactly(c.id());
        assertThat(ids(list(Set.of(JobState.QUEUED, JobState.CANCELLED), Map.of(), null)))
                .containsExactly(c.id(), b.id(), a.id());
        assertThat(ids(list(Set.of(), Map.of("project", "fashion"), null))).containsExactly(b.id(), a.id());
        assertThat(ids(list(Set.of(), Map.of("project", "fashion", "owner", "ana"), null))).containsExactly(a.id());
        assertThat(ids(list(Set.of(), Map.of(), "FASHION"))).containsExactly(b.id(), a.id());
        // LIKE wildcards in the filter are literal characters
        assertThat(ids(list(Set.of(), Map.of(), "100%_"))).containsExactly(c.id());
        assertThat(ids(list(Set.of(), Map.of(), "%"))).containsExactly(c.id());
        assertThat(ids(list(Set.of(), Map.of(), "_"))).containsExactly(c.id());
    }

    @Test
    void anIdempotencyKeyIsUniquePerTeam() {
        JobRow first = create(job().withIdempotencyKey("key-1"));

        assertThatThrownBy(() -> jobs.create(job().withIdempotencyKey("key-1").build()))
                .isInstanceOf(DuplicateKeyException.class);
        String otherTeam = fixtures.newTeam();
        JobRow other = jobs.create(aJob().forTeam(otherTeam, fixtures.newDataset(otherTeam))
                .withIdempotencyKey("key-1").build());

        assertThat(jobs.findByIdempotencyKey(team, "key-1")).map(JobRow::id).contains(first.id());
        assertThat(jobs.findByIdempotencyKey(otherTeam, "key-1")).map(JobRow::id).contains(other.id());
        // jobs without a key do not collide with each other
        create(job());
        create(job());
    }

    // ---- claims ----------------------------------------------------------------------------------------------

    @Test
    void claimsByPriorityThenAge() {
        JobRow oldLow = create(job().withPriority(0));
        JobRow high = create(job().withPriority(5));
        JobRow newLow = create(job().withPriority(0));
        JobRow olderHigh = create(job().withPriority(5));

        assertThat(claim("w").id()).isEqualTo(high.id());
        assertThat(claim("w").id()).isEqualTo(olderHigh.id());
        assertThat(claim("w").id()).isEqualTo(oldLow.id());
        assertThat(claim("w").id()).isEqualTo(newLow.id());
        assertThat(jobs.claimNext("w", LEASE, 0)).isEmpty();
    }

    @Test
    void aClaimStartsALeaseUnderANewEpoch() {
        JobRow queued = create(job());

        ClaimedJob claimed = claim("replica-a");

        JobRow running = jobs.find(queued.id()).orElseThrow();
        assertThat(claimed.id()).isEqualTo(queued.id());
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.leaseEpoch()).isEqualTo(queued.leaseEpoch() + 1);
        assertThat(claimed.spec()).isEqualTo("{\"training\":{\"epochs\":3}}");
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.leaseOwner()).isEqualTo("replica-a");
        assertThat(running.leaseExpiresAt()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(running.startedAt()).isEqualTo(clock.instant());
    }

    @Test
    void concurrentClaimersOfOneJobHaveExactlyOneWinner() throws Exception {
        JobRow job = create(job());
        int claimers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Optional<ClaimedJob>>> results = new ArrayList<>();
            for (int i = 0; i < claimers; i++) {
                String owner = "claimer-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return jobs.claimNext(owner, LEASE, 0);
                }));
            }
            start.countDown();
            List<ClaimedJob> won = new ArrayList<>();
            for (Future<Optional<ClaimedJob>> r : results) {
                r.get(30, TimeUnit.SECONDS).ifPresent(won::add);
            }
            assertThat(won).hasSize(1);
            assertThat(won.get(0).id()).isEqualTo(job.id());
            assertThat(jobs.find(job.id()).orElseThrow().leaseEpoch()).isEqualTo(1);
            assertThat(jobs.find(job.id()).orElseThrow().attempt()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentClaimersShareManyJobsWithoutDuplicates() throws Exception {
        Set<UUID> queued = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 30; i++) {
            queued.add(jobs.create(job().build()).id());
        }
        Map<UUID, String> claimedBy = new ConcurrentHashMap<>();
        AtomicBoolean duplicate = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "claimer-" + i;
                done.add(pool.submit(() -> {
                    Optional<ClaimedJob> next;
                    while ((next = jobs.claimNext(owner, LEASE, 0)).isPresent()) {
                        if (claimedBy.putIfAbsent(next.get().id(), owner) != null) {
                            duplicate.set(true);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicate).isFalse();
        assertThat(claimedBy.keySet()).isEqualTo(queued);
    }

    @Test
    void thePerTeamLimitSkipsTeamsAtTheirLimit() {
        JobRow a1 = create(job().withPriority(9));
        JobRow a2 = create(job().withPriority(9));
        String otherTeam = fixtures.newTeam();
        JobRow b1 = jobs.create(aJob().forTeam(otherTeam, fixtures.newDataset(otherTeam)).build());

        ClaimedJob first = jobs.claimNext("w", LEASE, 1).orElseThrow();
        ClaimedJob second = jobs.claimNext("w", LEASE, 1).orElseThrow();

        assertThat(first.id()).isEqualTo(a1.id());
        assertThat(second.id()).isEqualTo(b1.id());
        assertThat(jobs.claimNext("w", LEASE, 1)).isEmpty();

        jobs.finish(first.id(), first.leaseEpoch(), JobState.RUNNING, JobState.SUCCEEDED, null);
        assertThat(jobs.claimNext("w", LEASE, 1).map(ClaimedJob::id)).contains(a2.id());
    }

    @Test
    void aCancellingJobStillCountsAgainstItsTeamLimit() {
        JobRow a1 = create(job());
        create(job());
        claim("w");
        jobs.requestCancel(a1.id(), team);

        assertThat(jobs.claimNext("w", LEASE, 1)).isEmpty();
    }

    // ---- fenced writes ---------------------------------------------------------------------------------------

    @Test
    void theLeaseHolderWritesHeartbeatsProgressMetricsAndItsOutcome() {
        JobRow job = create(job());
        ClaimedJob claimed = claim("w");
        clock.advance(Duration.ofSeconds(10));

        assertThat(jobs.heartbeat(job.id(), claimed.leaseEpoch(), LEASE)).contains(JobState.RUNNING);
        assertThat(jobs.reportProgress(job.id(), claimed.leaseEpoch(), 1, 120,
                new Progress(Map.of("loss", 0.5), 900.0, 42L))).isTrue();
        assertThat(jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 1, Map.of("loss", 0.5))).isTrue();
        assertThat(jobs.withinLease(job.id(), claimed.leaseEpoch(),
                () -> fixtures.insertCheckpoint(job.id(), team, 1, claimed.leaseEpoch()))).isTrue();

        JobRow running = jobs.find(job.id()).orElseThrow();
        assertThat(running.leaseExpiresAt()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(running.epoch()).isEqualTo(1);
        assertThat(running.iteration()).isEqualTo(120);
        assertThat(running.progress()).isEqualTo(new Progress(Map.of("loss", 0.5), 900.0, 42L));
        assertThat(fixtures.checkpoints(job.id())).isEqualTo(1);

        assertThat(jobs.finish(job.id(), claimed.leaseEpoch(), JobState.RUNNING, JobState.SUCCEEDED, null)).isTrue();
        JobRow done = jobs.find(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.finishedAt()).isEqualTo(clock.instant());
        assertThat(done.leaseOwner()).isNull();
        assertThat(done.leaseExpiresAt()).isNull();
    }

    @Test
    void aWorkerWhoseLeaseWasTakenCanChangeNothing() {
        JobRow job = create(job());
        ClaimedJob stale = claim("replica-a");
        clock.advance(LEASE.plusSeconds(1));
        assertThat(jobs.reapRequeue(job.id(), stale.leaseEpoch(), "replica-a went quiet")).isTrue();
        ClaimedJob current = claim("replica-b");
        assertThat(current.leaseEpoch()).isGreaterThan(stale.leaseEpoch());
        AtomicBoolean ran = new AtomicBoolean();

        assertThat(jobs.heartbeat(job.id(), stale.leaseEpoch(), LEASE)).isEmpty();
        assertThat(jobs.reportProgress(job.id(), stale.leaseEpoch(), 3, 300, Progress.NONE)).isFalse();
        assertThat(jobs.recordEpochMetrics(job.id(), stale.leaseEpoch(), 3, Map.of("loss", 9.9))).isFalse();
        assertThat(jobs.withinLease(job.id(), stale.leaseEpoch(), () -> ran.set(true))).isFalse();
        assertThat(jobs.finish(job.id(), stale.leaseEpoch(), JobState.RUNNING, JobState.SUCCEEDED, null)).isFalse();
        assertThat(jobs.requeue(job.id(), stale.leaseEpoch(), "stale", true)).isFalse();

        assertThat(ran).isFalse();
        JobRow row = jobs.find(job.id()).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.RUNNING);
        assertThat(row.leaseOwner()).isEqualTo("replica-b");
        assertThat(row.leaseEpoch()).isEqualTo(current.leaseEpoch());
        assertThat(row.epoch()).isZero();
        assertThat(jobs.metrics(job.id(), -1)).isEmpty();
        assertThat(jobs.heartbeat(job.id(), current.leaseEpoch(), LEASE)).contains(JobState.RUNNING);
    }

    @Test
    void recordingAnEpochAgainReplacesIt() {
        JobRow job = create(job());
        ClaimedJob claimed = claim("w");

        jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 1, Map.of("loss", 0.9));
        jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 2, Map.of("loss", 0.7));
        jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 2, Map.of("loss", 0.6, "accuracy", 0.8));

        List<EpochMetrics> history = jobs.metrics(job.id(), -1);
        assertThat(history).extracting(EpochMetrics::epoch).containsExactly(1, 2);
        assertThat(history.get(1).metrics()).isEqualTo(Map.of("loss", 0.6, "accuracy", 0.8));
        assertThat(jobs.metrics(job.id(), 1)).extracting(EpochMetrics::epoch).containsExactly(2);
    }

    @Test
    void reRecordingAnEarlierEpochDropsTheLaterOnesOfTheFailedAttempt() {
        JobRow job = create(job());
        ClaimedJob claimed = claim("w");
        for (int epoch = 1; epoch <= 5; epoch++) {
            jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), epoch, Map.of("loss", 1.0 / epoch));
        }

        // A resumed attempt whose checkpoint was epoch 3 re-trains epoch 4 and then stops early.
        jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 4, Map.of("loss", 0.3));

        assertThat(jobs.metrics(job.id(), -1)).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4);
    }

    @Test
    void theHolderCanRequeueWithoutSpendingAnAttempt() {
        JobRow job = create(job());
        ClaimedJob claimed = claim("w");

        assertThat(jobs.requeue(job.id(), claimed.leaseEpoch(), null, false)).isTrue();

        JobRow row = jobs.find(job.id()).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.QUEUED);
        assertThat(row.attempt()).isZero();
        assertThat(row.leaseOwner()).isNull();
        assertThat(row.leaseEpoch()).isEqualTo(claimed.leaseEpoch() + 1);
    }

    @Test
    void illegalTransitionsAreRefusedBeforeAnySql() {
        JobRow job = create(job());
        ClaimedJob claimed = claim("w");

        assertThatThrownBy(() -> jobs.finish(job.id(), claimed.leaseEpoch(), JobState.RUNNING, JobState.QUEUED, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jobs.finish(job.id(), claimed.leaseEpoch(), JobState.QUEUED, JobState.SUCCEEDED,
                null)).isInstanceOf(IllegalStateException.class);
        assertThat(jobs.find(job.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    // ---- user actions ----------------------------------------------------------------------------------------

    @Test
    void cancelEndsAQueuedJobAndAsksARunningOneToStop() {
        JobRow queued = create(job());
        assertThat(jobs.cancelQueued(queued.id(), team)).isTrue();
        assertThat(jobs.find(queued.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.cancelQueued(queued.id(), team)).isFalse();

        JobRow job = create(job());
        ClaimedJob claimed = claim("w");
        assertThat(jobs.cancelQueued(job.id(), team)).isFalse();
        assertThat(jobs.requestCancel(job.id(), team)).isTrue();
        assertThat(jobs.heartbeat(job.id(), claimed.leaseEpoch(), LEASE)).contains(JobState.CANCELLING);
        assertThat(jobs.find(job.id()).orElseThrow().cancelRequested()).isTrue();
        assertThat(jobs.finish(job.id(), claimed.leaseEpoch(), JobState.CANCELLING, JobState.CANCELLED, null))
                .isTrue();
        assertThat(jobs.requestCancel(job.id(), team)).isFalse();
    }

    @Test
    void deletesOnlyJobsNoWorkerHoldsAndTheirHistoryWithThem() {
        JobRow job = create(job().withLabel("k", "v"));
        ClaimedJob claimed = claim("w");
        jobs.recordEpochMetrics(job.id(), claimed.leaseEpoch(), 1, Map.of("loss", 1.0));

        assertThat(jobs.deleteUnleased(job.id(), team)).isFalse();
        jobs.finish(job.id(), claimed.leaseEpoch(), JobState.RUNNING, JobState.FAILED, "boom");
        assertThat(jobs.deleteUnleased(job.id(), "default")).isFalse();
        assertThat(jobs.deleteUnleased(job.id(), team)).isTrue();

        assertThat(jobs.find(job.id())).isEmpty();
        assertThat(jobs.metrics(job.id(), -1)).isEmpty();
        assertThat(jobs.list(team, new JobFilter(Set.of(), Map.of("k", "v"), null, null, 10)).items()).isEmpty();
    }

    // ---- the reaper ------------------------------------------------------------------------------------------

    @Test
    void theReaperRequeuesExpiredLeasesAndFailsTheJobAfterItsLastAttempt() {
        LeaseReaperTask reaper = new LeaseReaperTask(jobs, new JobEvents(events::add, clock), JobsProperties.defaults());
        JobRow job = create(job().withMaxAttempts(2));

        ClaimedJob first = claim("replica-a");
        assertThat(reaper.reap()).isZero();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(reaper.reap()).isEqualTo(1);
        JobRow requeued = jobs.find(job.id()).orElseThrow();
        assertThat(requeued.state()).isEqualTo(JobState.QUEUED);
        assertThat(requeued.attempt()).isEqualTo(1);
        assertThat(requeued.leaseEpoch()).isGreaterThan(first.leaseEpoch());
        assertThat(requeued.failureReason()).contains("replica-a").contains("attempt 1 of 2");

        ClaimedJob second = claim("replica-b");
        assertThat(second.attempt()).isEqualTo(2);
        clock.advance(LEASE.plusSeconds(1));
        assertThat(reaper.reap()).isEqualTo(1);
        JobRow failed = jobs.find(job.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.failureReason()).contains("replica-b").contains("attempt 2 of 2");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(events).containsExactly(
                new JobStateChanged(job.id(), team, JobState.RUNNING, JobState.QUEUED,
                        Instant.parse("2030-01-01T00:00:32Z")),
                new JobStateChanged(job.id(), team, JobState.RUNNING, JobState.FAILED,
                        Instant.parse("2030-01-01T00:01:03Z")));
    }

    @Test
    void theReaperLeavesRenewedLeasesAloneAndEndsExpiredCancellations() {
        LeaseReaperTask reaper = new LeaseReaperTask(jobs, new JobEvents(events::add, clock), JobsProperties.defaults());
        JobRow live = create(job());
        ClaimedJob liveClaim = claim("w");
        JobRow cancelling = create(job());
        claim("w");
        jobs.requestCancel(cancelling.id(), team);

        clock.advance(LEASE.minusSeconds(1));
        jobs.heartbeat(live.id(), liveClaim.leaseEpoch(), LEASE);
        clock.advance(Duration.ofSeconds(2));

        assertThat(reaper.reap()).isEqualTo(1);
        assertThat(jobs.find(live.id()).orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(jobs.find(cancelling.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    private Page<JobRow> list(Set<JobState> states, Map<String, String> labels, String name) {
        return jobs.list(team, new JobFilter(states, labels, name, null, 50));
    }

    private static List<UUID> ids(Page<JobRow> page) {
        return page.items().stream().map(JobRow::id).toList();
    }
}
