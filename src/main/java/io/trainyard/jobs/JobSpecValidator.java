package io.trainyard.jobs;

import tools.jackson.databind.JsonNode;

/**
 * Validates a submitted training spec before the job is queued. The {@code spec} module provides the real
 * one; until it is wired in, {@link MinimalJobSpecValidator} checks only what the queue itself needs.
 */
public interface JobSpecValidator {

    /**
     * @param spec          the spec exactly as submitted (any JSON value)
     * @param datasetId     the job's dataset, which exists and belongs to {@code team}: the spec's input shape and
     *                      output classes may be inferred from it
     * @param team          the submitting team
     * @param pointerPrefix where the spec sits in the request body ("/spec"): prefix every violation's pointer
     * @return the spec to store (possibly with defaults filled in) and what the queue needs from it
     * @throws io.trainyard.system.ApiException 400 with pointers under {@code pointerPrefix} for a malformed
     *         spec, 422 for a well-formed one that exceeds a limit
     */
    ValidatedSpec validate(JsonNode spec, java.util.UUID datasetId, String team, String pointerPrefix);

    /** The most epochs one job may train in all; "continue" holds the sum of its parent's and its own to it. */
    default int maxEpochs() {
        return MinimalJobSpecValidator.MAX_EPOCHS;
    }
}
