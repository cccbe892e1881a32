package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Gradient normalisation or clipping, applied per layer before the updater (DL4J GradientNormalization). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GradientNormalizationSpec(Type type, Double threshold) {

    public enum Type implements SpecEnum {
        NONE, RENORMALIZE_L2_PER_LAYER, RENORMALIZE_L2_PER_PARAM_TYPE, CLIP_ELEMENT_WISE_ABSOLUTE_VALUE,
        CLIP_L2_PER_LAYER, CLIP_L2_PER_PARAM_TYPE;

        @Override
        public String toString() {
            return json();
        }

        public boolean clips() {
            return name().startsWith("CLIP");
        }
    }
}
