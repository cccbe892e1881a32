package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * One hidden layer. The JSON {@code type} picks the record; fields a type does not have are rejected.
 * Sizes ({@code kernel}, {@code stride}, ...) are {@code [height, width]}, or one number for both.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = LayerSpec.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(LayerSpec.Dense.class),
        @JsonSubTypes.Type(LayerSpec.Convolution2d.class),
        @JsonSubTypes.Type(LayerSpec.Pooling2d.class),
        @JsonSubTypes.Type(LayerSpec.BatchNormalization.class),
        @JsonSubTypes.Type(LayerSpec.Dropout.class),
        @JsonSubTypes.Type(LayerSpec.SimpleRnn.class),
        @JsonSubTypes.Type(LayerSpec.Lstm.class),
        @JsonSubTypes.Type(LayerSpec.Bidirectional.class),
        @JsonSubTypes.Type(LayerSpec.LastTimeStep.class),
        @JsonSubTypes.Type(LayerSpec.Embedding.class),
        @JsonSubTypes.Type(LayerSpec.SelfAttention.class),
        @JsonSubTypes.Type(LayerSpec.RecurrentAttention.class),
        @JsonSubTypes.Type(LayerSpec.GlobalPooling.class),
        @JsonSubTypes.Type(LayerSpec.Autoencoder.class),
        @JsonSubTypes.Type(LayerSpec.VariationalAutoencoder.class)})
@JsonIgnoreProperties(value = "type", allowGetters = true)
public sealed interface LayerSpec {

    /** The JSON type names, in documentation order. */
    List<String> TYPES = List.of("dense", "convolution2d", "pooling2d", "batch_normalization", "dropout", "simple_rnn",
            "lstm", "bidirectional", "last_time_step", "embedding", "self_attention", "recurrent_attention",
            "global_pooling", "autoencoder", "variational_autoencoder");

    /** Optional, unique within the spec; the autoencoder task refers to its bottleneck by name. */
    String name();

    /** A layer with weights, and so with the per-layer options of {@link LayerDefaults}. */
    sealed interface Weighted extends LayerSpec {
        Activation activation();

        WeightInitSpec weightInit();

        Double l1();

        Double l2();

        Double weightDecay();

        DropoutSpec dropout();
    }

    @JsonTypeName("dense")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Dense(String name, Integer units, Activation activation, WeightInitSpec weightInit, Double l1, Double l2,
            Double weightDecay, DropoutSpec dropout) implements Weighted {
    }

    @JsonTypeName("convolution2d")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Convolution2d(String name, Integer filters,
            @OneOrMany List<Integer> kernel,
            @OneOrMany List<Integer> stride,
            @OneOrMany List<Integer> padding,
            @OneOrMany List<Integer> dilation,
            ConvolutionMode convolutionMode, Activation activation, WeightInitSpec weightInit, Double l1, Double l2,
            Double weightDecay, DropoutSpec dropout) implements Weighted {
    }

    @JsonTypeName("pooling2d")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Pooling2d(String name, Pooling pooling,
            @OneOrMany List<Integer> kernel,
            @OneOrMany List<Integer> stride,
            @OneOrMany List<Integer> padding,
            ConvolutionMode convolutionMode) implements LayerSpec {
    }

    /** Normalises each feature (or channel) over the batch; {@code decay} is the running-average momentum. */
    @JsonTypeName("batch_normalization")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BatchNormalization(String name, Double decay, Double epsilon) implements LayerSpec {
    }

    @JsonTypeName("dropout")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Dropout(String name, DropoutSpec dropout) implements LayerSpec {
    }

    @JsonTypeName("simple_rnn")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SimpleRnn(String name, Integer units, Activation activation, WeightInitSpec weightInit, Double l1,
            Double l2, Double weightDecay, DropoutSpec dropout) implements Weighted {
    }

    @JsonTypeName("lstm")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Lstm(String name, Integer units, Activation activation, Activation gateActivation, Double forgetGateBias,
            WeightInitSpec weightInit, Double l1, Double l2, Double weightDecay, DropoutSpec dropout)
            implements Weighted {
    }

