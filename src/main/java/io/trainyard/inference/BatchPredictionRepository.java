package io.trainyard.inference;

import io.trainyard.inference.BatchPredictions.State;
import io.trainyard.inference.BatchPredictions.Task;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code batch_predictions} table (V50). A claim is optimistic, as for jobs: read a few claimable candidates,
 * then {@code UPDATE ... WHERE attempt = <seen>}; a concurrent claimer makes that match nothing and the loser
 * moves on. Every later write by the runner is fenced by the {@code attempt} its claim set, so a runner that lost
 * its lease (a long GC pause, a network split) cannot overwrite what the next claimer does.
 */
@Repository
class BatchPredictionRepository {

    private final JdbcClient jdbc;

    BatchPredictionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a QUEUED task, reserved for {@code owner} (the replica that accepted it) until {@code reservedUntil}:
     * other replicas leave it alone until then. A null owner reserves nothing.
     */
    void insert(Task t, String owner, Instant reservedUntil) {
        jdbc.sql("""
                INSERT INTO batch_predictions (id, team_id, model_name, model_version, dataset_id, state, examples,
                                               done, attempt, lease_owner, lease_expires_at, created_at)
                VALUES (:id, :team, :model, :version, :dataset, :state, :examples, 0, 0, :owner, :until, :created)""")
                .param("id", t.id()).param("team", t.team()).param("model", t.model()).param("version", t.version())
                .param("dataset", t.datasetId()).param("state", t.state().name()).param("examples", t.examples())
                .param("owner", owner).param("until", owner == null ? null : Timestamp.from(reservedUntil))
                .param("created", Timestamp.from(t.createdAt())).update();
    }

    Optional<Task> find(String team, String model, UUID id) {
        return jdbc.sql("SELECT * FROM batch_predictions WHERE id = :id AND team_id = :team AND model_name = :model")
                .param("id", id).param("team", team).param("model", model).query(this::task).optional();
    }

    Optional<Task> find(UUID id) {
        return jdbc.sql("SELECT * FROM batch_predictions WHERE id = :id").param("id", id).query(this::task).optional();
    }

    /**
     * Claims a task: those reserved for {@code owner} first, then the oldest QUEUED one that nobody else reserved
     * (or whose reservation lapsed), or a RUNNING one whose lease expired (its replica died) and that has attempts
     * left. Returns it with its new {@code attempt}.
     */
    Optional<Task> claimNext(String owner, Duration lease, int maxAttempts, Instant now) {
        List<Task> candidates = jdbc.sql("""
                SELECT * FROM batch_predictions
                WHERE attempt < :max
                  AND ((state = 'QUEUED' AND (lease_owner IS NULL OR lease_owner = :owner OR lease_expires_at < :now))
                       OR (state = 'RUNNING' AND lease_expires_at < :now))
                ORDER BY CASE WHEN lease_owner = :owner THEN 0 ELSE 1 END, created_at LIMIT 5""")
                .param("now", Timestamp.from(now)).param("max", maxAttempts).param("owner", owner)
                .query(this::task).list();
        for (Task c : candidates) {
            int claimed = jdbc.sql("""
                    UPDATE batch_predictions SET state = 'RUNNING', attempt = attempt + 1, lease_owner = :owner,
                           lease_expires_at = :expires, started_at = :now, done = 0, error = NULL
                    WHERE id = :id AND attempt = :attempt AND state = :state""")
                    .param("owner", owner).param("expires", Timestamp.from(now.plus(lease)))
                    .param("now", Timestamp.from(now)).param("id", c.id()).param("attempt", c.attempt())
                    .param("state", c.state().name()).update();
            if (claimed == 1) {
                return find(c.id());
            }
        }
        return Optional.empty();
    }

    /** Renews the lease and records progress; false when the claim is no longer this runner's. */
    boolean heartbeat(UUID id, int attempt, long done, Duration lease, Instant now) {
        return jdbc.sql("""
                UPDATE batch_predictions SET lease_expires_at = :expires, done = :done
                WHERE id = :id AND attempt = :attempt AND state = 'RUNNING'""")
                .param("expires", Timestamp.from(now.plus(lease))).param("done", done).param("id", id)
                .param("attempt", attempt).update() == 1;
    }

    /** Ends the claimed task; false when the claim is no longer this runner's. */
    boolean finish(UUID id, int attempt, State state, long done, String error, Instant now) {
        return jdbc.sql("""
                UPDATE batch_predictions SET state = :state, done = :done, error = :error, lease_owner = NULL,
                       lease_expires_at = NULL, finished_at = :now
                WHERE id = :id AND attempt = :attempt AND state = 'RUNNING'""")
                .param("state", state.name()).param("done", done).param("error", error)
                .param("now", Timestamp.from(now)).param("id", id).param("attempt", attempt).update() == 1;
    }

    /**
     * A replica shutting down hands its task back: QUEUED again at once, without spending one of its attempts,
     * so another replica (or this one after the restart) starts it without waiting for the lease to expire.
     */
    boolean release(UUID id, int attempt) {
        return jdbc.sql("""
                UPDATE batch_predictions SET state = 'QUEUED', attempt = attempt - 1, lease_owner = NULL,
                       lease_expires_at = NULL, done = 0
                WHERE id = :id AND attempt = :attempt AND state = 'RUNNING'""")
                .param("id", id).param("attempt", attempt).update() == 1;
    }

    /**
     * Tasks whose lease expired after their last allowed attempt: FAILED, saying why. Returns how many. A task that
     * keeps killing its replica (out of memory on a huge dataset) thus stops instead of taking replica after replica
     * down.
     */
    int failExhausted(int maxAttempts, Instant now) {
        return jdbc.sql("""
                UPDATE batch_predictions SET state = 'FAILED', lease_owner = NULL, lease_expires_at = NULL,
                       finished_at = :now, error = :error
                WHERE state = 'RUNNING' AND lease_expires_at < :now AND attempt >= :max""")
                .param("now", Timestamp.from(now)).param("max", maxAttempts)
                .param("error", "the service stopped while running this task " + maxAttempts + " times (each time "
                        + "its replica ended or lost the database); it is not retried again. Resubmit it, or check "
                        + "the service logs if it keeps failing.")
                .update();
    }

    private Task task(ResultSet rs, int n) throws SQLException {
        return new Task(rs.getObject("id", UUID.class), rs.getString("team_id"), rs.getString("model_name"),
                rs.getInt("model_version"), rs.getObject("dataset_id", UUID.class), State.valueOf(rs.getString("state")),
                rs.getLong("examples"), rs.getLong("done"), rs.getString("error"), rs.getInt("attempt"),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
