package io.trainyard.jobs;

import java.util.Map;
import java.util.UUID;

/** A running job finished an epoch and its metrics are stored. */
public record JobEpochCompleted(UUID jobId, String team, int epoch, Map<String, Object> metrics) {
}
