package io.trainyard.jobs;

import io.trainyard.system.ApiException;
import tools.jackson.databind.JsonNode;

/**
 * Stands in until the {@code spec} module's validator is wired in: checks only what the queue needs, a JSON
 * object with a positive integer {@code training.epochs}.
 */
class MinimalJobSpecValidator implements JobSpecValidator {

    static final int MAX_EPOCHS = 100_000;

    @Override
    public ValidatedSpec validate(JsonNode spec, java.util.UUID datasetId, String team, String pointerPrefix) {
        if (spec == null || !spec.isObject()) {
            throw ApiException.invalid(pointerPrefix, "must be a JSON object (the training spec)");
        }
        JsonNode training = spec.get("training");
        if (training == null || !training.isObject()) {
            throw ApiException.invalid(pointerPrefix + "/training", "required: an object with at least \"epochs\"");
        }
        JsonNode epochs = training.get("epochs");
        String pointer = pointerPrefix + "/training/epochs";
        if (epochs == null || !epochs.isIntegralNumber() || !epochs.canConvertToInt()) {
            throw ApiException.invalid(pointer, "required: an integer from 1 to " + MAX_EPOCHS);
        }
        if (epochs.intValue() < 1 || epochs.intValue() > MAX_EPOCHS) {
            throw ApiException.invalid(pointer, "must be from 1 to " + MAX_EPOCHS + "; got " + epochs.intValue());
        }
        return new ValidatedSpec(spec, epochs.intValue());
    }
}
