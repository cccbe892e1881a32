package io.trainyard.training;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.checkpoints.CheckpointStore;
import io.trainyard.datasets.DatasetCatalog;
import io.trainyard.jobs.JobLinks;
import io.trainyard.models.ModelRegistry;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Answers the jobs module's questions about a job's dataset, model and checkpoints. */
@Component
class TrainingJobLinks implements JobLinks {

    private final DatasetCatalog datasets;
    private final ModelRegistry models;
    private final CheckpointStore checkpoints;

    TrainingJobLinks(DatasetCatalog datasets, ModelRegistry models, CheckpointStore checkpoints) {
        this.datasets = datasets;
        this.models = models;
        this.checkpoints = checkpoints;
    }

    @Override
    public boolean datasetExists(String team, UUID datasetId) {
        return datasets.exists(team, datasetId);
    }

    @Override
    public boolean holdDataset(String team, UUID datasetId) {
        return datasets.hold(team, datasetId);
    }

    @Override
    public Optional<ModelRef> modelOf(String team, UUID jobId) {
        return models.versionForJob(team, jobId).map(v -> new ModelRef(v.model(), v.version()));
    }

    @Override
    public Optional<CheckpointRef> checkpointOf(UUID jobId, UUID checkpointId) {
        Optional<CheckpointInfo> found = checkpointId == null ? checkpoints.latest(jobId)
                : checkpoints.find(jobId, checkpointId);
        return found.map(c -> new CheckpointRef(c.id(), c.epoch()));
    }
}
