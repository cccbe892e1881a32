package io.trainyard.jobs;

import io.trainyard.system.PageCursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue and its fenced leases, in SQL that runs unchanged on PostgreSQL and on H2 in PostgreSQL mode
 * (checked by one contract test against both).
 * <p>
 * A claim is optimistic: read a few candidates in queue order, then {@code UPDATE ... WHERE state = 'QUEUED'
 * AND lease_epoch = <seen>}; a concurrent claimer makes that update match no row, and the loser moves on to
 * the next candidate. Every write a worker makes afterwards is conditioned on the {@code lease_epoch} its claim
 * produced, so a worker whose lease was taken changes nothing. Time comes from the replicas' clocks (portable,
 * and testable with a fixed clock): lease durations must dwarf clock skew.
 */
class JobRepository {

    private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String LEASED = "('RUNNING','CANCELLING')";
    private static final String UNFINISHED = "('QUEUED','RUNNING','CANCELLING')";
    private static final int CLAIM_CANDIDATES = 8;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    JobRepository(DataSource dataSource, PlatformTransactionManager transactions, JsonMapper json, Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
    }

    // ---- submission and reads ------------------------------------------------------------------------------

    /** @throws org.springframework.dao.DuplicateKeyException when the team already used the idempotency key */
    JobRow create(NewJob job) {
        return create(job, () -> { });
    }

    /**
     * Inserts the job in one transaction with {@code precondition}, which runs first and may take row locks (the
     * dataset, a parent job) that keep what the job needs from being deleted until it is committed; an exception
     * it throws leaves nothing behind. Returns the row as committed: read inside the transaction, so a worker that
     * claims the job the moment it commits cannot make the submitter see it RUNNING already.
     */
    JobRow create(NewJob job, Runnable precondition) {
        OffsetDateTime now = now();
        return tx.execute(status -> {
            precondition.run();
            jdbc.sql("""
                    INSERT INTO jobs (id, team_id, name, dataset_id, spec, labels, idempotency_key, state, priority,
                                      attempt, max_attempts, lease_epoch, cancel_requested, epoch, total_epochs,
                                      iteration, parent_job_id, parent_checkpoint_id, created_at, updated_at)
                    VALUES (:id, :team, :name, :dataset, :spec, :labels, :key, 'QUEUED', :priority,
                            0, :maxAttempts, 0, FALSE, 0, :totalEpochs, 0, :parent, :parentCheckpoint, :now, :now)""")
                    .param("id", job.id()).param("team", job.team()).param("name", job.name())
                    .param("dataset", job.datasetId()).param("spec", job.spec())
                    .param("labels", json.writeValueAsString(job.labels()))
                    .param("key", job.idempotencyKey()).param("priority", job.priority())
                    .param("maxAttempts", job.maxAttempts()).param("totalEpochs", job.totalEpochs())
                    .param("parent", job.parentJobId()).param("parentCheckpoint", job.parentCheckpointId())
                    .param("now", now)
                    .update();
            job.labels().forEach((key, value) -> jdbc.sql(
                            "INSERT INTO job_labels (job_id, label_key, label_value) VALUES (:id, :key, :value)")
                    .param("id", job.id()).param("key", key).param("value", value).update());
            return find(job.id()).orElseThrow();
        });
    }

    Optional<JobRow> find(UUID id, String team) {
        return jdbc.sql("SELECT * FROM jobs WHERE id = :id AND team_id = :team")
                .param("id", id).param("team", team).query(this::row).optional();
    }

    Optional<JobRow> find(UUID id) {
        return jdbc.sql("SELECT * FROM jobs WHERE id = :id").param("id", id).query(this::row).optional();
    }

    Optional<JobRow> findByIdempotencyKey(String team, String key) {
        return jdbc.sql("SELECT * FROM jobs WHERE team_id = :team AND idempotency_key = :key")
                .param("team", team).param("key", key).query(this::row).optional();
    }

