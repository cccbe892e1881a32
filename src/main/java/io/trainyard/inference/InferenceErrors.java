package io.trainyard.inference;

import io.trainyard.system.ApiException;
import java.util.List;
import org.springframework.http.HttpStatus;

/** The serving side's own failures, with the statuses KServe uses for them (ModelNotReady → 503). */
final class InferenceErrors {

    private InferenceErrors() {
    }

    static ApiException notReady(ModelKey key, String why) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "model-not-ready", "Model not ready",
                "Model '" + key.model() + "' version " + key.version() + " is not ready: " + why, List.of());
    }

    static ApiException overloaded(ModelKey key, int queued) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Model overloaded",
                "Model '" + key.model() + "' version " + key.version() + " already has " + queued
                        + " requests waiting (trainyard.inference.max-queued-requests); retry shortly.", List.of());
    }

    static ApiException timedOut(ModelKey key, java.time.Duration timeout) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "timeout", "Inference timed out",
                "Model '" + key.model() + "' version " + key.version() + " did not answer within " + timeout
                        + " (trainyard.inference.request-timeout); retry shortly.", List.of());
    }

    static ApiException unsupported(String model, String task, String operation) {
        return new ApiException(HttpStatus.BAD_REQUEST, "unsupported-operation", "Operation not supported",
                "Model '" + model + "' is a " + task + " model; " + operation + " needs an autoencoder. Use "
                        + "POST /api/v1/models/" + model + "/predict.", List.of());
    }
}
