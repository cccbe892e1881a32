package io.trainyard.models;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the training side hands over when a job succeeds; the artifact bytes come separately. */
public record NewModelVersion(
        String team,
        String model,
        UUID jobId,
        UUID checkpointId,
        Map<String, Object> metrics,
        Map<String, Object> inputShape,
        List<String> outputLabels) {
}
