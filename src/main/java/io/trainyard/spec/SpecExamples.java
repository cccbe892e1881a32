package io.trainyard.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example specs under {@code classpath:spec-examples/}: the same files docs/spec.md shows, the
 * tests build and train, and the OpenAPI document offers, so none of them can drift.
 */
public final class SpecExamples {

    /** Names, in documentation order, with a one-line summary each. */
    public static final Map<String, String> SUMMARIES = linked(
            "mlp-classifier", "MLP classifier: dense layers, dropout, Adam with warm-up and exponential decay",
            "cnn-image-classifier", "CNN image classifier: convolution, batch norm, pooling, global pooling",
            "lstm-sequence-classifier", "LSTM sequence classifier: bidirectional LSTM, LSTM, last time step",
            "attention-sequence-model", "Attention sequence model: embedding, self-attention, recurrent attention",
            "dense-autoencoder", "Dense autoencoder with a named bottleneck",
            "variational-autoencoder", "Variational autoencoder with a Bernoulli reconstruction");

    private SpecExamples() {
    }

    public static List<String> names() {
        return List.copyOf(SUMMARIES.keySet());
    }

    /** The JSON text of one example. */
    public static String json(String name) {
        try (InputStream in = SpecExamples.class.getResourceAsStream("/spec-examples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no spec example " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
