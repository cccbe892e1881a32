package io.trainyard.jobs;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A runner's view of its claim. Once any fenced write finds the lease gone, every later write is refused
 * without asking the database, and {@link #shouldStop()} turns true.
 */
final class LeaseContext implements JobContext {

    private final JobRepository jobs;
    private final JobEvents events;
    private final ClaimedJob job;
    private final Duration leaseDuration;
    private volatile boolean lost;
    private volatile boolean cancel;
    private volatile boolean shutdown;

    LeaseContext(JobRepository jobs, JobEvents events, ClaimedJob job, Duration leaseDuration) {
        this.jobs = jobs;
        this.events = events;
        this.job = job;
        this.leaseDuration = leaseDuration;
    }

    ClaimedJob job() {
        return job;
    }

    @Override
    public long leaseEpoch() {
        return job.leaseEpoch();
    }

    @Override
    public boolean heartbeat() {
        if (lost) {
            return false;
        }
        Optional<JobState> state = jobs.heartbeat(job.id(), job.leaseEpoch(), leaseDuration);
        if (state.isEmpty()) {
            lost = true;
            return false;
        }
        if (state.get() == JobState.CANCELLING) {
            cancel = true;
        }
        return true;
    }

    @Override
    public boolean reportProgress(int epoch, long iteration, Map<String, Object> latestMetrics,
            Double samplesPerSecond, Duration eta) {
        Progress progress = new Progress(latestMetrics, samplesPerSecond, eta == null ? null : eta.toSeconds());
        return held(!lost && jobs.reportProgress(job.id(), job.leaseEpoch(), epoch, iteration, progress));
    }

    @Override
    public boolean recordEpochMetrics(int epoch, Map<String, Object> metrics) {
        boolean ok = held(!lost && jobs.recordEpochMetrics(job.id(), job.leaseEpoch(), epoch, metrics));
        if (ok) {
            events.epochCompleted(job.id(), job.team(), epoch, metrics);
        }
        return ok;
    }

    @Override
    public boolean withinLease(Runnable writes) {
        return held(!lost && jobs.withinLease(job.id(), job.leaseEpoch(), writes));
    }

    @Override
    public boolean cancelRequested() {
        return cancel;
    }

    @Override
    public boolean leaseLost() {
        return lost;
    }

    @Override
    public boolean shouldStop() {
        return cancel || lost || shutdown;
    }

    /** A cancel request seen in-process, sooner than the next heartbeat would. */
    void requestCancel() {
        cancel = true;
    }

    void requestShutdown() {
        shutdown = true;
    }

    boolean shuttingDown() {
        return shutdown;
    }

    private boolean held(boolean ok) {
        if (!ok) {
            lost = true;
        }
        return ok;
    }
}
