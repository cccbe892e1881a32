package io.trainyard.jobs;

import java.util.Map;
import java.util.UUID;

/**
 * A job as its worker sees it right after the claim.
 *
 * @param spec               the validated training spec as JSON text
 * @param epoch              epochs finished by earlier attempts (0 on the first attempt)
 * @param iteration          iterations finished by earlier attempts
 * @param attempt            this attempt, counting from 1
 * @param leaseEpoch         the fencing token of this claim
 * @param parentJobId        set for a "continue" job: the job it trains further (null otherwise)
 * @param parentCheckpointId the checkpoint a "continue" job starts from (null otherwise)
 */
public record ClaimedJob(
        UUID id,
        String team,
        String name,
        UUID datasetId,
        String spec,
        Map<String, String> labels,
        int totalEpochs,
        int epoch,
        long iteration,
        int attempt,
        int maxAttempts,
        long leaseEpoch,
        UUID parentJobId,
        UUID parentCheckpointId) {
}
