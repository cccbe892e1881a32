package io.trainyard.jobs;

import java.util.UUID;
import org.springframework.stereotype.Component;

/** The jobs module's answer to other modules that serve a job's sub-resources: is this job the team's? */
@Component
public class JobDirectory {

    private final JobRepository jobs;

    JobDirectory(JobRepository jobs) {
        this.jobs = jobs;
    }

    public boolean exists(String team, UUID jobId) {
        return jobs.find(jobId, team).isPresent();
    }
}
