package io.trainyard.jobs;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Rows other modules own that jobs point at, written directly: a team (security) and a dataset (datasets). */
final class JobFixtures {

    private final JdbcClient jdbc;

    JobFixtures(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    JobFixtures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    String newTeam() {
        String team = "t-" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("INSERT INTO teams (id, name) VALUES (:id, :id)").param("id", team).update();
        return team;
    }

    UUID newDataset(String team) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO datasets (id, team_id, name, format, example_count, input_shape, size_bytes, sha256,
                                      object_key, created_at)
                VALUES (:id, :team, 'iris', 'CSV', 150, '[4]', 4551, :sha, :key, :now)""")
                .param("id", id).param("team", team).param("sha", "0".repeat(64))
                .param("key", "datasets/" + id + "/iris.csv").param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
        return id;
    }

    /** What the checkpoints module will do to commit: a row carrying the committing worker's lease epoch. */
    void insertCheckpoint(UUID jobId, String team, int epoch, long leaseEpoch) {
        jdbc.sql("""
                INSERT INTO checkpoints (id, team_id, job_id, epoch, iteration, object_key, size_bytes, sha256,
                                         lease_epoch, created_at)
                VALUES (:id, :team, :job, :epoch, 0, :key, 1, :sha, :lease, :now)""")
                .param("id", UUID.randomUUID()).param("team", team).param("job", jobId).param("epoch", epoch)
                .param("key", "checkpoints/" + jobId + "/" + epoch + ".zip").param("sha", "0".repeat(64))
                .param("lease", leaseEpoch).param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();
    }

    int checkpoints(UUID jobId) {
        return jdbc.sql("SELECT COUNT(*) FROM checkpoints WHERE job_id = :job").param("job", jobId)
                .query(Integer.class).single();
    }

    /** Leaves only the built-in team: each test starts from an empty queue. */
    void clear() {
        jdbc.sql("DELETE FROM jobs").update();
        jdbc.sql("DELETE FROM datasets").update();
        jdbc.sql("DELETE FROM teams WHERE id <> 'default'").update();
    }

    void expireLease(UUID jobId) {
        jdbc.sql("UPDATE jobs SET lease_expires_at = :past WHERE id = :id")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusHours(1)).param("id", jobId).update();
    }
}
