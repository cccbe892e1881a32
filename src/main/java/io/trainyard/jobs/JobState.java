package io.trainyard.jobs;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a job (DESIGN.md §5). {@link #ALLOWED} is the one table of legal transitions; every
 * state-changing SQL statement checks it first and then conditions its update on the current state, so
 * a transition that lost a race changes nothing.
 */
public enum JobState {
    QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED;

    private static final Map<JobState, Set<JobState>> ALLOWED = new EnumMap<>(JobState.class);

    static {
        // claimed by a worker; cancelled before it ever ran
        ALLOWED.put(QUEUED, EnumSet.of(RUNNING, CANCELLED));
        // finished; failed for good; retried (retryable failure, expired lease, released at shutdown);
        // asked to cancel
        ALLOWED.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLING));
        // the runner stopped or its lease expired; it failed for good while winding down; it had already
        // completed its last epoch when it saw the request (the work is done, so keep it)
        ALLOWED.put(CANCELLING, EnumSet.of(CANCELLED, FAILED, SUCCEEDED));
        // terminal: "continue" creates a new job instead of reviving this one
        ALLOWED.put(SUCCEEDED, EnumSet.noneOf(JobState.class));
        ALLOWED.put(FAILED, EnumSet.noneOf(JobState.class));
        ALLOWED.put(CANCELLED, EnumSet.noneOf(JobState.class));
    }

    public boolean canTransitionTo(JobState next) {
        return ALLOWED.get(this).contains(next);
    }

    public Set<JobState> allowedNext() {
        return Set.copyOf(ALLOWED.get(this));
    }

    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** A worker holds a lease on the job in these states. */
    public boolean isLeased() {
        return this == RUNNING || this == CANCELLING;
    }

    /** Guards internal transitions: an illegal one is a programming error, not a user mistake. */
    void requireTransitionTo(JobState next) {
        if (!canTransitionTo(next)) {
            throw new IllegalStateException("Illegal job state transition " + this + " -> " + next);
        }
    }
}
