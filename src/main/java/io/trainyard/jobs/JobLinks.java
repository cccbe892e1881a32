package io.trainyard.jobs;

import java.util.Optional;
import java.util.UUID;

/**
 * What the jobs module asks of the modules downstream of it, without depending on them: the model version a job
 * registered, and the checkpoints a job can be continued from. The models and checkpoints modules implement it.
 */
public interface JobLinks {

    /** A model version, as the job resource shows it. */
    record ModelRef(String name, int version) {
    }

    /** A checkpoint a job can continue from. */
    record CheckpointRef(UUID id, int epoch) {
    }

    Optional<ModelRef> modelOf(String team, UUID jobId);

    /** The checkpoint of {@code jobId} with this id, or its newest one when {@code checkpointId} is null. */
    Optional<CheckpointRef> checkpointOf(UUID jobId, UUID checkpointId);
}
