package io.trainyard.checkpoints;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.trainyard.storage.Checksum;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A committed checkpoint: where its bytes are, how to verify them, and the epoch's metrics. Exactly one of
 * {@code sha256} and {@code blake3} is set: the checksum its writer computed
 * ({@link Checksum.Algorithm#forCheckpoints}).
 */
public record CheckpointInfo(
        UUID id,
        UUID jobId,
        int epoch,
        long iteration,
        String objectKey,
        long sizeBytes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sha256,
        @JsonInclude(JsonInclude.Include.NON_NULL) String blake3,
        Map<String, Object> metrics,
        Instant createdAt) {

    static CheckpointInfo of(UUID id, UUID jobId, int epoch, long iteration, String objectKey, long sizeBytes,
            Checksum checksum, Map<String, Object> metrics, Instant createdAt) {
        boolean sha = checksum.algorithm() == Checksum.Algorithm.SHA256;
        return new CheckpointInfo(id, jobId, epoch, iteration, objectKey, sizeBytes, sha ? checksum.hex() : null,
                sha ? null : checksum.hex(), metrics, createdAt);
    }

    /** What the bytes must hash to. */
    @JsonIgnore
    public Checksum checksum() {
        return sha256 != null ? Checksum.sha256(sha256) : Checksum.blake3(blake3);
    }
}
