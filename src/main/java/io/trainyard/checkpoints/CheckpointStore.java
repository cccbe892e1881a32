package io.trainyard.checkpoints;

import io.trainyard.storage.Checksum;
import io.trainyard.storage.CorruptObjectException;
import io.trainyard.storage.ObjectNotFoundException;
import io.trainyard.storage.ObjectStore;
import io.trainyard.storage.StoredObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoint bytes in the object store, metadata in the {@code checkpoints} table (DESIGN.md §5). The row is
 * the commit marker: bytes are uploaded first under an immutable key, then the row is inserted only if the
 * committing worker still holds the job's lease ({@code lease_epoch}). Loading verifies size and checksum and
 * falls back to the previous checkpoint when the newest one is damaged or gone.
 */
@Service
public class CheckpointStore {

    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectStore objects;
    private final JsonMapper json;

    public CheckpointStore(JdbcClient jdbc, ObjectStore objects, JsonMapper json) {
        this.jdbc = jdbc;
        this.objects = objects;
        this.json = json;
    }

    /**
     * Writes {@code bytes} to the object store and commits the checkpoint if {@code leaseEpoch} is still the job's
     * fencing token.
     * Returns empty, and leaves nothing behind, when the lease was lost meanwhile.
     */
    public Optional<CheckpointInfo> commit(UUID jobId, long leaseEpoch, int epoch, long iteration,
            Map<String, Object> metrics, ObjectStore.Content bytes) throws IOException {
        UUID id = UUID.randomUUID();
        String key = "checkpoints/" + jobId + "/" + String.format("%06d", epoch) + "-" + id + ".zip";
        StoredObject stored = objects.write(key, Checksum.Algorithm.forCheckpoints(), bytes);
        CheckpointInfo info = CheckpointInfo.of(id, jobId, epoch, iteration, key, stored.size(), stored.checksum(),
                metrics, Instant.now());
        int inserted;
        try {
            inserted = jdbc.sql("""
                    INSERT INTO checkpoints (id, team_id, job_id, epoch, iteration, object_key, size_bytes, sha256,
                                             blake3, metrics, lease_epoch, created_at)
                    SELECT :id, team_id, id, :epoch, :iteration, :key, :size, :sha256, :blake3, :metrics, lease_epoch,
                           :now
                    FROM jobs
                    WHERE id = :job AND lease_epoch = :leaseEpoch AND state IN ('RUNNING', 'CANCELLING')""")
                    .param("id", id).param("epoch", epoch).param("iteration", iteration).param("key", key)
                    .param("size", stored.size()).param("sha256", info.sha256()).param("blake3", info.blake3())
                    .param("metrics", json.writeValueAsString(metrics)).param("now", Timestamp.from(info.createdAt()))
                    .param("job", jobId).param("leaseEpoch", leaseEpoch)
                    .update();
        } catch (RuntimeException e) {
            deleteQuietly(key);
            throw e;
        }
        if (inserted == 0) {
            log.warn("Checkpoint of job {} at epoch {} not committed: lease epoch {} is no longer the job's",
                    jobId, epoch, leaseEpoch);
            deleteQuietly(key);
            return Optional.empty();
        }
        return Optional.of(info);
    }

    /** Every committed checkpoint of the job, oldest first. */
    public List<CheckpointInfo> list(UUID jobId) {
        return jdbc.sql("""
                SELECT id, job_id, epoch, iteration, object_key, size_bytes, sha256, blake3, metrics, created_at
                FROM checkpoints WHERE job_id = :job ORDER BY epoch, created_at""")
                .param("job", jobId).query(this::row).list();
    }

    public Optional<CheckpointInfo> find(UUID jobId, UUID checkpointId) {
        return list(jobId).stream().filter(c -> c.id().equals(checkpointId)).findFirst();
    }

    /** The job's newest committed checkpoint. */
    public Optional<CheckpointInfo> latest(UUID jobId) {
        return newestFirst(list(jobId)).stream().findFirst();
    }

    /** {@link #list} is ordered oldest first (by epoch, then commit time). */
    private static List<CheckpointInfo> newestFirst(List<CheckpointInfo> oldestFirst) {
        List<CheckpointInfo> reversed = new ArrayList<>(oldestFirst);
        java.util.Collections.reverse(reversed);
        return reversed;
    }

    /**
     * The newest checkpoint whose bytes verify, downloaded to a temporary file; damaged or missing ones are
     * skipped (and reported in {@link VerifiedCheckpoint#skipped()}). Empty when none verifies.
     */
    public Optional<VerifiedCheckpoint> loadLatestVerified(UUID jobId) throws IOException {
        return loadLatestVerified(jobId, new ArrayList<>());
    }

    /**
     * {@link #loadLatestVerified(UUID)}, adding each checkpoint that did not verify to {@code skipped}, also when none
     * does.
     */
    public Optional<VerifiedCheckpoint> loadLatestVerified(UUID jobId, List<VerifiedCheckpoint.Skipped> skipped)
            throws IOException {
        return loadFirstVerified(newestFirst(list(jobId)), skipped);
    }

    /** The given checkpoint, verified; falls back to older ones of the same job when it does not verify. */
    public Optional<VerifiedCheckpoint> loadVerified(UUID jobId, UUID checkpointId) throws IOException {
        return loadVerified(jobId, checkpointId, new ArrayList<>());
    }

    /** {@link #loadVerified(UUID, UUID)}, adding each checkpoint that did not verify to {@code skipped}. */
    public Optional<VerifiedCheckpoint> loadVerified(UUID jobId, UUID checkpointId,
            List<VerifiedCheckpoint.Skipped> skipped) throws IOException {
        List<CheckpointInfo> candidates = newestFirst(list(jobId));
        int start = candidates.stream().map(CheckpointInfo::id).toList().indexOf(checkpointId);
        return start < 0 ? Optional.empty()
                : loadFirstVerified(candidates.subList(start, candidates.size()), skipped);
    }

