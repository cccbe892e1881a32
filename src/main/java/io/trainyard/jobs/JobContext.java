package io.trainyard.jobs;

import java.time.Duration;
import java.util.Map;

/**
 * What a {@link JobRunner} may write about its job. Every write is conditioned on the lease epoch the job was
 * claimed with: once another worker (or the reaper) has taken the lease, each call changes nothing and returns
 * false, {@link #leaseLost()} turns true, and the runner should stop at the next batch.
 */
public interface JobContext {

    /** The fencing token of this claim; checkpoints store it with their row. */
    long leaseEpoch();

    /** Renews the lease now (the pool also does this on its own every heartbeat interval). */
    boolean heartbeat();

    /**
     * The job's live progress, shown by {@code GET /api/v1/jobs/{id}}.
     *
     * @param samplesPerSecond null when unknown
     * @param eta              remaining time estimate, null when unknown
     */
    boolean reportProgress(int epoch, long iteration, Map<String, Object> latestMetrics, Double samplesPerSecond,
            Duration eta);

    /**
     * Stores one finished epoch's metrics (JSON-serialisable values) in the job's history and announces
     * {@link JobEpochCompleted}. Recording an epoch again (a retried attempt re-training it) replaces it and drops the
     * rows of later epochs, which the earlier attempt recorded from a state that was never checkpointed.
     */
    boolean recordEpochMetrics(int epoch, Map<String, Object> metrics);

    /**
     * Runs {@code writes} in one database transaction that holds a lock on the job row and only if this lease is
     * still current: the commit point for a checkpoint row. Returns false, without running it, when the lease was
     * lost. Writes made with Spring's JdbcClient/JdbcTemplate or JPA on the application DataSource join the
     * transaction; an exception thrown by {@code writes} rolls it back and propagates.
     */
    boolean withinLease(Runnable writes);

    /** A user asked to cancel the job. */
    boolean cancelRequested();

    /** Another worker or the reaper took the lease: every write is now refused. */
    boolean leaseLost();

    /** Stop at the next batch: cancel requested, lease lost, or this replica is shutting down. */
    boolean shouldStop();
}
