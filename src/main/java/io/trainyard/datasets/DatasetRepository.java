package io.trainyard.datasets;

import io.trainyard.system.PageCursor;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code datasets} table. Every query takes the team, so a dataset of another team is simply not found.
 * SQL stays portable between PostgreSQL and H2 in PostgreSQL mode; JSON columns are TEXT.
 */
@Repository
class DatasetRepository {

    private static final String COLUMNS = "id, team_id, name, format, example_count, input_shape, task_hints, "
            + "size_bytes, sha256, object_key, data_key, data_size_bytes, data_sha256, files, created_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DatasetRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(DatasetInfo d) {
        jdbc.sql("INSERT INTO datasets (" + COLUMNS + ") VALUES (:id, :team, :name, :format, :count, :shape, :hints, "
                        + ":size, :sha, :objectKey, :dataKey, :dataSize, :dataSha, :files, :createdAt)")
                .param("id", d.id())
                .param("team", d.teamId())
                .param("name", d.name())
                .param("format", d.format().id())
                .param("count", d.exampleCount())
                .param("shape", json.writeValueAsString(d.inputShape()))
                .param("hints", json.writeValueAsString(d.taskHints()))
                .param("size", d.sizeBytes())
                .param("sha", d.sha256())
                .param("objectKey", d.files().get(0).key())
                .param("dataKey", d.dataKey())
                .param("dataSize", d.dataSizeBytes())
                .param("dataSha", d.dataSha256())
                .param("files", json.writeValueAsString(d.files()))
                .param("createdAt", d.createdAt())
                .update();
    }

    Optional<DatasetInfo> find(String team, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM datasets WHERE id = :id AND team_id = :team AND deleted_at IS NULL")
                .param("id", id)
                .param("team", team)
                .query(this::map)
                .optional();
    }

    boolean exists(String team, UUID id) {
        return jdbc.sql("SELECT count(*) FROM datasets WHERE id = :id AND team_id = :team AND deleted_at IS NULL")
                .param("id", id).param("team", team).query(Integer.class).single() > 0;
    }

    /** Locks the live dataset's row for the rest of the transaction; false when there is none. */
    boolean lockLive(String team, UUID id) {
        return jdbc.sql("SELECT id FROM datasets WHERE id = :id AND team_id = :team AND deleted_at IS NULL FOR UPDATE")
                .param("id", id).param("team", team).query(UUID.class).optional().isPresent();
    }

    /** Newest first; {@code after} is the last item of the previous page, or null for the first page. */
    List<DatasetInfo> page(String team, PageCursor after, int limit) {
        String where = after == null ? "" : " AND (created_at < :at OR (created_at = :at AND id < :after))";
        JdbcClient.StatementSpec spec = jdbc.sql("SELECT " + COLUMNS + " FROM datasets WHERE team_id = :team "
                        + "AND deleted_at IS NULL" + where + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                .param("team", team)
                .param("limit", limit);
        if (after != null) {
            spec = spec.param("at", java.sql.Timestamp.from(after.createdAt())).param("after", after.id());
        }
        return spec.query(this::map).list();
    }

    /**
     * Removes the row, or, when {@code tombstone} (finished records still reference it), marks it deleted (hidden
     * from every query). Returns false when there was no such dataset.
     */
    boolean delete(String team, UUID id, boolean tombstone) {
        if (!tombstone) {
            return jdbc.sql("DELETE FROM datasets WHERE id = :id AND team_id = :team AND deleted_at IS NULL")
                    .param("id", id)
                    .param("team", team)
                    .update() > 0;
        }
        return jdbc.sql("UPDATE datasets SET deleted_at = :now WHERE id = :id AND team_id = :team "
                        + "AND deleted_at IS NULL")
                .param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .param("id", id)
                .param("team", team)
                .update() > 0;
    }

    /** Whether any live dataset (of any team) still has this parsed form, so its cache file is still useful. */
    boolean dataInUse(String dataSha256) {
        return jdbc.sql("SELECT COUNT(*) FROM datasets WHERE data_sha256 = :sha AND deleted_at IS NULL")
                .param("sha", dataSha256)
                .query(Long.class)
                .single() > 0;
    }

    private DatasetInfo map(ResultSet rs, int row) throws SQLException {
        String hints = rs.getString("task_hints");
        return new DatasetInfo(
                rs.getObject("id", UUID.class),
                rs.getString("team_id"),
                rs.getString("name"),
                DatasetFormat.fromId(rs.getString("format")).orElseThrow(),
                rs.getLong("example_count"),
                json.readValue(rs.getString("input_shape"), InputShape.class),
                hints == null ? TaskHints.UNLABELLED : json.readValue(hints, TaskHints.class),
                rs.getLong("size_bytes"),
                rs.getString("sha256"),
                List.of(json.readValue(rs.getString("files"), DatasetInfo.UploadedFile[].class)),
                rs.getString("data_key"),
                rs.getLong("data_size_bytes"),
                rs.getString("data_sha256"),
                rs.getObject("created_at", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
    }
}
