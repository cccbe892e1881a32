package io.trainyard.jobs;

import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The jobs module's answers to other modules: is this job the team's (for a job's sub-resources), and which jobs
 * need a dataset (before the dataset is deleted)?
 */
@Component
public class JobDirectory {

    private final JobRepository jobs;

    JobDirectory(JobRepository jobs) {
        this.jobs = jobs;
    }

    public boolean exists(String team, UUID jobId) {
        return jobs.find(jobId, team).isPresent();
    }

    /** Queued, running or cancelling jobs that train or validate on the dataset, oldest first. */
    public List<UUID> unfinishedReading(UUID datasetId) {
        return jobs.unfinishedReading(datasetId);
    }

    /** Whether any job, finished or not, trains on the dataset: its row is referenced by the job's foreign key. */
    public boolean anyTrainingOn(UUID datasetId) {
        return jobs.anyTrainingOn(datasetId);
    }
}
