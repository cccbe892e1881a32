package io.trainyard.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A job as the API shows it. */
record JobResource(
        UUID id,
        String name,
        UUID datasetId,
        JobState state,
        int priority,
        Map<String, String> labels,
        int attempt,
        int maxAttempts,
        ProgressView progress,
        LeaseView lease,
        String failureReason,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        JobLinks.ModelRef model,
        JsonNode spec) {

    /** @param etaSeconds estimated seconds to the last epoch, null when unknown */
    record ProgressView(int epoch, int totalEpochs, long iteration, Double samplesPerSecond, Long etaSeconds,
            Map<String, Object> latestMetrics) {
    }

    /** Who holds the job now and until when; both null while no worker does. */
    record LeaseView(String owner, Instant expiresAt) {
    }

    static ProgressView progress(JobRow job) {
        Progress p = job.progress();
        return new ProgressView(job.epoch(), job.totalEpochs(), job.iteration(), p.samplesPerSecond(),
                p.etaSeconds(), p.latestMetrics());
    }

    static JobResource of(JobRow job, JobLinks.ModelRef model, JsonMapper json) {
        return new JobResource(job.id(), job.name(), job.datasetId(), job.state(), job.priority(), job.labels(),
                job.attempt(), job.maxAttempts(), progress(job), new LeaseView(job.leaseOwner(), job.leaseExpiresAt()),
                job.failureReason(), job.cancelRequested(), job.createdAt(), job.startedAt(), job.finishedAt(),
                job.updatedAt(), model, json.readTree(job.spec()));
    }
}
