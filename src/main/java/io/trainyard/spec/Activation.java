package io.trainyard.spec;

/** Activation functions, all of DL4J 1.0.0-M2.1's that make sense for a hidden or output layer. */
public enum Activation implements SpecEnum {
    RELU, RELU6, LEAKYRELU, ELU, SELU, GELU, SWISH, MISH, TANH, HARDTANH, SIGMOID, HARDSIGMOID, SOFTMAX, SOFTPLUS,
    SOFTSIGN, IDENTITY;

    @Override
    public String toString() {
        return json();
    }
}
