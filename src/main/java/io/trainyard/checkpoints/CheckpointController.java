package io.trainyard.checkpoints;

import io.trainyard.jobs.JobDirectory;
import io.trainyard.security.CurrentTeam;
import io.trainyard.system.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CheckpointController {

    private final CheckpointStore store;
    private final JobDirectory jobs;
    private final CurrentTeam team;

    CheckpointController(CheckpointStore store, JobDirectory jobs, CurrentTeam team) {
        this.store = store;
        this.jobs = jobs;
        this.team = team;
    }

    record Checkpoints(UUID jobId, List<CheckpointInfo> items) {
    }

    /** The job's committed checkpoints, oldest first, with size, SHA-256 and the epoch's metrics. */
    @GetMapping("/api/v1/jobs/{id}/checkpoints")
    Checkpoints list(@PathVariable UUID id) {
        if (!jobs.exists(team.id(), id)) {
            throw ApiException.notFound("Job", id);
        }
        return new Checkpoints(id, store.list(id));
    }
}
