package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The updater and its hyper-parameters. Fields a type does not use are rejected by the validator, so a
 * typo such as {@code momentum} on {@code adam} does not silently do nothing. Defaults are DL4J's
 * (docs/spec.md lists them per type).
 *
 * @param schedule              how the learning rate changes over iterations or epochs
 * @param gradientNormalization normalisation or clipping of gradients before the update
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerSpec(Type type, Double learningRate, Double momentum, Double beta1, Double beta2,
        Double epsilon, Double rho, Double decay, ScheduleSpec schedule, GradientNormalizationSpec gradientNormalization) {

    public enum Type implements SpecEnum {
        SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, ADAMAX, NADAM, AMSGRAD;

        @Override
        public String toString() {
            return json();
        }
    }

    public static final Type DEFAULT_TYPE = Type.ADAM;

    public Type typeOrDefault() {
        return type == null ? DEFAULT_TYPE : type;
    }
}
