package io.trainyard.spec;

import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import java.util.Map;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Adds the example specs to the validate operation's request body. Annotations can only hold constant
 * strings, so the examples are read from the same files the docs and tests use. The jobs module can
 * offer them too via {@link #examples()}.
 */
@Configuration(proxyBeanMethods = false)
class SpecOpenApi {

    @Bean
    OperationCustomizer specExamples() {
        return (operation, handler) -> {
            if (handler.getBeanType() == SpecController.class && operation.getRequestBody() != null
                    && operation.getRequestBody().getContent() != null) {
                MediaType json = operation.getRequestBody().getContent().get("application/json");
                if (json != null) {
                    examples().forEach(json::addExamples);
                }
            }
            return operation;
        };
    }

    static Map<String, Example> examples() {
        JsonMapper mapper = JsonMapper.builder().build();
        Map<String, Example> out = new java.util.LinkedHashMap<>();
        SpecExamples.SUMMARIES.forEach((name, summary) -> out.put(name,
                new Example().summary(summary).value(mapper.readValue(SpecExamples.json(name), Map.class))));
        return out;
    }
}
