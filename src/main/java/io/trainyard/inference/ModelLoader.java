package io.trainyard.inference;

import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.ModelVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads a version's artifact, checks its size and SHA-256 against the registry's record before anything parses
 * it (DESIGN.md §5), loads the network and runs one dummy inference: that warms DL4J up and tells the output shape.
 */
@Component
class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelRegistry registry;
    private final InferenceProperties properties;
    private final InferenceMetrics metrics;

    ModelLoader(ModelRegistry registry, InferenceProperties properties, InferenceMetrics metrics) {
        this.registry = registry;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** Failure to load a stored version: the artifact is missing, corrupt or not what was registered. */
    static final class LoadException extends RuntimeException {
        LoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    LoadedModel load(ModelKey key, ModelVersion version) {
        long start = System.nanoTime();
        ModelArtifact artifact;
        Network network;
        try {
            artifact = ModelArtifact.read(new ByteArrayInputStream(verifiedBytes(version)));
            network = artifact.loadNetwork().forServing();
        } catch (IOException e) {
            throw new LoadException("its artifact could not be read: " + e.getMessage(), e);
        }
        ModelArtifact.Metadata metadata = artifact.metadata();
        Tensor dummy = ModelArtifact.features(metadata, new float[metadata.inputShape().size()], 1);
        int[] outputShape = exampleShape(network.output(dummy));
        int latent = LoadedModel.AUTOENCODER.equals(metadata.task()) ? network.encode(dummy).data().length : 0;
        InferenceMetrics.ModelMeters meters = metrics.forModel(key);
        Batcher batcher = new Batcher(key, network, properties.batchingFor(key.model()), properties.maxQueuedRequests(),
                meters);
        long nanos = System.nanoTime() - start;
        meters.loaded(nanos);
        log.info("Loaded model {} ({} task, input {} {}, output {}) in {} ms", key, metadata.task(),
                metadata.inputShape().kind(), metadata.inputShape().shape(), Arrays.toString(outputShape),
                nanos / 1_000_000);
        return new LoadedModel(key, metadata, batcher, outputShape, latent, version.sizeBytes());
    }

    private byte[] verifiedBytes(ModelVersion version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(version.sizeBytes(), Integer.MAX_VALUE - 8));
        registry.copyVerifiedArtifact(version, out);
        return out.toByteArray();
    }

    private static int[] exampleShape(Tensor t) {
        return Arrays.copyOfRange(t.shape(), 1, t.shape().length);
    }
}
