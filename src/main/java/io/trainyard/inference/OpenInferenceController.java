package io.trainyard.inference;

import io.trainyard.security.CurrentTeam;
import io.trainyard.system.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Open Inference Protocol v2 over HTTP/REST. Errors are {@code {"error": "..."}} as the protocol prescribes
 * ({@link OpenInferenceErrors}); readiness answers 200 when ready and 503 with {@code "ready": false} when not,
 * as KServe's reference server does.
 */
@RestController
@RequestMapping("/v2")
class OpenInferenceController {

    private final OpenInference protocol;
    private final CurrentTeam team;
    private final ApplicationAvailability availability;

    OpenInferenceController(OpenInference protocol, CurrentTeam team, ApplicationAvailability availability) {
        this.protocol = protocol;
        this.team = team;
        this.availability = availability;
    }

    @GetMapping({"", "/"})
    Map<String, Object> server() {
        return OpenInference.serverMetadata();
    }

    @GetMapping("/health/live")
    Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GetMapping("/health/ready")
    ResponseEntity<Map<String, Object>> ready() {
        boolean ready = availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("ready", ready));
    }

    @GetMapping("/models/{name}")
    OpenInference.ModelMetadata metadata(@PathVariable String name) {
        return protocol.metadata(team.id(), ModelSelector.latest(name));
    }

    @GetMapping("/models/{name}/versions/{version}")
    OpenInference.ModelMetadata metadata(@PathVariable String name, @PathVariable String version) {
        return protocol.metadata(team.id(), selector(name, version));
    }

    @GetMapping("/models/{name}/ready")
    ResponseEntity<Map<String, Object>> modelReady(@PathVariable String name) {
        return modelReady(name, ModelSelector.latest(name));
    }

    @GetMapping("/models/{name}/versions/{version}/ready")
    ResponseEntity<Map<String, Object>> modelReady(@PathVariable String name, @PathVariable String version) {
        return modelReady(name, selector(name, version));
    }

    @PostMapping("/models/{name}/infer")
    OpenInference.InferResponse infer(@PathVariable String name, @RequestBody OpenInference.InferRequest request) {
        return protocol.infer(team.id(), ModelSelector.latest(name), request);
    }

    @PostMapping("/models/{name}/versions/{version}/infer")
    OpenInference.InferResponse infer(@PathVariable String name, @PathVariable String version,
            @RequestBody OpenInference.InferRequest request) {
        return protocol.infer(team.id(), selector(name, version), request);
    }

    private ResponseEntity<Map<String, Object>> modelReady(String name, ModelSelector selector) {
        boolean ready = protocol.ready(team.id(), selector);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("ready", ready);
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    /** v2 versions are strings; ours are positive integers, so anything else names no version. */
    private static ModelSelector selector(String name, String version) {
        // parseInt alone would also take "+1" and non-ASCII digits as a version
        if (version.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                int v = Integer.parseInt(version);
                if (v >= 1) {
                    return ModelSelector.version(name, v);
                }
            } catch (NumberFormatException e) {
                // past int: names no version either
            }
        }
        throw new ApiException(HttpStatus.NOT_FOUND, "not-found", "Model version not found",
                "Model '" + name + "' has no version '" + version + "'; versions are positive integers.", List.of());
    }
}