    /** Newest first. */
    Page<JobRow> list(String team, JobFilter filter) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE team_id = :team");
        Map<String, Object> params = new HashMap<>();
        params.put("team", team);
        if (!filter.states().isEmpty()) {
            sql.append(" AND state IN (:states)");
            params.put("states", filter.states().stream().map(Enum::name).sorted().toList());
        }
        int i = 0;
        for (Map.Entry<String, String> label : filter.labels().entrySet()) {
            sql.append(" AND EXISTS (SELECT 1 FROM job_labels l WHERE l.job_id = jobs.id AND l.label_key = :lk")
                    .append(i).append(" AND l.label_value = :lv").append(i).append(')');
            params.put("lk" + i, label.getKey());
            params.put("lv" + i, label.getValue());
            i++;
        }
        if (filter.nameContains() != null) {
            sql.append(" AND LOWER(name) LIKE :name ESCAPE '\\'");
            params.put("name", "%" + likeEscape(filter.nameContains().toLowerCase(Locale.ROOT)) + "%");
        }
        if (filter.after() != null) {
            sql.append(" AND (created_at < :afterAt OR (created_at = :afterAt AND id < :afterId))");
            params.put("afterAt", utc(filter.after().createdAt()));
            params.put("afterId", filter.after().id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.put("limit", filter.limit() + 1);
        List<JobRow> rows = jdbc.sql(sql.toString()).params(params).query(this::row).list();
        if (rows.size() <= filter.limit()) {
            return new Page<>(rows, null);
        }
        List<JobRow> page = List.copyOf(rows.subList(0, filter.limit()));
        JobRow last = page.get(page.size() - 1);
        return new Page<>(page, new PageCursor(last.createdAt(), last.id()).encode());
    }

    /** Epochs after {@code afterEpoch}, oldest first. */
    List<EpochMetrics> metrics(UUID jobId, int afterEpoch) {
        return jdbc.sql("SELECT epoch, metrics, recorded_at FROM job_metrics WHERE job_id = :id AND epoch > :after "
                        + "ORDER BY epoch")
                .param("id", jobId).param("after", afterEpoch)
                .query((rs, n) -> new EpochMetrics(rs.getInt("epoch"), json.readValue(rs.getString("metrics"),
                        OBJECT_MAP), instant(rs, "recorded_at")))
                .list();
    }

    // ---- user actions (not fenced: conditioned on the state instead) -----------------------------------------

    /** QUEUED → CANCELLED. False when the job was not QUEUED any more. */
    boolean cancelQueued(UUID id, String team) {
        JobState.QUEUED.requireTransitionTo(JobState.CANCELLED);
        return jdbc.sql("""
                        UPDATE jobs SET state = 'CANCELLED', cancel_requested = TRUE, finished_at = :now, updated_at = :now
                        WHERE id = :id AND team_id = :team AND state = 'QUEUED'""")
                .param("id", id).param("team", team).param("now", now()).update() == 1;
    }

    /** RUNNING → CANCELLING; the worker sees it at its next heartbeat. False when the job was not RUNNING. */
    boolean requestCancel(UUID id, String team) {
        JobState.RUNNING.requireTransitionTo(JobState.CANCELLING);
        return jdbc.sql("""
                        UPDATE jobs SET state = 'CANCELLING', cancel_requested = TRUE, updated_at = :now
                        WHERE id = :id AND team_id = :team AND state = 'RUNNING'""")
                .param("id", id).param("team", team).param("now", now()).update() == 1;
    }

    /** Deletes a job that no worker holds. False when it does not exist or is leased. */
    boolean deleteUnleased(UUID id, String team) {
        // job_labels, job_metrics and checkpoints rows go by ON DELETE CASCADE. A continuation that has not ended
        // still needs this job's checkpoint, so the job stays while one exists; the row lock first makes a
        // "continue" that is inserting one either commit before the check below sees it, or wait and find no job.
        return Boolean.TRUE.equals(tx.execute(status -> lock(id)
                && activeContinuations(id).isEmpty()
                && jdbc.sql("DELETE FROM jobs WHERE id = :id AND team_id = :team AND state NOT IN " + LEASED)
                        .param("id", id).param("team", team).update() == 1));
    }

    /** Locks the job's row for the rest of the transaction; false when there is no such job. */
    boolean lock(UUID id) {
        return jdbc.sql("SELECT id FROM jobs WHERE id = :id FOR UPDATE").param("id", id).query(UUID.class).optional()
                .isPresent();
    }

    /** Jobs that continue from {@code id}'s checkpoint and have not ended, oldest first. */
    List<UUID> activeContinuations(UUID id) {
        return jdbc.sql("SELECT id FROM jobs WHERE parent_job_id = :id AND state IN " + UNFINISHED
                        + " ORDER BY created_at, id")
                .param("id", id).query(UUID.class).list();
    }

    // ---- the worker side: claim, then fenced writes ---------------------------------------------------------

    /**
     * Claims the next QUEUED job in queue order (higher priority first, then older first) for {@code owner}:
     * RUNNING, attempt + 1, a new lease epoch and a lease until now + {@code lease}. With a per-team limit the
     * claim holds the team's row lock while it counts, so replicas racing for one team cannot overshoot.
     */
    Optional<ClaimedJob> claimNext(String owner, Duration lease, int maxPerTeam) {
        JobState.QUEUED.requireTransitionTo(JobState.RUNNING);
        String teamLimit = maxPerTeam > 0 ? " AND (SELECT COUNT(*) FROM jobs r WHERE r.team_id = j.team_id AND "
                + "r.state IN " + LEASED + ") < :max" : "";
        List<Candidate> candidates = jdbc.sql("SELECT id, team_id, lease_epoch FROM jobs j WHERE state = 'QUEUED'"
                        + teamLimit + " ORDER BY priority DESC, created_at, id LIMIT :n")
                .param("max", maxPerTeam).param("n", CLAIM_CANDIDATES)
                .query((rs, n) -> new Candidate(rs.getObject("id", UUID.class), rs.getString("team_id"),
                        rs.getLong("lease_epoch")))
                .list();
        for (Candidate c : candidates) {
            try {
                boolean won = maxPerTeam > 0
                        ? Boolean.TRUE.equals(tx.execute(status -> claimWithinTeamLimit(c, owner, lease, maxPerTeam)))
                        : claim(c, owner, lease);
                if (won) {
                    // nobody else can have moved the epoch on within the lease we just took
                    return find(c.id()).map(JobRow::toClaimed);
                }
            } catch (ConcurrencyFailureException e) {
                // a lock wait timed out against a concurrent claimer (H2): that claimer won this one
            }
        }
        return Optional.empty();
    }

    private boolean claimWithinTeamLimit(Candidate c, String owner, Duration lease, int maxPerTeam) {
        jdbc.sql("SELECT id FROM teams WHERE id = :team FOR UPDATE").param("team", c.team()).query().listOfRows();
        int leased = jdbc.sql("SELECT COUNT(*) FROM jobs WHERE team_id = :team AND state IN " + LEASED)
                .param("team", c.team()).query(Integer.class).single();
        return leased < maxPerTeam && claim(c, owner, lease);
    }

    private boolean claim(Candidate c, String owner, Duration lease) {
        OffsetDateTime now = now();
        return jdbc.sql("""
                        UPDATE jobs SET state = 'RUNNING', lease_owner = :owner, lease_epoch = lease_epoch + 1,
                               lease_expires_at = :expires, attempt = attempt + 1,
                               started_at = COALESCE(started_at, :now), updated_at = :now
                        WHERE id = :id AND state = 'QUEUED' AND lease_epoch = :epoch""")
                .param("owner", owner).param("expires", now.plus(lease)).param("now", now)
                .param("id", c.id()).param("epoch", c.leaseEpoch())
                .update() == 1;
    }

    /** Renews the lease; empty when it was lost, else the state (CANCELLING tells the worker to stop). */
    Optional<JobState> heartbeat(UUID id, long leaseEpoch, Duration lease) {
        OffsetDateTime now = now();
        int updated = jdbc.sql("UPDATE jobs SET lease_expires_at = :expires, updated_at = :now "
                        + "WHERE id = :id AND lease_epoch = :epoch AND state IN " + LEASED)
                .param("expires", now.plus(lease)).param("now", now).param("id", id).param("epoch", leaseEpoch)
                .update();
        return updated == 1 ? leasedState(id, leaseEpoch) : Optional.empty();
    }

    /** The state while {@code leaseEpoch} still holds the lease; empty when it does not. */
    Optional<JobState> leasedState(UUID id, long leaseEpoch) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = :id AND lease_epoch = :epoch AND state IN " + LEASED)
                .param("id", id).param("epoch", leaseEpoch)
                .query((rs, n) -> JobState.valueOf(rs.getString("state"))).optional();
    }

