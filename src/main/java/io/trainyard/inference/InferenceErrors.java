package io.trainyard.inference;

import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
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

    /**
     * A well-formed instance the model has no finite answer for: NaN or an infinity is no JSON number (a client got
     * the string "NaN"), and no retry helps, so 422 like other well-formed requests that cannot be served.
     */
    static ApiException notFinite(String pointer, int instance) {
        String message = "the model's output for instance " + instance + " is not finite (NaN or infinite): its "
                + "values are far outside what the model was trained on; send values in the range of its training data";
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "output-not-finite", "Output not finite",
                pointer + ": " + message, List.of(Violation.at(pointer, message)));
    }

    static ApiException unsupported(String model, String task, String operation) {
        return new ApiException(HttpStatus.BAD_REQUEST, "unsupported-operation", "Operation not supported",
                "Model '" + model + "' is a " + task + " model; " + operation + " needs an autoencoder. Use "
                        + "POST /api/v1/models/" + model + "/predict.", List.of());
    }
}
