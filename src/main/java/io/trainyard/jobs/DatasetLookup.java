package io.trainyard.jobs;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Whether a team's data set exists. The datasets module owns that table; this reads it directly only until
 * datasets publishes a lookup in its public API, which should then replace this class.
 */
class DatasetLookup {

    private final JdbcClient jdbc;

    DatasetLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    boolean exists(UUID datasetId, String team) {
        return jdbc.sql("SELECT COUNT(*) FROM datasets WHERE id = :id AND team_id = :team")
                .param("id", datasetId).param("team", team).query(Integer.class).single() > 0;
    }
}
