package io.trainyard.jobs;

import tools.jackson.databind.JsonNode;

/**
 * @param spec        the spec to store and hand to the runner
 * @param totalEpochs how many epochs the job trains
 */
public record ValidatedSpec(JsonNode spec, int totalEpochs) {

    public ValidatedSpec {
        if (spec == null || totalEpochs < 1) {
            throw new IllegalArgumentException("a validated spec needs a spec and at least one epoch");
        }
    }
}
