package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** What the network learns; determines the output layer the engine appends after the listed layers. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = TaskSpec.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(TaskSpec.Classification.class),
        @JsonSubTypes.Type(TaskSpec.Regression.class),
        @JsonSubTypes.Type(TaskSpec.Autoencoder.class)})
public sealed interface TaskSpec {

    /** Softmax + multi-class cross-entropy unless overridden. */
    @JsonTypeName("classification")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Classification(Integer classes, OutputPer per, Activation activation, Loss loss, WeightInitSpec weightInit)
            implements TaskSpec {
    }

    /** Identity + mean squared error unless overridden. */
    @JsonTypeName("regression")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Regression(Integer outputs, OutputPer per, Activation activation, Loss loss, WeightInitSpec weightInit)
            implements TaskSpec {
    }

    /**
     * Reconstruct the input. {@code bottleneck} names the layer whose output is the latent code; with a
     * {@code variational_autoencoder} layer it may be omitted (the latent mean is the code).
     */
    @JsonTypeName("autoencoder")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Autoencoder(String bottleneck, Activation activation, Loss loss, WeightInitSpec weightInit)
            implements TaskSpec {
    }

    record Unknown() implements TaskSpec {
        @Override
        public Activation activation() {
            return null;
        }

        @Override
        public Loss loss() {
            return null;
        }
    }

    /** The output layer's activation as the spec gives it, or null. */
    Activation activation();

    /** The loss as the spec gives it, or null. */
    Loss loss();

    /** The output layer's activation: the spec's, or the task's default (softmax for classes, else identity). */
    default Activation activationOrDefault() {
        return activation() != null ? activation() : this instanceof Unknown ? null
                : this instanceof Classification ? Activation.SOFTMAX : Activation.IDENTITY;
    }

    /** The loss: the spec's, or the task's default (cross-entropy for classes, else mean squared error). */
    default Loss lossOrDefault() {
        return loss() != null ? loss() : this instanceof Unknown ? null
                : this instanceof Classification ? Loss.MCXENT : Loss.MSE;
    }

    /** For sequence networks: one output per sequence (default) or one per time step. */
    enum OutputPer implements SpecEnum {
        SEQUENCE, TIME_STEP;

        @Override
        public String toString() {
            return json();
        }
    }

    enum Loss implements SpecEnum {
        MCXENT, XENT, MSE, MAE, NEGATIVELOGLIKELIHOOD, KL_DIVERGENCE, HINGE, SQUARED_HINGE, POISSON, COSINE_PROXIMITY;

        @Override
        public String toString() {
            return json();
        }
    }
}
