package io.trainyard.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One row of the jobs table. */
record JobRow(
        UUID id,
        String team,
        String name,
        UUID datasetId,
        String spec,
        Map<String, String> labels,
        String idempotencyKey,
        JobState state,
        int priority,
        int attempt,
        int maxAttempts,
        String leaseOwner,
        long leaseEpoch,
        Instant leaseExpiresAt,
        boolean cancelRequested,
        int epoch,
        int totalEpochs,
        long iteration,
        Progress progress,
        String failureReason,
        UUID parentJobId,
        UUID parentCheckpointId,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt) {

    ClaimedJob toClaimed() {
        return new ClaimedJob(id, team, name, datasetId, spec, labels, totalEpochs, epoch, iteration, attempt,
                maxAttempts, leaseEpoch, parentJobId, parentCheckpointId);
    }
}
