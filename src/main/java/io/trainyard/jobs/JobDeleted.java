package io.trainyard.jobs;

import java.util.UUID;

/**
 * A job and its rows are gone (job_metrics and checkpoint rows go with it through ON DELETE CASCADE). Owners of
 * bytes keyed by the job (checkpoints under {@code checkpoints/{jobId}/}) delete them when they hear this.
 */
public record JobDeleted(UUID jobId, String team) {
}
