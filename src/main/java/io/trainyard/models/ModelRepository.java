package io.trainyard.models;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The models, model_versions and model_aliases tables; every query is scoped to a team. */
@Repository
class ModelRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final TransactionTemplate tx;

    ModelRepository(JdbcClient jdbc, JsonMapper json, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.json = json;
        this.tx = new TransactionTemplate(transactions);
    }

    record ModelRow(UUID id, String name, Instant createdAt) {
    }

    Optional<ModelRow> findModel(String team, String name) {
        return jdbc.sql("SELECT id, name, created_at FROM models WHERE team_id = :team AND name = :name")
                .param("team", team).param("name", name)
                .query((rs, n) -> new ModelRow(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    /** The model's id, creating the model on first use; safe against a concurrent first use. */
    UUID findOrCreateModel(String team, String name) {
        Optional<ModelRow> existing = findModel(team, name);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("INSERT INTO models (id, team_id, name, created_at) VALUES (:id, :team, :name, :now)")
                    .param("id", id).param("team", team).param("name", name)
                    .param("now", Timestamp.from(Instant.now())).update();
            return id;
        } catch (DuplicateKeyException raced) {
            return findModel(team, name).orElseThrow().id();
        }
    }

    /**
     * Inserts the version with the next free number and returns it. Writers to one model queue on its row lock,
     * so concurrent registrations (many replicas finishing jobs at once) each get the next number without retries.
     */
    int insertNextVersion(UUID versionId, UUID modelId, NewModelVersion v, String artifactKey, long size,
            String sha256, Instant now) {
        return tx.execute(status -> {
            jdbc.sql("SELECT id FROM models WHERE id = :model FOR UPDATE").param("model", modelId).query()
                    .listOfRows();
            int next = jdbc.sql("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE model_id = :model")
                    .param("model", modelId).query(Integer.class).single();
            jdbc.sql("""
                    INSERT INTO model_versions (id, team_id, model_id, version, job_id, checkpoint_id, artifact_key,
                                                size_bytes, sha256, metrics, input_shape, output_labels, created_at)
                    VALUES (:id, :team, :model, :version, :job, :checkpoint, :key, :size, :sha, :metrics, :shape,
                            :labels, :now)""")
                    .param("id", versionId).param("team", v.team()).param("model", modelId).param("version", next)
                    .param("job", v.jobId()).param("checkpoint", v.checkpointId()).param("key", artifactKey)
                    .param("size", size).param("sha", sha256).param("metrics", json.writeValueAsString(v.metrics()))
                    .param("shape", json.writeValueAsString(v.inputShape()))
                    .param("labels", json.writeValueAsString(v.outputLabels())).param("now", Timestamp.from(now))
                    .update();
            return next;
        });
    }

    List<ModelVersion> versions(String team, String model) {
        return jdbc.sql(VERSION_SELECT + " WHERE m.team_id = :team AND m.name = :name ORDER BY v.version")
                .param("team", team).param("name", model).query(this::version).list();
    }

    Optional<ModelVersion> version(String team, String model, int version) {
        return jdbc.sql(VERSION_SELECT + " WHERE m.team_id = :team AND m.name = :name AND v.version = :version")
                .param("team", team).param("name", model).param("version", version).query(this::version).optional();
    }

    Optional<ModelVersion> versionByJob(String team, UUID jobId) {
        return jdbc.sql(VERSION_SELECT + " WHERE m.team_id = :team AND v.job_id = :job ORDER BY v.version DESC")
                .param("team", team).param("job", jobId).query(this::version).list().stream().findFirst();
    }

    Map<String, Integer> aliases(UUID modelId) {
        Map<String, Integer> aliases = new LinkedHashMap<>();
        jdbc.sql("SELECT alias, version FROM model_aliases WHERE model_id = :model ORDER BY alias")
                .param("model", modelId)
                .query((ResultSet rs) -> {
                    aliases.put(rs.getString("alias"), rs.getInt("version"));
                });
        return aliases;
    }

    /** Points the alias at the version in one statement per database, so readers never see it missing. */
    void setAlias(String team, UUID modelId, String alias, int version) {
        Timestamp now = Timestamp.from(Instant.now());
        int updated = jdbc.sql("""
                UPDATE model_aliases SET version = :version, updated_at = :now
                WHERE model_id = :model AND alias = :alias""")
                .param("version", version).param("now", now).param("model", modelId).param("alias", alias).update();
        if (updated == 0) {
            try {
                jdbc.sql("""
                        INSERT INTO model_aliases (model_id, alias, team_id, version, updated_at)
                        VALUES (:model, :alias, :team, :version, :now)""")
                        .param("model", modelId).param("alias", alias).param("team", team).param("version", version)
                        .param("now", now).update();
            } catch (DuplicateKeyException raced) {
                setAlias(team, modelId, alias, version);
            }
        }
    }

    boolean deleteAlias(UUID modelId, String alias) {
        return jdbc.sql("DELETE FROM model_aliases WHERE model_id = :model AND alias = :alias")
                .param("model", modelId).param("alias", alias).update() > 0;
    }

    List<ModelSummary> list(String team, String afterName, int limit) {
        List<ModelRow> rows = jdbc.sql("""
                SELECT id, name, created_at FROM models WHERE team_id = :team AND name > :after
                ORDER BY name LIMIT :limit""")
                .param("team", team).param("after", afterName).param("limit", limit)
                .query((rs, n) -> new ModelRow(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();
        return rows.stream().map(this::summary).toList();
    }

    ModelSummary summary(ModelRow row) {
        int latest = jdbc.sql("SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model_id = :model")
                .param("model", row.id()).query(Integer.class).single();
        return new ModelSummary(row.id(), row.name(), latest, aliases(row.id()), row.createdAt());
    }

    private static final String VERSION_SELECT = """
            SELECT v.id, m.name, v.version, v.job_id, v.checkpoint_id, v.artifact_key, v.size_bytes, v.sha256,
                   v.metrics, v.input_shape, v.output_labels, v.created_at
            FROM model_versions v JOIN models m ON m.id = v.model_id""";

    private ModelVersion version(ResultSet rs, int n) throws SQLException {
        return new ModelVersion(rs.getObject("id", UUID.class), rs.getString("name"), rs.getInt("version"),
                rs.getObject("job_id", UUID.class), rs.getObject("checkpoint_id", UUID.class),
                rs.getString("artifact_key"), rs.getLong("size_bytes"), rs.getString("sha256"),
                readMap(rs.getString("metrics")), readMap(rs.getString("input_shape")),
                rs.getString("output_labels") == null ? List.of() : json.readValue(rs.getString("output_labels"), LIST),
                rs.getTimestamp("created_at").toInstant());
    }

    private Map<String, Object> readMap(String value) {
        return value == null || value.equals("null") ? Map.of() : json.readValue(value, MAP);
    }
}
