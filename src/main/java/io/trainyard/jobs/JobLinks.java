package io.trainyard.jobs;

import java.util.Optional;
import java.util.UUID;

/**
 * What the jobs module asks of the modules downstream of it, without depending on them: whether a job's dataset
 * exists, the model version a job registered, and the checkpoints a job can be continued from. The training
 * module, which sees datasets, models and checkpoints, implements it.
 */
public interface JobLinks {

    /** A model version, as the job resource shows it. */
    record ModelRef(String name, int version) {
    }

    /** A checkpoint a job can continue from. */
    record CheckpointRef(UUID id, int epoch) {
    }

    /** Whether {@code team} has a dataset with this id (jobs are only queued against an existing one). */
    boolean datasetExists(String team, UUID datasetId);

    /**
     * Like {@link #datasetExists}, and holds the dataset until the caller's transaction ends so that it cannot be
     * deleted before the job that needs it is committed.
     */
    default boolean holdDataset(String team, UUID datasetId) {
        return datasetExists(team, datasetId);
    }

    Optional<ModelRef> modelOf(String team, UUID jobId);

    /** The checkpoint of {@code jobId} with this id, or its newest one when {@code checkpointId} is null. */
    Optional<CheckpointRef> checkpointOf(UUID jobId, UUID checkpointId);
}
