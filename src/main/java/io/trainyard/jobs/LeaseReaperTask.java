package io.trainyard.jobs;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Settles jobs whose worker stopped renewing its lease (a crashed or partitioned replica): a RUNNING job goes
 * back to the queue while attempts remain, else it FAILS; a CANCELLING job ends CANCELLED. Every replica runs
 * one, API-only replicas included; they cannot collide because each change is conditioned on the lease epoch
 * and on the lease still being expired, and bumps or ends the lease.
 */
class LeaseReaperTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaperTask.class);
    private static final int BATCH = 100;

    private final JobRepository jobs;
    private final JobEvents events;
    private final JobsProperties properties;
    private ScheduledExecutorService scheduler;

    LeaseReaperTask(JobRepository jobs, JobEvents events, JobsProperties properties) {
        this.jobs = jobs;
        this.events = events;
        this.properties = properties;
    }

    /** One pass; returns how many jobs it settled. */
    int reap() {
        int settled = 0;
        for (JobRow job : jobs.expiredLeases(BATCH)) {
            String who = "Worker " + job.leaseOwner() + " stopped renewing its lease on attempt " + job.attempt()
                    + " of " + job.maxAttempts();
            JobState to;
            boolean done;
            if (job.state() == JobState.CANCELLING) {
                to = JobState.CANCELLED;
                done = jobs.reapFinish(job.id(), job.leaseEpoch(), job.state(), to, null);
            } else if (job.attempt() < job.maxAttempts()) {
                to = JobState.QUEUED;
                done = jobs.reapRequeue(job.id(), job.leaseEpoch(), who);
            } else {
                to = JobState.FAILED;
                String last = job.failureReason() == null ? "" : "; earlier: " + job.failureReason();
                done = jobs.reapFinish(job.id(), job.leaseEpoch(), job.state(), to, who + last);
            }
            if (done) {
                settled++;
                log.warn("Reaped job {}: {} -> {} ({})", job.id(), job.state(), to, who);
                events.stateChanged(job.id(), job.team(), job.state(), to);
            }
        }
        return settled;
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jobs-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long every = properties.reaperInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::reapSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private void reapSafely() {
        try {
            reap();
        } catch (RuntimeException e) {
            log.warn("Lease reaper pass failed (will retry): {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
