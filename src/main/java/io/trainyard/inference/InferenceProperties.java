package io.trainyard.inference;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Model serving ({@code trainyard.inference.*}).
 *
 * @param batching          gather concurrent requests for one model version into one network call (default true);
 *                          off, every request is its own call (for comparison in the benchmark)
 * @param maxBatchSize      the most instances one network call takes (default 32); a single request with more
 *                          instances still runs, alone. Smaller than the concurrency it serves, so that one batch
 *                          computes while the HTTP threads parse the next: at 64 connections on 2 cores, 32 answered
 *                          16 % more requests than 64, with no worse a p99 (docs/inference.md, "The batch size")
 * @param maxQueueDelay     how long a batch that is not full waits for more requests (default PT0.0005S = 500 µs);
 *                          when requests are arriving concurrently (a lone caller never waits); requests that queue
 *                          while the network is busy are gathered regardless
 * @param models            per-model overrides of {@code batching}, {@code max-batch-size} and
 *                          {@code max-queue-delay}, keyed by model name
 * @param maxInstances      the most instances one predict request may carry (default 1024); more gets 413
 * @param maxQueuedRequests requests waiting for one model version before new ones get 503 (default 1000)
 * @param requestTimeout    how long a request waits for its result before it gets 503 (default PT30S)
 * @param cacheMaxModels    loaded model versions kept in memory (default 8)
 * @param cacheMaxBytes     total artifact size of the loaded versions (default 2GB); a rough proxy for memory
 * @param resolveTtl        how long "latest" and alias resolutions are reused (default PT5S). Alias moves on this
 *                          replica take effect at once; other replicas see them within about this time (refreshed in the background)
 * @param loaderThreads     threads that load models in the background (default 2)
 * @param batchPredictions  the background batch-prediction runner ({@code batch-predictions.*})
 * @param directPath        answer plain predict requests past Spring MVC's dispatch (default true;
 *                          {@link DirectPredictFilter}); false: every request goes through the controller
 */
@ConfigurationProperties(prefix = "trainyard.inference")
public record InferenceProperties(
        @DefaultValue("true") boolean batching,
        @DefaultValue("32") int maxBatchSize,
        @DefaultValue("PT0.0005S") Duration maxQueueDelay,
        Map<String, ModelBatching> models,
        @DefaultValue("1024") int maxInstances,
        @DefaultValue("1000") int maxQueuedRequests,
        @DefaultValue("PT30S") Duration requestTimeout,
        @DefaultValue("8") int cacheMaxModels,
        @DefaultValue("2GB") DataSize cacheMaxBytes,
        @DefaultValue("PT5S") Duration resolveTtl,
        @DefaultValue("2") int loaderThreads,
        @DefaultValue BatchPredictionSettings batchPredictions,
        @DefaultValue("true") boolean directPath) {

    /**
     * Batch predictions ({@code trainyard.inference.batch-predictions.*}).
     *
     * @param enabled       whether this replica runs batch predictions (default true); false: it still accepts
     *                      and reports them, other replicas run them
     * @param leaseDuration how long a claim lasts without a heartbeat (default PT30S; renewed every third of it).
     *                      A task whose replica died is claimed again this long after its last heartbeat
     * @param pollInterval  how often an idle runner looks for tasks submitted elsewhere (default PT2S)
     * @param maxAttempts   claims a task may use (default 3); when the last one ends with a dead replica too, the
     *                      task is FAILED with a reason asking for a resubmission
     */
    public record BatchPredictionSettings(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("PT30S") Duration leaseDuration,
            @DefaultValue("PT2S") Duration pollInterval,
            @DefaultValue("3") int maxAttempts) {

        public BatchPredictionSettings {
            require(positive(leaseDuration) && positive(pollInterval),
                    "trainyard.inference.batch-predictions durations must be positive");
            require(maxAttempts >= 1, "trainyard.inference.batch-predictions.max-attempts must be at least 1");
        }

        static BatchPredictionSettings defaults() {
            return new BatchPredictionSettings(true, Duration.ofSeconds(30), Duration.ofSeconds(2), 3);
        }
    }

    /** Overrides for one model; a null field keeps the global value. */
    public record ModelBatching(Boolean batching, Integer maxBatchSize, Duration maxQueueDelay) {
    }

    /** What the batcher of one model uses. */
    record Batching(boolean enabled, int maxBatchSize, Duration maxQueueDelay) {
    }

    public InferenceProperties {
        models = models == null ? Map.of() : Map.copyOf(models);
        require(maxBatchSize >= 1, "trainyard.inference.max-batch-size must be at least 1");
        require(maxQueueDelay != null && !maxQueueDelay.isNegative(),
                "trainyard.inference.max-queue-delay must be 0 or more");
        require(maxInstances >= 1, "trainyard.inference.max-instances must be at least 1");
        require(maxQueuedRequests >= 1, "trainyard.inference.max-queued-requests must be at least 1");
        require(positive(requestTimeout) && positive(resolveTtl), "trainyard.inference durations must be positive");
        require(cacheMaxModels >= 1, "trainyard.inference.cache-max-models must be at least 1");
        require(cacheMaxBytes != null && cacheMaxBytes.toBytes() > 0, "trainyard.inference.cache-max-bytes must be positive");
        require(loaderThreads >= 1, "trainyard.inference.loader-threads must be at least 1");
        batchPredictions = batchPredictions == null ? BatchPredictionSettings.defaults() : batchPredictions;
        models.forEach((name, m) -> {
            require(m.maxBatchSize() == null || m.maxBatchSize() >= 1,
                    "trainyard.inference.models." + name + ".max-batch-size must be at least 1");
            require(m.maxQueueDelay() == null || !m.maxQueueDelay().isNegative(),
                    "trainyard.inference.models." + name + ".max-queue-delay must be 0 or more");
        });
    }

    Batching batchingFor(String model) {
        ModelBatching m = models.get(model);
        if (m == null) {
            return new Batching(batching, maxBatchSize, maxQueueDelay);
        }
        return new Batching(m.batching() == null ? batching : m.batching(),
                m.maxBatchSize() == null ? maxBatchSize : m.maxBatchSize(),
                m.maxQueueDelay() == null ? maxQueueDelay : m.maxQueueDelay());
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
