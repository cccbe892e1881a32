package io.trainyard.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.storage.Checksum;
import io.trainyard.storage.FileSystemObjectStore;
import io.trainyard.storage.ObjectInfo;
import io.trainyard.support.TestDataSources;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Checkpoints on the real PostgreSQL and a real object store: fenced commits, verified loading, retention. */
class CheckpointStoreTest {

    @TempDir
    Path objectsRoot;

    JdbcClient jdbc;
    FileSystemObjectStore objects;
    CheckpointStore store;
    UUID job;

    @BeforeEach
    void setUp() throws Exception {
        jdbc = JdbcClient.create(TestDataSources.postgres());
        objects = new FileSystemObjectStore(objectsRoot);
        store = new CheckpointStore(jdbc, objects, JsonMapper.builder().build());
        job = runningJob(jdbc, 7);
    }

    static UUID runningJob(JdbcClient jdbc, long leaseEpoch) {
        UUID dataset = io.trainyard.support.Fixtures.dataset(jdbc);
        UUID job = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO jobs (id, team_id, name, dataset_id, spec, state, total_epochs, lease_owner, lease_epoch,
                                  lease_expires_at, created_at, updated_at)
                VALUES (:id, 'default', 'checkpoint-fixture', :dataset, '{}', 'RUNNING', 10, 'worker-a', :epoch,
                        :expires, :now, :now)""")
                .param("id", job).param("dataset", dataset).param("epoch", leaseEpoch)
                .param("expires", Timestamp.from(Instant.now().plusSeconds(60)))
                .param("now", Timestamp.from(Instant.now())).update();
        return job;
    }

    private Optional<CheckpointInfo> commit(long leaseEpoch, int epoch, String content, double valLoss) throws Exception {
        return store.commit(job, leaseEpoch, epoch, epoch * 100L, Map.of("valLoss", valLoss),
                out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    private List<ObjectInfo> objectsOfJob() throws Exception {
        return objects.list("checkpoints/" + job + "/");
    }

    @Test
    void aCommittedCheckpointHasItsRowAndItsBytes() throws Exception {
        CheckpointInfo c = commit(7, 1, "weights after epoch 1", 0.9).orElseThrow();

        assertThat(store.list(job)).singleElement().satisfies(listed -> {
            assertThat(listed.id()).isEqualTo(c.id());
            assertThat(listed.epoch()).isEqualTo(1);
            assertThat(listed.iteration()).isEqualTo(100);
            assertThat(listed.sizeBytes()).isEqualTo("weights after epoch 1".length());
            assertThat(listed.checksum()).isEqualTo(c.checksum());
            assertThat(listed.checksum().algorithm()).isEqualTo(Checksum.Algorithm.forCheckpoints());
            assertThat(listed.checksum().hex()).hasSize(64);
            assertThat(listed.metrics()).containsEntry("valLoss", 0.9);
        });
        assertThat(objectsOfJob()).extracting(ObjectInfo::key).containsExactly(c.objectKey());
    }

    @Test
    void aWorkerThatLostItsLeaseCommitsNothingAndLeavesNoObject() throws Exception {
        jdbc.sql("UPDATE jobs SET lease_epoch = 8, lease_owner = 'worker-b' WHERE id = :id").param("id", job).update();

        assertThat(commit(7, 1, "stale", 0.5)).isEmpty();

        assertThat(store.list(job)).isEmpty();
        assertThat(objectsOfJob()).isEmpty();
        assertThat(commit(8, 1, "fresh", 0.5)).isPresent();
    }

    @Test
    void aFinishedJobAcceptsNoMoreCheckpoints() throws Exception {
        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = :id").param("id", job).update();

        assertThat(commit(7, 3, "late", 0.1)).isEmpty();
        assertThat(objectsOfJob()).isEmpty();
    }

    @Test
    void loadingVerifiesTheBytesAndFallsBackPastDamagedOrMissingCheckpoints() throws Exception {
        CheckpointInfo first = commit(7, 1, "epoch one", 0.9).orElseThrow();
        CheckpointInfo second = commit(7, 2, "epoch two", 0.8).orElseThrow();
        CheckpointInfo third = commit(7, 3, "epoch three", 0.7).orElseThrow();

        try (VerifiedCheckpoint latest = store.loadLatestVerified(job).orElseThrow()) {
            assertThat(latest.info().id()).isEqualTo(third.id());
            assertThat(Files.readString(latest.file())).isEqualTo("epoch three");
            assertThat(latest.skipped()).isEmpty();
        }

        objects.put(third.objectKey(), new ByteArrayInputStream("epoch THREE".getBytes(StandardCharsets.UTF_8)));
        objects.delete(second.objectKey());

        try (VerifiedCheckpoint fallback = store.loadLatestVerified(job).orElseThrow()) {
            assertThat(fallback.info().id()).isEqualTo(first.id());
            assertThat(Files.readString(fallback.file())).isEqualTo("epoch one");
            assertThat(fallback.skipped()).extracting(s -> s.info().id()).containsExactly(third.id(), second.id());
            assertThat(fallback.skipped().get(0).reason()).contains("differs from the " + third.checksum().hex());
            assertThat(fallback.skipped().get(1).reason()).contains("missing");
        }
        objects.put(first.objectKey(), new ByteArrayInputStream("truncated".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.loadLatestVerified(job)).isEmpty();
    }

    @Test
    void checkpointsCommittedWithSha256BeforeBlake3StillLoadAndStillGetChecked() throws Exception {
        String key = "checkpoints/" + job + "/000001-old.zip";
        String sha256 = objects.put(key, new ByteArrayInputStream("an old epoch".getBytes(StandardCharsets.UTF_8)))
                .sha256();
        jdbc.sql("""
                INSERT INTO checkpoints (id, team_id, job_id, epoch, iteration, object_key, size_bytes, sha256,
                                         metrics, lease_epoch, created_at)
                VALUES (:id, 'default', :job, 1, 100, :key, 12, :sha256, '{}', 7, :now)""")
                .param("id", UUID.randomUUID()).param("job", job).param("key", key).param("sha256", sha256)
                .param("now", Timestamp.from(Instant.now())).update();

        try (VerifiedCheckpoint loaded = store.loadLatestVerified(job).orElseThrow()) {
            assertThat(loaded.info().checksum()).isEqualTo(Checksum.sha256(sha256));
            assertThat(loaded.info().blake3()).isNull();
            assertThat(Files.readString(loaded.file())).isEqualTo("an old epoch");
        }
        objects.put(key, new ByteArrayInputStream("an odd epoch".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.loadLatestVerified(job)).isEmpty();
    }

    @Test
    void aCheckpointRowHoldsExactlyOneChecksum() {
        String insert = """
                INSERT INTO checkpoints (id, team_id, job_id, epoch, iteration, object_key, size_bytes, sha256,
                                         blake3, metrics, lease_epoch, created_at)
                VALUES (:id, 'default', :job, 1, 100, 'k', 1, :sha256, :blake3, '{}', 7, :now)""";
        String hex = "ab".repeat(32);

        for (String[] checksums : new String[][] {{hex, hex}, {null, null}}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql(insert).param("id", UUID.randomUUID())
                    .param("job", job).param("sha256", checksums[0]).param("blake3", checksums[1])
                    .param("now", Timestamp.from(Instant.now())).update())
                    .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        }
    }

    @Test
    void aChosenCheckpointLoadsItselfOrAnOlderOneNeverANewerOne() throws Exception {
        CheckpointInfo first = commit(7, 1, "one", 0.9).orElseThrow();
        CheckpointInfo second = commit(7, 2, "two", 0.8).orElseThrow();
        commit(7, 3, "three", 0.7).orElseThrow();

        try (VerifiedCheckpoint chosen = store.loadVerified(job, second.id()).orElseThrow()) {
            assertThat(chosen.info().id()).isEqualTo(second.id());
        }
        objects.delete(second.objectKey());
        try (VerifiedCheckpoint older = store.loadVerified(job, second.id()).orElseThrow()) {
            assertThat(older.info().id()).isEqualTo(first.id());
        }
        assertThat(store.loadVerified(job, UUID.randomUUID())).isEmpty();
    }

    @Test
    void retentionKeepsTheNewestAndTheBestAndDeletesTheRestWithTheirBytes() throws Exception {
        commit(7, 1, "1", 0.90).orElseThrow();
        CheckpointInfo best = commit(7, 2, "2", 0.20).orElseThrow();
        commit(7, 3, "3", 0.50).orElseThrow();
        CheckpointInfo fourth = commit(7, 4, "4", 0.60).orElseThrow();
        CheckpointInfo fifth = commit(7, 5, "5", 0.70).orElseThrow();

        List<CheckpointInfo> deleted = store.retain(job, 7,
                new RetentionPolicy(2, 1, "valLoss", RetentionPolicy.Mode.min));

        assertThat(deleted).extracting(CheckpointInfo::epoch).containsExactlyInAnyOrder(1, 3);
        assertThat(store.list(job)).extracting(CheckpointInfo::id).containsExactly(best.id(), fourth.id(), fifth.id());
        assertThat(objectsOfJob()).extracting(ObjectInfo::key)
                .containsExactlyInAnyOrder(best.objectKey(), fourth.objectKey(), fifth.objectKey());
        assertThat(store.best(job, "valLoss", RetentionPolicy.Mode.min)).hasValueSatisfying(
                c -> assertThat(c.id()).isEqualTo(best.id()));
        assertThat(store.best(job, "accuracy", RetentionPolicy.Mode.max)).hasValueSatisfying(
                c -> assertThat(c.id()).as("no checkpoint has the metric: the newest").isEqualTo(fifth.id()));
    }

    @Test
    void retentionByAWorkerThatLostItsLeaseDeletesNothing() throws Exception {
        for (int epoch = 1; epoch <= 4; epoch++) {
            commit(7, epoch, "e" + epoch, 1.0 / epoch).orElseThrow();
        }
        jdbc.sql("UPDATE jobs SET lease_epoch = 9 WHERE id = :id").param("id", job).update();

        assertThat(store.retain(job, 7, new RetentionPolicy(1, 0, null, RetentionPolicy.Mode.min))).isEmpty();
        assertThat(store.list(job)).hasSize(4);
        assertThat(objectsOfJob()).hasSize(4);
    }

    @Test
    void deletingAJobsCheckpointsRemovesRowsBytesAndUncommittedLeftovers() throws Exception {
        commit(7, 1, "1", 0.5).orElseThrow();
        commit(7, 2, "2", 0.4).orElseThrow();
        objects.put("checkpoints/" + job + "/000003-crashed-before-commit.zip",
                new ByteArrayInputStream(new byte[] {1, 2, 3}));

        assertThat(store.deleteAll(job)).isEqualTo(2);

        assertThat(store.list(job)).isEmpty();
        assertThat(objectsOfJob()).isEmpty();
    }
}
