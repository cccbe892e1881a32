package io.trainyard.inference;

import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import java.util.concurrent.CompletableFuture;

/**
 * A model version in memory, behind its batcher.
 *
 * @param outputShape one example's network output (from the warm-up): {@code [K]}, or {@code [T, K]} per time
 *                    step; for autoencoders the reconstruction in the engine's layout
 * @param latentSize  the width of the latent code for autoencoders, else 0
 * @param sizeBytes   the artifact's size, which the cache weighs
 */
record LoadedModel(ModelKey key, ModelArtifact.Metadata metadata, Batcher batcher, int[] outputShape,
        int latentSize, long sizeBytes) {

    static final String CLASSIFICATION = "classification";
    static final String REGRESSION = "regression";
    static final String AUTOENCODER = "autoencoder";

    String task() {
        return metadata.task();
    }

    boolean autoencoder() {
        return AUTOENCODER.equals(metadata.task());
    }

    CompletableFuture<Tensor> submit(Batcher.Operation operation, Tensor input, Tensor mask) {
        return batcher.submit(operation, input, mask);
    }
}
