package io.trainyard.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

@WebMvcTest(controllers = SpecController.class)
@Import({SpecValidator.class, io.trainyard.system.WebConventions.class})
@EnableConfigurationProperties(SpecLimits.class)
class SpecControllerTest {

    static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Autowired
    MockMvc mvc;

    static java.util.List<String> examples() {
        return SpecExamples.names();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleIsValidAndAnswersItsPlan(String name) throws Exception {
        mvc.perform(post("/api/v1/specs/validate").contentType(MediaType.APPLICATION_JSON).content(SpecExamples.json(name)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.layers[0].index").value(0))
                .andExpect(jsonPath("$.layers[-1:].type").value(org.hamcrest.Matchers.contains("output")))
                .andExpect(jsonPath("$.totalParameters").isNumber())
                .andExpect(jsonPath("$.flopsPerExample").isNumber())
                .andExpect(jsonPath("$.estimatedTrainingMemoryBytes").isNumber())
                .andExpect(jsonPath("$.input.kind").isString());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleRoundTripsThroughJsonUnchanged(String name) {
        String json = SpecExamples.json(name);
        TrainingSpec spec = JSON.readValue(json, TrainingSpec.class);
        assertThat(JSON.readTree(JSON.writeValueAsString(spec))).isEqualTo(JSON.readTree(json));
        assertThat(JSON.readValue(JSON.writeValueAsString(spec), TrainingSpec.class)).isEqualTo(spec);
    }

    @Test
    void mlpPlanHasTheResolvedLayerTable() throws Exception {
        mvc.perform(post("/api/v1/specs/validate").contentType(MediaType.APPLICATION_JSON)
                        .content(SpecExamples.json("mlp-classifier")))
                .andExpect(jsonPath("$.layers[0].outputShape.dims[0]").value(32))
                .andExpect(jsonPath("$.layers[0].parameters").value(4 * 32 + 32))
                .andExpect(jsonPath("$.layers[3].outputShape.dims[0]").value(3))
                .andExpect(jsonPath("$.totalParameters").value(160 + 528 + 51))
                .andExpect(jsonPath("$.flopsPerExample").value(1376))
                .andExpect(jsonPath("$.estimatedTrainingMemoryBytes").value(22960))
                .andExpect(jsonPath("$.batchSize").value(16));
    }

    @Test
    void validatorPrefixesPointersForEmbeddedSpecs() {
        TrainingSpec spec = JSON.readValue("{\"input\":{\"type\":\"features\",\"size\":4},\"layers\":[]}", TrainingSpec.class);
        SpecValidator validator = new SpecValidator(SpecLimits.defaults());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> validator.validate(spec, "/spec"))
                .isInstanceOfSatisfying(io.trainyard.system.ApiException.class, e -> assertThat(e.violations())
                        .extracting(io.trainyard.system.Violation::pointer).containsExactlyInAnyOrder("/spec/layers", "/spec/task"));
    }

    @Test
    void openApiExamplesAreTheExampleFiles() {
        assertThat(SpecOpenApi.examples()).containsOnlyKeys(SpecExamples.names().toArray(String[]::new));
        assertThat(SpecOpenApi.examples().get("cnn-image-classifier").getValue()).isInstanceOf(java.util.Map.class);
    }
}
