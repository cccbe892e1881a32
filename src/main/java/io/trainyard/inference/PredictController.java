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
@RequestMapping(PredictController.BASE)
class PredictController {

    static final String BASE = "/api/v1/models/{name}";
    static final String OPERATION = "/{operation:predict|encode|reconstruct}";
    static final String VERSION = "/versions/{version}";
    static final String ALIAS = "/aliases/{alias}";

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

    @PostMapping(VERSION + OPERATION)
    PredictResponse version(@PathVariable String name, @PathVariable int version, @PathVariable String operation,
            @RequestBody PredictRequest request) {
        return serve(ModelSelector.version(name, version), operation, request);
    }

    @PostMapping(ALIAS + OPERATION)
    PredictResponse alias(@PathVariable String name, @PathVariable String alias, @PathVariable String operation,
            @RequestBody PredictRequest request) {
        return serve(ModelSelector.alias(name, alias), operation, request);
    }

    /** Also answers the requests {@link DirectPredictFilter} takes past Spring MVC's dispatch. */
    PredictResponse serve(ModelSelector selector, String operation, PredictRequest request) {
        InferenceService.Served served = inference.predict(team.id(), selector,
                InferenceService.Operation.valueOf(operation.toUpperCase()), request.instances(), request.topK());
        return new PredictResponse(served.key().model(), served.key().version(), served.predictions());
    }
}
