package io.trainyard.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Per-model serving metrics, tagged {@code model} and {@code version} (Prometheus names in docs/inference.md).
 * Only resolved model versions get meters, so a client guessing names cannot grow the tag space.
 */
@Component
class InferenceMetrics {

    private final MeterRegistry registry;
    private final Map<ModelKey, ModelMeters> meters = new ConcurrentHashMap<>();

    InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    ModelMeters forModel(ModelKey key) {
        return meters.computeIfAbsent(key, ModelMeters::new);
    }

    final class ModelMeters {
        private final ModelKey key;
        private final Timer success;
        private final Timer failure;
        private final DistributionSummary batchSize;
        private final Timer queueTime;
        private final Timer computeTime;
        private final Timer loadTime;
        private final Map<String, Counter> errors = new ConcurrentHashMap<>();

        private ModelMeters(ModelKey key) {
            this.key = key;
            String model = key.model();
            String version = String.valueOf(key.version());
            this.success = requests(model, version, "success");
            this.failure = requests(model, version, "error");
            this.batchSize = DistributionSummary.builder("trainyard.inference.batch.size")
                    .description("Instances per network call").baseUnit("instances")
                    .tags("model", model, "version", version)
                    .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                    .register(registry);
            this.queueTime = stageTimer("trainyard.inference.queue.time",
                    "Time a request waited in its model's queue before its batch ran", model, version);
            // Apart from the request latency, to tell the network's own time from the HTTP stack's and the queue's.
            this.computeTime = stageTimer("trainyard.inference.compute.time",
                    "Time one network call took (a whole batch)", model, version);
            this.loadTime = Timer.builder("trainyard.inference.model.load")
                    .description("Time to read, verify, load and warm up a model version")
                    .tags("model", model, "version", version)
                    .register(registry);
        }

        /** A part of serving, 10 µs to 10 s, with a percentile histogram. */
        private Timer stageTimer(String name, String description, String model, String version) {
            return Timer.builder(name).description(description).tags("model", model, "version", version)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
        }

        private Timer requests(String model, String version, String outcome) {
            return Timer.builder("trainyard.inference.requests")
                    .description("Inference requests (REST and v2) and their latency, parsing to answer")
                    .tags("model", model, "version", version, "outcome", outcome)
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
        }

        void request(long nanos, boolean ok) {
            (ok ? success : failure).record(nanos, TimeUnit.NANOSECONDS);
        }

        void error(String reason) {
            errors.computeIfAbsent(reason, r -> Counter.builder("trainyard.inference.errors")
                    .description("Failed inference requests by reason")
                    .tags("model", key.model(), "version", String.valueOf(key.version()), "reason", r)
                    .register(registry)).increment();
        }

        /** One network call: its rows and how long it took. */
        void batch(int rows, long nanos) {
            batchSize.record(rows);
            computeTime.record(nanos, TimeUnit.NANOSECONDS);
        }

        void queueTime(long nanos) {
            queueTime.record(nanos, TimeUnit.NANOSECONDS);
        }

        void loaded(long nanos) {
            loadTime.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
