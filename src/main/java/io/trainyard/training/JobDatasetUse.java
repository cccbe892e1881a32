package io.trainyard.training;

import io.trainyard.datasets.DatasetUsers;
import io.trainyard.jobs.JobDirectory;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The jobs' use of datasets, for the datasets module: jobs and datasets do not know each other, and this module
 * depends on both (as with {@link TrainingJobLinks}).
 */
@Component
@Order(1)
class JobDatasetUse implements DatasetUsers {

    private final JobDirectory jobs;

    JobDatasetUse(JobDirectory jobs) {
        this.jobs = jobs;
    }

    @Override
    public Optional<String> blocksDeletion(UUID datasetId) {
        List<UUID> unfinished = jobs.unfinishedReading(datasetId);
        return unfinished.isEmpty() ? Optional.empty() : Optional.of("is used by " + unfinished.size()
                + " queued or running job(s) " + unfinished
                + "; cancel them or wait until they finish, then delete it.");
    }

    @Override
    public boolean referencesRow(UUID datasetId) {
        return jobs.anyTrainingOn(datasetId);
    }
}
