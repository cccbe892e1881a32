package io.trainyard.checkpoints;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A committed checkpoint: where its bytes are, how to verify them, and the epoch's metrics. */
public record CheckpointInfo(
        UUID id,
        UUID jobId,
        int epoch,
        long iteration,
        String objectKey,
        long sizeBytes,
        String sha256,
        Map<String, Object> metrics,
        Instant createdAt) {
}
