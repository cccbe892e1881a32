package io.trainyard.jobs;

import java.time.Instant;
import java.util.UUID;

/**
 * A job trained every epoch. The {@code models} module listens to register a version from the job's checkpoints.
 * Published on the worker thread after the state is committed: listeners that do slow work should hand it off.
 */
public record JobSucceeded(UUID jobId, String team, String name, UUID datasetId, int epochs, long leaseEpoch,
        Instant at) {
}
