package io.trainyard.spec;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/specs")
@Tag(name = "specs", description = "The training spec: validation, shape inference and estimates")
class SpecController {

    private final SpecValidator validator;

    SpecController(SpecValidator validator) {
        this.validator = validator;
    }

    @PostMapping(path = "/validate", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Validate a training spec and resolve its layer table",
            description = "Infers the shape after every layer and answers with the layer table, parameter count, "
                    + "FLOPs per example and a training-memory estimate. Problems answer 400 problem+json with one "
                    + "entry per problem (JSON pointer and what is allowed); configured limits answer 422. "
                    + "Request examples: one per network family (docs/spec.md).")
    @ApiResponse(responseCode = "200", description = "The spec is valid; its resolved plan")
    @ApiResponse(responseCode = "400", description = "Invalid spec; errors[] lists every problem")
    @ApiResponse(responseCode = "422", description = "Valid, but over a configured limit (trainyard.spec.*)")
    NetworkPlan validate(@RequestBody TrainingSpec spec) {
        return validator.validate(spec, "");
    }
}
