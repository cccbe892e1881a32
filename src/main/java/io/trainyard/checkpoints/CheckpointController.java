package io.trainyard.checkpoints;

import io.trainyard.security.CurrentTeam;
import io.trainyard.system.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CheckpointController {

    private final CheckpointStore store;
    private final JdbcClient jdbc;
    private final CurrentTeam team;

    CheckpointController(CheckpointStore store, JdbcClient jdbc, CurrentTeam team) {
        this.store = store;
        this.jdbc = jdbc;
        this.team = team;
    }

    record Checkpoints(UUID jobId, List<CheckpointInfo> items) {
    }

    /** The job's committed checkpoints, oldest first, with size, SHA-256 and the epoch's metrics. */
    @GetMapping("/api/v1/jobs/{id}/checkpoints")
    Checkpoints list(@PathVariable UUID id) {
        // The jobs table belongs to the jobs module; asking it whether the job is the team's is a read of its row.
        boolean visible = jdbc.sql("SELECT count(*) FROM jobs WHERE id = :id AND team_id = :team")
                .param("id", id).param("team", team.id()).query(Integer.class).single() > 0;
        if (!visible) {
            throw ApiException.notFound("Job", id);
        }
        return new Checkpoints(id, store.list(id));
    }
}
