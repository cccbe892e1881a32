package io.trainyard.inference;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.security.CurrentTeam;
import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/models/{name}[/versions/{v} | /aliases/{alias}]/(predict|encode|reconstruct)}: the latest
 * version, a numbered one or the one an alias points at.
 */
@RestController
@RequestMapping("/api/v1/models/{name}")
class PredictController {

    private static final String OPERATION = "/{operation:predict|encode|reconstruct}";

    private final InferenceService inference;
    private final CurrentTeam team;

    PredictController(InferenceService inference, CurrentTeam team) {
        this.inference = inference;
        this.team = team;
    }

    /**
     * @param instances one entry per example in the input's natural shape (see docs/inference.md); streamed straight
     *                  into floats, never a JSON tree
     * @param topK      classification only: return the K most probable classes instead of all probabilities
     */
    record PredictRequest(
            @Schema(type = "array", description = "one entry per example, in the input's natural shape")
            RawArray instances, Integer topK) {
    }

    /** {@code version} is the version that answered, so that a caller using an alias or "latest" knows it. */
    record PredictResponse(String model, int version, List<Object> predictions) {
    }

    @PostMapping(OPERATION)
    PredictResponse latest(@PathVariable String name, @PathVariable String operation,
            @RequestBody PredictRequest request) {
        return serve(ModelSelector.latest(name), operation, request);
    }

    @PostMapping("/versions/{version}" + OPERATION)
    PredictResponse version(@PathVariable String name, @PathVariable int version, @PathVariable String operation,
            @RequestBody PredictRequest request) {
        return serve(ModelSelector.version(name, version), operation, request);
    }

    @PostMapping("/aliases/{alias}" + OPERATION)
    PredictResponse alias(@PathVariable String name, @PathVariable String alias, @PathVariable String operation,
            @RequestBody PredictRequest request) {
        return serve(ModelSelector.alias(name, alias), operation, request);
    }

    private PredictResponse serve(ModelSelector selector, String operation, PredictRequest request) {
        InferenceService.Served served = inference.predict(team.id(), selector,
                InferenceService.Operation.valueOf(operation.toUpperCase()), request.instances(), request.topK());
        return new PredictResponse(served.key().model(), served.key().version(), served.predictions());
    }
}
