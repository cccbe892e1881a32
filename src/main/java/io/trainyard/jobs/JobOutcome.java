package io.trainyard.jobs;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what a runner returned or threw into the job's next state, written under the runner's lease. */
final class JobOutcome {

    private static final Logger log = LoggerFactory.getLogger(JobOutcome.class);

    private final JobRepository jobs;
    private final JobEvents events;
    private final LeaseContext context;
    private final ClaimedJob job;

    JobOutcome(JobRepository jobs, JobEvents events, LeaseContext context) {
        this.jobs = jobs;
        this.events = events;
        this.context = context;
        this.job = context.job();
    }

    private record Decision(JobState to, String reason, boolean countAttempt) {
    }

    void record(JobRunner.Outcome outcome, Throwable failure) {
        if (failure != null && !(failure instanceof JobFailedException)) {
            log.warn("Job {} failed unexpectedly on attempt {}", job.id(), job.attempt(), failure);
        }
        // a user may turn RUNNING into CANCELLING between our read and our write: then decide again
        for (int tries = 0; tries < 3; tries++) {
            Optional<JobState> current = context.leaseLost() ? Optional.empty()
                    : jobs.leasedState(job.id(), job.leaseEpoch());
            if (current.isEmpty()) {
                log.warn("Job {} lost its lease (epoch {}) before it ended; its new owner decides", job.id(),
                        job.leaseEpoch());
                return;
            }
            JobState from = current.get();
            Decision d = decide(from, outcome, failure);
            boolean done = d.to() == JobState.QUEUED
                    ? jobs.requeue(job.id(), job.leaseEpoch(), d.reason(), d.countAttempt())
                    : jobs.finish(job.id(), job.leaseEpoch(), from, d.to(), d.reason());
            if (done) {
                log.info("Job {} {} -> {}{}", job.id(), from, d.to(), d.reason() == null ? "" : ": " + d.reason());
                events.stateChanged(job.id(), job.team(), from, d.to());
                if (d.to() == JobState.SUCCEEDED) {
                    events.succeeded(job);
                }
                return;
            }
        }
        log.warn("Job {} kept changing state while its outcome was recorded; the reaper will settle it", job.id());
    }

    private Decision decide(JobState from, JobRunner.Outcome outcome, Throwable failure) {
        if (failure == null && outcome == JobRunner.Outcome.COMPLETED) {
            return new Decision(JobState.SUCCEEDED, null, true);
        }
        if (failure instanceof JobFailedException f && !f.retryable()) {
            return new Decision(JobState.FAILED, f.reason(), true);
        }
        String reason = failure == null ? null : reason(failure);
        if (from == JobState.CANCELLING) {
            return new Decision(JobState.CANCELLED, reason, true);
        }
        if (failure == null) {
            if (context.shuttingDown()) {
                return new Decision(JobState.QUEUED, null, false);
            }
            reason = "The training runner stopped before the last epoch although no cancel was requested";
        }
        return job.attempt() < job.maxAttempts()
                ? new Decision(JobState.QUEUED, reason, true)
                : new Decision(JobState.FAILED, reason, true);
    }

    private static String reason(Throwable failure) {
        if (failure instanceof JobFailedException f) {
            return f.reason();
        }
        String message = failure.getMessage();
        return "Unexpected " + failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
