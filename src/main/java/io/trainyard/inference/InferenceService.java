package io.trainyard.inference;

import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelVersion;
import io.trainyard.system.ApiException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.springframework.stereotype.Service;

/**
 * Serving, shared by the REST API, the Open Inference Protocol and batch predictions: resolve the version, get it
 * loaded, prepare the input exactly as training did ({@link ModelArtifact#features}), queue it on the model's
 * batcher, and account for it in the metrics.
 */
@Service
class InferenceService {

    enum Operation { PREDICT, ENCODE, RECONSTRUCT }

    /** A served request: which version answered, and its predictions (one per instance). */
    record Served(ModelKey key, List<Object> predictions) {
    }

    private final ModelCache cache;
    private final InferenceMetrics metrics;
    private final InferenceProperties properties;

    InferenceService(ModelCache cache, InferenceMetrics metrics, InferenceProperties properties) {
        this.cache = cache;
        this.metrics = metrics;
        this.properties = properties;
    }

    Served predict(String team, ModelSelector selector, Operation operation, RawArray instances, Integer topK) {
        return withModel(team, selector, model -> {
            if (operation != Operation.PREDICT && !model.autoencoder()) {
                throw InferenceErrors.unsupported(model.key().model(), model.task(), operation.name().toLowerCase());
            }
            if (topK != null && !LoadedModel.CLASSIFICATION.equals(model.task())) {
                throw ApiException.invalid("/topK", "applies to classification models only; this one is a "
                        + model.task() + " model");
            }
            int classes = model.outputShape()[model.outputShape().length - 1];
            if (topK != null && (topK < 1 || topK > classes)) {
                throw ApiException.invalid("/topK", "must be between 1 and " + classes + " (the number of classes); "
                        + "got " + topK);
            }
            Instances.Parsed parsed = Instances.parseAll(instances, model.metadata().inputShape(),
                    properties.maxInstances());
            Tensor input = ModelArtifact.featuresInPlace(model.metadata(), parsed.values(),
                    parsed.values().length / model.metadata().inputShape().size());
            Tensor mask = parsed.mask();
            IntFunction<String> where = i -> "/instances/" + i;
            return new Served(model.key(), switch (operation) {
                case ENCODE -> Outputs.latents(answer(model, Batcher.Operation.ENCODE, input, null, where));
                case RECONSTRUCT -> Outputs.reconstructions(model, input,
                        answer(model, Batcher.Operation.OUTPUT, input, null, where), where);
                case PREDICT -> model.autoencoder()
                        ? Outputs.reconstructions(model, input,
                                answer(model, Batcher.Operation.OUTPUT, input, null, where), where)
                        : Outputs.predictions(model, answer(model, Batcher.Operation.OUTPUT, input, mask, where), topK);
            });
        });
    }

    /** The resolved version, without loading it. */
    ModelVersion resolve(String team, ModelSelector selector) {
        return cache.resolve(team, selector);
    }

    boolean isLoaded(String team, ModelVersion version) {
        return cache.isLoaded(team, version);
    }

    LoadedModel loaded(String team, ModelVersion version) {
        return cache.get(team, version);
    }

    /**
     * Runs {@code body} on the loaded model, counting the request in its metrics. A model unloaded between lookup
     * and queueing (its batcher closed) is loaded again and the body retried.
     */
    <T> T withModel(String team, ModelSelector selector, Function<LoadedModel, T> body) {
        ModelVersion version = cache.resolve(team, selector);
        ModelKey key = new ModelKey(team, version.model(), version.version());
        InferenceMetrics.ModelMeters meters = metrics.forModel(key);
        long start = System.nanoTime();
        boolean ok = false;
        try {
            for (int attempt = 1; ; attempt++) {
                LoadedModel model = cache.get(team, version);
                try {
                    T result = body.apply(model);
                    ok = true;
                    return result;
                } catch (Batcher.ClosedException e) {
                    cache.discard(model);
                    if (attempt == 3) {
                        throw InferenceErrors.notReady(key, "it was unloaded while this request waited (the model "
                                + "cache is too small for the models in use: trainyard.inference.cache-max-*)");
                    }
                }
            }
        } catch (ApiException e) {
            meters.error(e.type());
            throw e;
        } catch (RuntimeException e) {
            meters.error("internal");
            throw e;
        } finally {
            meters.request(System.nanoTime() - start, ok);
        }
    }

    /**
     * The network's answer to a request, {@link #run} refusing (422) one that is not finite for some instance
     * ({@link Outputs#requireFinite}); {@code where} says how the request names instance {@code i}. The REST API
     * and the Open Inference Protocol answer through here; batch predictions call {@link #run}.
     */
    Tensor answer(LoadedModel model, Batcher.Operation operation, Tensor input, Tensor mask,
            IntFunction<String> where) {
        Tensor output = run(model, operation, input, mask);
        Outputs.requireFinite(output.data(), output.batchSize(), where);
        return output;
    }

    /** Queues {@code input} on the model's batcher and waits for its rows of the output. */
    Tensor run(LoadedModel model, Batcher.Operation operation, Tensor input) {
        return run(model, operation, input, null);
    }

    /** As {@link #run(LoadedModel, Batcher.Operation, Tensor)}, for padded sequences with their mask. */
    Tensor run(LoadedModel model, Batcher.Operation operation, Tensor input, Tensor mask) {
        CompletableFuture<Tensor> result = model.submit(operation, input, mask);
        try {
            return result.get(properties.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            throw InferenceErrors.timedOut(model.key(), properties.requestTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw InferenceErrors.timedOut(model.key(), properties.requestTimeout());
        } catch (ExecutionException e) {
            throw new IllegalStateException("Inference failed for model " + model.key(), e.getCause());
        }
    }
}