    private Optional<VerifiedCheckpoint> loadFirstVerified(List<CheckpointInfo> candidates,
            List<VerifiedCheckpoint.Skipped> skipped) throws IOException {
        for (CheckpointInfo candidate : candidates) {
            Path file = Files.createTempFile("checkpoint-", ".zip");
            String problem = download(candidate, file);
            if (problem == null) {
                return Optional.of(new VerifiedCheckpoint(candidate, file, List.copyOf(skipped)));
            }
            Files.deleteIfExists(file);
            log.warn("Checkpoint {} of job {} (epoch {}) skipped: {}", candidate.id(), candidate.jobId(),
                    candidate.epoch(), problem);
            skipped.add(new VerifiedCheckpoint.Skipped(candidate, problem));
        }
        return Optional.empty();
    }

    /** Downloads and verifies; returns null when the bytes match, else what is wrong with them. */
    private String download(CheckpointInfo checkpoint, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            objects.copyVerified(checkpoint.objectKey(), checkpoint.sizeBytes(), checkpoint.checksum(), out);
            return null;
        } catch (ObjectNotFoundException e) {
            return "its bytes are missing from the object store";
        } catch (CorruptObjectException e) {
            return e.getMessage();
        }
    }

    /**
     * Applies the retention policy, fenced by the lease like every other write of a worker: a worker that lost
     * its lease deletes nothing. Returns the checkpoints deleted.
     */
    public List<CheckpointInfo> retain(UUID jobId, long leaseEpoch, RetentionPolicy policy) {
        List<CheckpointInfo> all = list(jobId);
        Set<UUID> keep = survivors(all, policy);
        List<CheckpointInfo> deleted = new ArrayList<>();
        for (CheckpointInfo c : all) {
            if (keep.contains(c.id())) {
                continue;
            }
            int rows = jdbc.sql("""
                    DELETE FROM checkpoints WHERE id = :id
                      AND EXISTS (SELECT 1 FROM jobs WHERE id = :job AND lease_epoch = :leaseEpoch)""")
                    .param("id", c.id()).param("job", jobId).param("leaseEpoch", leaseEpoch).update();
            if (rows == 0) {
                return deleted;
            }
            deleteQuietly(c.objectKey());
            deleted.add(c);
        }
        return deleted;
    }

    static Set<UUID> survivors(List<CheckpointInfo> all, RetentionPolicy policy) {
        Set<UUID> keep = new LinkedHashSet<>();
        newestFirst(all).stream().limit(policy.keepLast()).forEach(c -> keep.add(c.id()));
        if (policy.keepBest() > 0 && policy.metric() != null) {
            Comparator<CheckpointInfo> byMetric = Comparator.comparingDouble(c -> metric(c, policy.metric()));
            if (policy.mode() == RetentionPolicy.Mode.max) {
                byMetric = byMetric.reversed();
            }
            all.stream().filter(c -> !Double.isNaN(metric(c, policy.metric()))).sorted(byMetric)
                    .limit(policy.keepBest()).forEach(c -> keep.add(c.id()));
        }
        return keep;
    }

    /** The best checkpoint by the metric, or the newest when none has it. */
    public Optional<CheckpointInfo> best(UUID jobId, String metric, RetentionPolicy.Mode mode) {
        List<CheckpointInfo> all = list(jobId);
        Comparator<CheckpointInfo> byMetric = Comparator.comparingDouble(c -> metric(c, metric));
        Optional<CheckpointInfo> best = all.stream().filter(c -> !Double.isNaN(metric(c, metric)))
                .min(mode == RetentionPolicy.Mode.max ? byMetric.reversed() : byMetric);
        return best.isPresent() ? best : newestFirst(all).stream().findFirst();
    }

    /** Deletes every checkpoint of a job, bytes first so no row ever points at nothing it could load. */
    public int deleteAll(UUID jobId) {
        List<CheckpointInfo> all = list(jobId);
        for (CheckpointInfo c : all) {
            deleteQuietly(c.objectKey());
        }
        jdbc.sql("DELETE FROM checkpoints WHERE job_id = :job").param("job", jobId).update();
        try {
            // Uploads whose commit never happened (a crash between upload and insert) are garbage too.
            for (var orphan : objects.list("checkpoints/" + jobId + "/")) {
                deleteQuietly(orphan.key());
            }
        } catch (IOException e) {
            log.warn("Could not list leftover checkpoint objects of job {}: {}", jobId, e.getMessage());
        }
        return all.size();
    }

    private static double metric(CheckpointInfo c, String name) {
        Object value = c.metrics() == null ? null : c.metrics().get(name);
        return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : Double.NaN;
    }

    private void deleteQuietly(String key) {
        try {
            objects.delete(key);
        } catch (IOException e) {
            // An object without a row is garbage, never loaded; a later deleteAll removes it.
            log.warn("Could not delete checkpoint object {}: {}", key, e.getMessage());
        }
    }

    private CheckpointInfo row(ResultSet rs, int n) throws SQLException {
        String metrics = rs.getString("metrics");
        return new CheckpointInfo(rs.getObject("id", UUID.class), rs.getObject("job_id", UUID.class),
                rs.getInt("epoch"), rs.getLong("iteration"), rs.getString("object_key"), rs.getLong("size_bytes"),
                rs.getString("sha256"), rs.getString("blake3"),
                metrics == null ? Map.of() : new LinkedHashMap<>(json.readValue(metrics, MAP)),
                rs.getTimestamp("created_at").toInstant());
    }
}
