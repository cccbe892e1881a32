package io.trainyard.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * This replica's workers: {@code trainyard.jobs.workers} threads, each claiming one job at a time (so the thread
 * count is also the replica's concurrency limit), running it with the {@link JobRunner} while a scheduler renews
 * its lease, then recording the outcome with writes fenced by the claim's lease epoch.
 */
class JobWorkerPool implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorkerPool.class);

    private final JobRepository jobs;
    private final JobRunner runner;
    private final JobEvents events;
    private final JobsProperties properties;
    private final Map<UUID, LeaseContext> active = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private ScheduledExecutorService heartbeats;

    JobWorkerPool(JobRepository jobs, JobRunner runner, JobEvents events, JobsProperties properties) {
        this.jobs = jobs;
        this.runner = runner;
        this.events = events;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (running || properties.workers() == 0) {
            return;
        }
        running = true;
        heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("jobs-heartbeat-" + properties.replicaId()));
        for (int i = 0; i < properties.workers(); i++) {
            Thread t = new Thread(this::work, "jobs-worker-" + properties.replicaId() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        log.info("Job workers started: {} thread(s) as replica {}", properties.workers(), properties.replicaId());
    }

    /**
     * Asks running jobs to stop at their next batch and waits up to {@code shutdownGrace}; each one stopped in
     * time goes back to the queue without spending an attempt. Jobs still running after that keep their lease
     * until it expires and the reaper requeues them on another replica.
     */
    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        active.values().forEach(LeaseContext::requestShutdown);
        synchronized (idle) {
            idle.notifyAll();
        }
        long deadline = System.nanoTime() + properties.shutdownGrace().toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
        heartbeats.shutdownNow();
        log.info("Job workers of replica {} stopped", properties.replicaId());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A cancel made through this replica's API reaches its own worker at once, not at the next heartbeat. */
    @EventListener
    void on(JobStateChanged event) {
        if (event.to() == JobState.CANCELLING) {
            LeaseContext context = active.get(event.jobId());
            if (context != null) {
                context.requestCancel();
            }
        }
    }

    private void work() {
        while (running) {
            Optional<ClaimedJob> claimed = Optional.empty();
            try {
                claimed = jobs.claimNext(properties.replicaId(), properties.leaseDuration(),
                        properties.maxConcurrentPerTeam());
            } catch (RuntimeException e) {
                log.warn("Could not look for jobs to run (will retry): {}", e.toString());
            }
            if (claimed.isPresent()) {
                execute(claimed.get());
            } else {
                pause();
            }
        }
    }

    private void pause() {
        long base = properties.pollInterval().toMillis();
        // ±20% so that replicas started together do not poll the database in lockstep
        long wait = Math.max(1, base + ThreadLocalRandom.current().nextLong(-base / 5, base / 5 + 1));
        synchronized (idle) {
            if (running) {
                try {
                    idle.wait(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    private void execute(ClaimedJob job) {
        LeaseContext context = new LeaseContext(jobs, events, job, properties.leaseDuration());
        active.put(job.id(), context);
        if (!running) {
            context.requestShutdown();
        }
        events.stateChanged(job.id(), job.team(), JobState.QUEUED, JobState.RUNNING);
        log.info("Running job {} (attempt {} of {}, lease epoch {})", job.id(), job.attempt(), job.maxAttempts(),
                job.leaseEpoch());
        long every = properties.heartbeatInterval().toMillis();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> beat(context), every, every,
                TimeUnit.MILLISECONDS);
        JobRunner.Outcome outcome = null;
        Throwable failure = null;
        try {
            outcome = runner.run(job, context);
        } catch (Throwable t) {
            failure = t;
        } finally {
            heartbeat.cancel(false);
            active.remove(job.id());
        }
        try {
            new JobOutcome(jobs, events, context).record(outcome, failure);
        } catch (RuntimeException e) {
            // the lease will expire and the reaper will retry the job: nothing is lost but time
            log.error("Could not record the outcome of job {}", job.id(), e);
        }
    }

    private void beat(LeaseContext context) {
        try {
            if (!context.heartbeat()) {
                log.warn("Job {} lost its lease (epoch {}); its runner is told to stop", context.job().id(),
                        context.leaseEpoch());
            }
        } catch (RuntimeException e) {
            // a failed heartbeat is not a lost lease: retry at the next one while the lease lasts
            log.warn("Heartbeat for job {} failed: {}", context.job().id(), e.toString());
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