    /** Runs {@code layer} (an {@code lstm} or {@code simple_rnn}) forwards and backwards and merges both. */
    @JsonTypeName("bidirectional")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Bidirectional(String name, Merge mode, LayerSpec layer) implements LayerSpec {
    }

    /** The last (unmasked) step of the sequence that the previous layer outputs. */
    @JsonTypeName("last_time_step")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LastTimeStep(String name) implements LayerSpec {
    }

    /** Token ids to {@code units}-wide vectors; the first layer of a {@code tokens} network. */
    @JsonTypeName("embedding")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Embedding(String name, Integer units, Activation activation, WeightInitSpec weightInit, Double l1,
            Double l2, Double weightDecay, DropoutSpec dropout) implements Weighted {
    }

    /**
     * Multi-head dot-product self-attention over a sequence. With {@code projection} (default true) the
     * queries, keys and values are learned projections to {@code heads} × {@code headSize} and the output
     * has {@code units} (default heads × headSize) features; without it there must be one head and the
     * output keeps the input's width.
     */
    @JsonTypeName("self_attention")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SelfAttention(String name, Integer heads, Integer headSize, Boolean projection, Integer units,
            Activation activation, WeightInitSpec weightInit, Double l1, Double l2, Double weightDecay,
            DropoutSpec dropout) implements Weighted {
    }

    /** A simple RNN whose every step attends over the whole input sequence (DL4J RecurrentAttentionLayer). */
    @JsonTypeName("recurrent_attention")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RecurrentAttention(String name, Integer units, Integer heads, Integer headSize, Boolean projection,
            Activation activation, WeightInitSpec weightInit, Double l1, Double l2, Double weightDecay,
            DropoutSpec dropout) implements Weighted {
    }

    /** Max, average or sum over time (a sequence) or over height and width (an image). */
    @JsonTypeName("global_pooling")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GlobalPooling(String name, GlobalPool pooling) implements LayerSpec {
    }

    /**
     * DL4J's (denoising) autoencoder layer. Trained end to end it acts as an encoder with an extra
     * visible bias; {@code corruptionLevel} only applies to layer-wise pretraining, which Trainyard does
     * not do (DESIGN.md §3), so it is accepted and recorded but has no effect on end-to-end training.
     */
    @JsonTypeName("autoencoder")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Autoencoder(String name, Integer units, Double corruptionLevel, Double sparsity, Activation activation,
            WeightInitSpec weightInit, Double l1, Double l2, Double weightDecay, DropoutSpec dropout)
            implements Weighted {
    }

    /**
     * A variational autoencoder, trained by its own evidence lower bound; the only layer of an
     * {@code autoencoder} task. Its output is the mean of the latent distribution.
     */
    @JsonTypeName("variational_autoencoder")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VariationalAutoencoder(String name, List<Integer> encoder, List<Integer> decoder, Integer latent,
            Reconstruction reconstruction, Activation activation, WeightInitSpec weightInit, Double l1, Double l2,
            Double weightDecay, DropoutSpec dropout) implements Weighted {
    }

    /** A missing or unknown {@code type}; the validator reports it with the allowed types. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Unknown(String type, String name) implements LayerSpec {
    }

    enum ConvolutionMode implements SpecEnum {
        /** Output (in + 2·padding − kernel) / stride + 1, rounded down. */
        TRUNCATE,
        /** Like truncate, but the division must be exact. */
        STRICT,
        /** Padding chosen so that output = ceil(in / stride); {@code padding} must not be given. */
        SAME;

        @Override
        public String toString() {
            return json();
        }
    }

    enum Pooling implements SpecEnum {
        MAX, AVG;

        @Override
        public String toString() {
            return json();
        }
    }

    enum GlobalPool implements SpecEnum {
        MAX, AVG, SUM;

        @Override
        public String toString() {
            return json();
        }
    }

    enum Merge implements SpecEnum {
        CONCAT, ADD, MUL, AVERAGE;

        @Override
        public String toString() {
            return json();
        }
    }

    enum Reconstruction implements SpecEnum {
        BERNOULLI, GAUSSIAN, EXPONENTIAL;

        @Override
        public String toString() {
            return json();
        }
    }
}
