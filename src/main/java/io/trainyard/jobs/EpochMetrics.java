package io.trainyard.jobs;

import java.time.Instant;
import java.util.Map;

/** One finished epoch in a job's metrics history. */
record EpochMetrics(int epoch, Map<String, Object> metrics, Instant recordedAt) {
}
