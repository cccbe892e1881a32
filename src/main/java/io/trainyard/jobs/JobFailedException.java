package io.trainyard.jobs;

/**
 * Thrown by a {@link JobRunner} when training cannot go on. {@code reason} is shown to the user as the job's
 * failure reason, so say what went wrong and what to change. Retryable failures (a lost connection, an
 * unreadable checkpoint) are tried again while attempts remain; non-retryable ones (a spec that does not fit
 * the data) fail the job at once.
 */
public class JobFailedException extends RuntimeException {

    private final boolean retryable;

    public JobFailedException(String reason, boolean retryable) {
        super(reason);
        this.retryable = retryable;
    }

    public JobFailedException(String reason, boolean retryable, Throwable cause) {
        super(reason, cause);
        this.retryable = retryable;
    }

    public String reason() {
        return getMessage();
    }

    public boolean retryable() {
        return retryable;
    }
}