    boolean reportProgress(UUID id, long leaseEpoch, int epoch, long iteration, Progress progress) {
        return jdbc.sql("UPDATE jobs SET epoch = :epoch, iteration = :iteration, progress = :progress, "
                        + "updated_at = :now WHERE id = :id AND lease_epoch = :lease AND state IN " + LEASED)
                .param("epoch", epoch).param("iteration", iteration)
                .param("progress", json.writeValueAsString(progress)).param("now", now())
                .param("id", id).param("lease", leaseEpoch)
                .update() == 1;
    }

    /** Stores (or replaces) one epoch's metrics while the lease holds. */
    boolean recordEpochMetrics(UUID id, long leaseEpoch, int epoch, Map<String, Object> metrics) {
        String text = json.writeValueAsString(metrics);
        return withinLease(id, leaseEpoch, () -> {
            // Epochs are recorded in order: re-recording epoch E (a resumed attempt re-training it from an older
            // checkpoint) makes every later row of the failed attempt stale too.
            jdbc.sql("DELETE FROM job_metrics WHERE job_id = :id AND epoch >= :epoch")
                    .param("id", id).param("epoch", epoch).update();
            jdbc.sql("INSERT INTO job_metrics (job_id, epoch, team_id, metrics, recorded_at) "
                            + "SELECT id, :epoch, team_id, :metrics, :now FROM jobs WHERE id = :id")
                    .param("epoch", epoch).param("metrics", text).param("now", now()).param("id", id).update();
        });
    }

