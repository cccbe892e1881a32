package io.trainyard.system;

import com.fasterxml.jackson.annotation.Nulls;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.databind.cfg.EnumFeature;

/**
 * Strict JSON reading (DESIGN.md §4): a misspelt field, a null where a number belongs, 1.5 where an
 * integer belongs, 3 where an enum name belongs, "3" where a number belongs, "" or "  " where an id, a number or
 * an enum belongs (Jackson's default reads it as null: "use the default") or a null inside an array
 * ({@code "layers": [null]}) is an error with a pointer, never silently accepted.
 */
@Configuration(proxyBeanMethods = false)
class JsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .changeDefaultNullHandling(n -> n.withContentNulls(Nulls.FAIL))
                .withCoercionConfigDefaults(config -> config.setAcceptBlankAsEmpty(true)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, JsonConfiguration::numbersAreNotText)
                .withCoercionConfig(LogicalType.Float, JsonConfiguration::numbersAreNotText)
                .withCoercionConfig(LogicalType.Boolean, JsonConfiguration::numbersAreNotText);
    }

    /** "epochs": "4" is refused rather than read as 4 ("" is refused for every type by the defaults above). */
    private static void numbersAreNotText(MutableCoercionConfig config) {
        config.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
}
