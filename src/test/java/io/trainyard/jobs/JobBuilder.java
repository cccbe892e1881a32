package io.trainyard.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Test data builder: {@code aJob().forTeam(team, dataset).withPriority(5).build()}. */
final class JobBuilder {

    private String team = "default";
    private UUID datasetId;
    private String name = "job";
    private int priority;
    private int maxAttempts = 3;
    private int epochs = 3;
    private String idempotencyKey;
    private final Map<String, String> labels = new LinkedHashMap<>();

    static JobBuilder aJob() {
        return new JobBuilder();
    }

    JobBuilder forTeam(String team, UUID datasetId) {
        this.team = team;
        this.datasetId = datasetId;
        return this;
    }

    JobBuilder named(String name) {
        this.name = name;
        return this;
    }

    JobBuilder withPriority(int priority) {
        this.priority = priority;
        return this;
    }

    JobBuilder withMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
        return this;
    }

    JobBuilder withEpochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    JobBuilder withIdempotencyKey(String key) {
        this.idempotencyKey = key;
        return this;
    }

    JobBuilder withLabel(String key, String value) {
        labels.put(key, value);
        return this;
    }

    NewJob build() {
        String spec = "{\"training\":{\"epochs\":" + epochs + "}}";
        return new NewJob(UUID.randomUUID(), team, name, datasetId, spec, labels, idempotencyKey, priority,
                maxAttempts, epochs);
    }
}
