package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Options for every layer that does not set its own. Unset here too: activation {@code relu}, weight
 * init {@code xavier}, no regularisation, no dropout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayerDefaults(Activation activation, WeightInitSpec weightInit, Double l1, Double l2, Double weightDecay,
        DropoutSpec dropout) {

    static final LayerDefaults NONE = new LayerDefaults(null, null, null, null, null, null);

    public static final Activation ACTIVATION = Activation.RELU;
    public static final WeightInitSpec.Type WEIGHT_INIT = WeightInitSpec.Type.XAVIER;
}
