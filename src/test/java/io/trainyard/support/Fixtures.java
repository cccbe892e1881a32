package io.trainyard.support;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rows other modules' tests need as foreign-key targets, written the way the owning module writes them, so
 * that module's own reads (a dataset list, say) keep working on a database the tests share.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** A small features dataset of the default team (its bytes are not in any store: never load it). */
    public static UUID dataset(JdbcClient jdbc) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO datasets (id, team_id, name, format, example_count, input_shape, task_hints, size_bytes,
                                      sha256, object_key, data_key, data_size_bytes, data_sha256, files, created_at)
                VALUES (:id, 'default', 'fixture', 'csv', 1, :shape, NULL, 1, :sha, :key, :dataKey, 1, :sha, '[]', :now)""")
                .param("id", id)
                .param("shape", "{\"kind\":\"features\",\"shape\":[1],\"featureNames\":[\"x\"]}")
                .param("sha", "0".repeat(64))
                .param("key", "datasets/" + id + "/original/file/fixture.csv")
                .param("dataKey", "datasets/" + id + "/data.bin")
                .param("now", Timestamp.from(Instant.now()))
                .update();
        return id;
    }
}
