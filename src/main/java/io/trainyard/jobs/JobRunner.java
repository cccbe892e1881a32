package io.trainyard.jobs;

/**
 * Trains one claimed job. The worker pool calls it on a worker thread, renews the lease while it runs, and
 * sets the final state from what it returns or throws:
 * <ul>
 *   <li>{@link Outcome#COMPLETED}: every epoch is done → SUCCEEDED (even if a cancel arrived meanwhile);</li>
 *   <li>{@link Outcome#STOPPED}: it stopped early because {@link JobContext#shouldStop()} said so → CANCELLED
 *       after a cancel, back to QUEUED (attempt not counted) when the replica shuts down, nothing when the
 *       lease was lost (the new owner decides);</li>
 *   <li>{@link JobFailedException}: FAILED, or QUEUED for another attempt when retryable and attempts remain;
 *       any other exception counts as a retryable failure.</li>
 * </ul>
 * Implementations must check {@link JobContext#shouldStop()} between batches; a cancel then takes effect
 * within one batch. The pool never interrupts the thread (interrupting native training code is unsafe).
 */
public interface JobRunner {

    Outcome run(ClaimedJob job, JobContext context) throws Exception;

    enum Outcome {
        COMPLETED, STOPPED
    }
}
