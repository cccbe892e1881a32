package io.trainyard.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One registered version of a model: its artifact and where it came from. */
public record ModelVersion(
        UUID id,
        String model,
        int version,
        UUID jobId,
        UUID checkpointId,
        String artifactKey,
        long sizeBytes,
        String sha256,
        Map<String, Object> metrics,
        Map<String, Object> inputShape,
        List<String> outputLabels,
        Instant createdAt) {
}
