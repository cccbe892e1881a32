package io.trainyard.jobs;

import java.util.Map;
import java.util.UUID;

/** A job about to be queued, already validated. */
record NewJob(UUID id, String team, String name, UUID datasetId, String spec, Map<String, String> labels,
        String idempotencyKey, int priority, int maxAttempts, int totalEpochs, UUID parentJobId,
        UUID parentCheckpointId) {

    NewJob {
        labels = Map.copyOf(labels);
    }

    NewJob(UUID id, String team, String name, UUID datasetId, String spec, Map<String, String> labels,
            String idempotencyKey, int priority, int maxAttempts, int totalEpochs) {
        this(id, team, name, datasetId, spec, labels, idempotencyKey, priority, maxAttempts, totalEpochs, null, null);
    }
}