    /**
     * Runs {@code writes} in a transaction that first locks the job row, and only while {@code leaseEpoch} holds
     * the lease. The row lock makes a concurrent claim or reap wait until the writes commit, so nothing a stale
     * worker writes can land after the lease moved on.
     */
    boolean withinLease(UUID id, long leaseEpoch, Runnable writes) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            boolean held = !jdbc.sql("SELECT id FROM jobs WHERE id = :id AND lease_epoch = :epoch AND state IN "
                            + LEASED + " FOR UPDATE")
                    .param("id", id).param("epoch", leaseEpoch).query().listOfRows().isEmpty();
            if (held) {
                writes.run();
            }
            return held;
        }));
    }

    /**
     * The lease holder ends the job: {@code from} (RUNNING or CANCELLING) → a terminal state. False when the lease
     * was lost or the state was no longer {@code from}.
     */
    boolean finish(UUID id, long leaseEpoch, JobState from, JobState to, String failureReason) {
        return finish(id, leaseEpoch, from, to, failureReason, false);
    }

    /**
     * The lease holder gives the job back to the queue (RUNNING → QUEUED), bumping the lease epoch so the old
     * claim is dead. {@code countAttempt=false} (a replica shutting down) does not spend one of the job's attempts.
     */
    boolean requeue(UUID id, long leaseEpoch, String reason, boolean countAttempt) {
        return requeue(id, leaseEpoch, reason, countAttempt, false);
    }

    // ---- the reaper ------------------------------------------------------------------------------------------

    /** Leased jobs whose lease expired before now, longest expired first. */
    List<JobRow> expiredLeases(int limit) {
        return jdbc.sql("SELECT * FROM jobs WHERE state IN " + LEASED + " AND lease_expires_at < :now "
                        + "ORDER BY lease_expires_at LIMIT :limit")
                .param("now", now()).param("limit", limit).query(this::row).list();
    }

    /** Like {@link #finish} but only while the lease is still expired (a late heartbeat wins). */
    boolean reapFinish(UUID id, long leaseEpoch, JobState from, JobState to, String failureReason) {
        return finish(id, leaseEpoch, from, to, failureReason, true);
    }

    /** Like {@link #requeue} (attempt counted) but only while the lease is still expired. */
    boolean reapRequeue(UUID id, long leaseEpoch, String reason) {
        return requeue(id, leaseEpoch, reason, true, true);
    }

    private boolean finish(UUID id, long leaseEpoch, JobState from, JobState to, String failureReason,
            boolean onlyIfExpired) {
        from.requireTransitionTo(to);
        if (!to.isTerminal()) {
            throw new IllegalArgumentException(to + " is not a final state");
        }
        // a successful job keeps no failure reason; a cancelled or failed one keeps the latest it had
        String reason = to == JobState.SUCCEEDED ? "NULL" : "COALESCE(:reason, failure_reason)";
        return jdbc.sql("UPDATE jobs SET state = :to, lease_owner = NULL, lease_expires_at = NULL, failure_reason = "
                        + reason + ", finished_at = :now, updated_at = :now "
                        + "WHERE id = :id AND lease_epoch = :epoch AND state = :from"
                        + (onlyIfExpired ? " AND lease_expires_at < :now" : ""))
                .param("to", to.name()).param("reason", failureReason).param("now", now())
                .param("id", id).param("epoch", leaseEpoch).param("from", from.name())
                .update() == 1;
    }

    private boolean requeue(UUID id, long leaseEpoch, String reason, boolean countAttempt, boolean onlyIfExpired) {
        JobState.RUNNING.requireTransitionTo(JobState.QUEUED);
        return jdbc.sql("UPDATE jobs SET state = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL, "
                        + "lease_epoch = lease_epoch + 1, failure_reason = COALESCE(:reason, failure_reason), updated_at = :now"
                        + (countAttempt ? "" : ", attempt = attempt - 1")
                        + " WHERE id = :id AND lease_epoch = :epoch AND state = 'RUNNING'"
                        + (onlyIfExpired ? " AND lease_expires_at < :now" : ""))
                .param("reason", reason).param("now", now()).param("id", id).param("epoch", leaseEpoch)
                .update() == 1;
    }

    // ---- mapping ---------------------------------------------------------------------------------------------

    private JobRow row(ResultSet rs, int n) throws SQLException {
        String labels = rs.getString("labels");
        String progress = rs.getString("progress");
        return new JobRow(
                rs.getObject("id", UUID.class),
                rs.getString("team_id"),
                rs.getString("name"),
                rs.getObject("dataset_id", UUID.class),
                rs.getString("spec"),
                labels == null ? Map.of() : json.readValue(labels, STRING_MAP),
                rs.getString("idempotency_key"),
                JobState.valueOf(rs.getString("state")),
                rs.getInt("priority"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                rs.getString("lease_owner"),
                rs.getLong("lease_epoch"),
                instant(rs, "lease_expires_at"),
                rs.getBoolean("cancel_requested"),
                rs.getInt("epoch"),
                rs.getInt("total_epochs"),
                rs.getLong("iteration"),
                progress == null ? Progress.NONE : json.readValue(progress, Progress.class),
                rs.getString("failure_reason"),
                rs.getObject("parent_job_id", UUID.class),
                rs.getObject("parent_checkpoint_id", UUID.class),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Microseconds: what both databases store, so a value read back equals the value written (cursors). */
    private OffsetDateTime now() {
        return utc(clock.instant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Queued, running or cancelling jobs that train or validate on the dataset, oldest first. */
    List<UUID> unfinishedReading(UUID datasetId) {
        // A job's validation dataset is in its stored spec only ("validation":{"dataset":"<id>"}).
        return jdbc.sql("SELECT id FROM jobs WHERE (dataset_id = :id OR spec LIKE :inSpec) "
                        + "AND state IN " + UNFINISHED + " ORDER BY created_at")
                .param("id", datasetId)
                .param("inSpec", "%\"" + datasetId + "\"%")
                .query((rs, n) -> rs.getObject(1, UUID.class))
                .list();
    }

    /** Whether any job, finished or not, trains on the dataset (its foreign key). */
    boolean anyTrainingOn(UUID datasetId) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE dataset_id = :id").param("id", datasetId)
                .query(Long.class).single() > 0;
    }

    private record Candidate(UUID id, String team, long leaseEpoch) {
    }
}
