package io.trainyard.training;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.checkpoints.CheckpointStore;
import io.trainyard.jobs.JobLinks;
import io.trainyard.models.ModelRegistry;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Answers the jobs module's questions about a job's model and checkpoints. */
@Component
class TrainingJobLinks implements JobLinks {

    private final ModelRegistry models;
    private final CheckpointStore checkpoints;

    TrainingJobLinks(ModelRegistry models, CheckpointStore checkpoints) {
        this.models = models;
        this.checkpoints = checkpoints;
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
