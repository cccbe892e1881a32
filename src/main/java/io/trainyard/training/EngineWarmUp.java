package io.trainyard.training;

import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.jobs.JobsProperties;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import io.trainyard.storage.Checksum;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Once the service is up, and only where it trains, warms up the engine on its own thread (readiness does not wait):
 * <ul>
 * <li>DL4J's configuration JSON, which would otherwise take 0.2-0.5 s of the first checkpoint's pause (0.36 s for
 * the first CNN; docs/performance.md, "The checkpoint's pause");</li>
 * <li>with {@code trainyard.training.warm-up} (default true), a few seconds of training of three small networks
 * (dense, convolutional, recurrent) on random data. On two cores the JIT compiles the training step's Java code
 * over the first 5-10 s of training, the compiler sharing the cores with the step: the first job after a start
 * trained its first epochs at half speed (docs/performance.md, "The JIT's warm-up"). The small networks go through
 * the same code, so the first job starts at full speed. A job that starts meanwhile stops the warm-up.</li>
 * <li>then, where checkpoints are checked with BLAKE3, ~128 MB of hashing, which the JIT needs to compile its vector
 * lanes ({@link Checksum#warmUpForCheckpoints}).</li>
 * </ul>
 */
@Component
class EngineWarmUp {

    private static final Logger log = LoggerFactory.getLogger(EngineWarmUp.class);

    /**
     * One of each family, large enough for the paths big layers take (Adam split across the cores above 64K values,
     * matrix products of many rows), small enough that a step takes a few milliseconds.
     */
    private static final List<Family> FAMILIES = List.of(
            new Family("dense", """
                    {"input": {"type": "features", "size": 784},
                     "task": {"type": "classification", "classes": 10},
                     "layers": [{"type": "dense", "units": 128, "activation": "relu"},
                                {"type": "dense", "units": 64, "activation": "relu"}],
                     "optimizer": {"type": "adam"},
                     "training": {"epochs": 1, "batchSize": 64, "seed": 1}}""", new int[] {64, 784}, 480),
            new Family("convolutional", """
                    {"input": {"type": "image", "height": 28, "width": 28, "channels": 1},
                     "task": {"type": "classification", "classes": 10},
                     "layers": [{"type": "convolution2d", "filters": 4, "kernel": 5, "activation": "relu"},
                                {"type": "pooling2d", "pooling": "max", "kernel": 2},
                                {"type": "convolution2d", "filters": 8, "kernel": 5, "activation": "relu"},
                                {"type": "pooling2d", "pooling": "max", "kernel": 2},
                                {"type": "dense", "units": 32, "activation": "relu"}],
                     "optimizer": {"type": "adam"},
                     "training": {"epochs": 1, "batchSize": 32, "seed": 1}}""", new int[] {32, 28, 28, 1}, 240),
            new Family("recurrent", """
                    {"input": {"type": "sequence", "features": 32, "length": 50},
                     "task": {"type": "classification", "classes": 10},
                     "layers": [{"type": "lstm", "units": 16}, {"type": "last_time_step"}],
                     "optimizer": {"type": "adam"},
                     "training": {"epochs": 1, "batchSize": 16, "seed": 1}}""", new int[] {16, 50, 32}, 240));
    /** No family trains for longer than this, however slow the machine. */
    private static final long FAMILY_BUDGET_NANOS = 4_000_000_000L;

    /** A small network to train: its spec, the shape of its batches (features), and how many steps. */
    private record Family(String name, String spec, int[] batchShape, int steps) {
    }

    private final JobsProperties jobs;
    private final TrainingProperties properties;
    private final SpecValidator specs;
    private final JsonMapper json;
    private volatile boolean stopped;

    EngineWarmUp(JobsProperties jobs, TrainingProperties properties, SpecValidator specs, JsonMapper json) {
        this.jobs = jobs;
        this.properties = properties;
        this.specs = specs;
        this.json = json;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (jobs.workers() == 0) {
            return;
        }
        Thread t = new Thread(this::warmUp, "engine-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** A job starts training: the warm-up ends after its current step rather than compete with the job. */
    void stop() {
        stopped = true;
    }

    private void warmUp() {
        long start = System.nanoTime();
        try {
            Network.warmUp();
            log.debug("DL4J's configuration JSON warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            // Only a pause saved is at stake: the first checkpoint initialises the same on its own.
            log.warn("Warming the engine up failed; the first checkpoint will pause longer", e);
            return;
        }
        if (properties.warmUp()) {
            train();
            long hashing = System.nanoTime();
            int megabytes = Checksum.warmUpForCheckpoints(() -> stopped);
            if (megabytes > 0) {
                log.info("Checkpoint checksum (BLAKE3) warmed up: {} MB in {} ms", megabytes,
                        (System.nanoTime() - hashing) / 1_000_000);
            }
        }
    }

    /**
     * Trains each family's network for its steps; returns the steps each took. Stops early when {@link #stop}ped. A
     * family that fails is logged and skipped: only the first job's speed is at stake, and the JIT then warms up on it.
     */
    Map<String, Integer> train() {
        long start = System.nanoTime();
        Map<String, Integer> steps = new LinkedHashMap<>();
        for (Family family : FAMILIES) {
            try {
                steps.put(family.name(), train(family));
            } catch (RuntimeException | LinkageError e) {
                log.warn("Training warm-up of the {} network failed; the first job will warm it up itself",
                        family.name(), e);
                steps.put(family.name(), 0);
            }
        }
        log.info("Engine warmed up: {} training steps of small networks in {} ms{}", steps,
                (System.nanoTime() - start) / 1_000_000, stopped ? " (stopped early: a job started)" : "");
        return steps;
    }

    private int train(Family family) {
        TrainingSpec spec = json.readValue(family.spec(), TrainingSpec.class);
        Network network = Network.build(spec, specs.validate(spec, ""));
        Random random = new Random(1);
        int rows = family.batchShape()[0];
        int classes = 10;
        int size = 1;
        for (int d : family.batchShape()) {
            size *= d;
        }
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat();
        }
        float[] y = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            y[r * classes + random.nextInt(classes)] = 1f;
        }
        Batch batch = new Batch(Tensor.of(x, family.batchShape()), Tensor.of(y, rows, classes));
        long deadline = System.nanoTime() + FAMILY_BUDGET_NANOS;
        int step = 0;
        while (step < family.steps() && !stopped && System.nanoTime() - deadline < 0) {
            network.fitBatch(batch);
            step++;
        }
        log.debug("Warm-up: {} steps of the {} network", step, family.name());
        return step;
    }
}
