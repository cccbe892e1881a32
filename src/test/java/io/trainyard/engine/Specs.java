package io.trainyard.engine;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Test helpers: read specs the way the service does (unknown fields rejected) and plan them. */
final class Specs {

    static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
    static final SpecValidator VALIDATOR = new SpecValidator(SpecLimits.defaults());

    private Specs() {
    }

    static TrainingSpec parse(String json) {
        return JSON.readValue(json, TrainingSpec.class);
    }

    static String example(String name) {
        try (InputStream in = Specs.class.getResourceAsStream("/spec-examples/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NetworkPlan plan(TrainingSpec spec) {
        return VALIDATOR.validate(spec, "");
    }
}
