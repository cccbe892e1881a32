package io.trainyard.inference;

import io.trainyard.datasets.DatasetCatalog;
import io.trainyard.datasets.DatasetInfo;
import io.trainyard.datasets.DatasetLoader;
import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.LoadedDataset;
import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelVersion;
import io.trainyard.storage.ObjectStore;
import io.trainyard.system.ApiException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Predictions for a whole dataset, as a background task: the dataset runs through the model's batcher in chunks
 * (sharing it with online requests), and the results go to the object store as CSV and NPY.
 *
 * <p>Task state lives in PostgreSQL ({@link BatchPredictionRepository}), so every replica answers for every task
 * and a restart forgets nothing. Each replica runs one task at a time on its runner thread, claimed under a lease
 * that a heartbeat renews. A task submitted here is reserved for this replica for one lease period (so it starts
 * here at once, and the replica that loaded the dataset's shape runs it); after that, or when its replica died,
 * any replica claims it and runs it again from the start — the output keys are per task, so a re-run simply
 * overwrites a partial one. After {@code max-attempts} claims that ended with a dead replica it is FAILED with a
 * reason that asks for a resubmission.
 */
@Component
class BatchPredictions implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BatchPredictions.class);
    static final int CHUNK = 256;
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(1);

    enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /**
     * A task's state; {@code done} counts examples predicted so far in the current attempt, {@code attempt} the
     * claims so far (more than 1: it was restarted after its replica stopped).
     */
    record Task(UUID id, String team, String model, int version, UUID datasetId, State state, long examples, long done,
            String error, int attempt, Instant createdAt, Instant startedAt, Instant finishedAt) {
    }

    private final InferenceService inference;
    private final DatasetCatalog catalog;
    private final DatasetLoader loader;
    private final ObjectStore objects;
    private final BatchPredictionRepository repository;
    private final TransactionTemplate transaction;
    private final InferenceProperties.BatchPredictionSettings settings;
    private final String owner;
    private final Semaphore wake = new Semaphore(0);
    private final ExecutorService runner = Executors.newSingleThreadExecutor(daemon("batch-predictions"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            daemon("batch-predictions-heartbeat"));
    private volatile boolean stopping;
    /** The task this replica is running and its claim, or null. */
    private volatile Task current;

    BatchPredictions(InferenceService inference, DatasetCatalog catalog, DatasetLoader loader, ObjectStore objects,
            BatchPredictionRepository repository, InferenceProperties properties,
            PlatformTransactionManager transactions) {
        this.inference = inference;
        this.transaction = new TransactionTemplate(transactions);
        this.catalog = catalog;
        this.loader = loader;
        this.objects = objects;
        this.repository = repository;
        this.settings = properties.batchPredictions();
        this.owner = replicaId();
    }

    /** Starts claiming once the application is up (the migrations have run, the model cache exists). */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (settings.enabled()) {
            runner.submit(this::work);
            log.info("Batch predictions run on this replica as {}", owner);
        }
    }

    /** Checks the dataset against the model's input and queues the task; the version is pinned now. */
    Task submit(String team, ModelSelector selector, UUID datasetId) {
        ModelVersion version = inference.resolve(team, selector);
        DatasetInfo dataset = catalog.find(team, datasetId).orElseThrow(() -> DatasetCatalog.unknown("/datasetId"));
        InputShape expected = inference.loaded(team, version).metadata().inputShape();
        InputShape actual = dataset.inputShape();
        if (actual.kind() != expected.kind() || !actual.shape().equals(expected.shape())
                || (actual.featureNames() != null && expected.featureNames() != null
                        && !actual.featureNames().equals(expected.featureNames()))) {
            throw ApiException.invalid("/datasetId", "dataset " + datasetId + " holds " + describe(actual)
                    + " examples; model '" + version.model() + "' version " + version.version() + " takes "
                    + describe(expected));
        }
        Task task = new Task(UUID.randomUUID(), team, version.model(), version.version(), datasetId, State.QUEUED,
                dataset.exampleCount(), 0, null, 0, Instant.now(), null, null);
        transaction.executeWithoutResult(status -> {
            // Held until the task is committed, so a delete of the dataset waits and then sees the task (409).
            if (!catalog.hold(team, datasetId)) {
                throw DatasetCatalog.unknown("/datasetId");
            }
            repository.insert(task, settings.enabled() ? owner : null, Instant.now().plus(settings.leaseDuration()));
        });
        wake.release();
        return task;
    }

    Optional<Task> find(String team, String model, UUID id) {
        return repository.find(team, model, id);
    }

    InputStream open(Task task, String format) throws IOException {
        return objects.get(key(task.id(), format));
    }

    static String key(UUID id, String format) {
        return "batch-predictions/" + id + "/predictions." + format;
    }

    /** The runner thread: claim, run, repeat; between tasks wait for a submission or the poll interval. */
    private void work() {
        while (!stopping) {
            try {
                repository.failExhausted(settings.maxAttempts(), Instant.now());
                Optional<Task> claimed = repository.claimNext(owner, settings.leaseDuration(), settings.maxAttempts(),
                        Instant.now());
                if (claimed.isPresent()) {
                    run(claimed.get());
                    continue;
                }
            } catch (RuntimeException e) {
                // the database may be briefly unreachable: keep the thread, try again at the next poll
                log.warn("Batch predictions: claiming failed ({}); retrying", e.toString());
            }
            try {
                // ±20% so that replicas started together do not poll in lockstep
                long poll = (long) (settings.pollInterval().toMillis() * (0.8 + 0.4 * Math.random()));
                if (wake.tryAcquire(Math.max(1, poll), TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs a claimed task while a heartbeat renews its lease; every write is fenced by the claim's attempt. */
    private void run(Task claimed) {
        current = claimed;
        AtomicLong done = new AtomicLong();
        AtomicBoolean lost = new AtomicBoolean();
        long period = Math.max(1, settings.leaseDuration().toMillis() / 3);
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!repository.heartbeat(claimed.id(), claimed.attempt(), done.get(), settings.leaseDuration(),
                        Instant.now())) {
                    lost.set(true);
                }
            } catch (RuntimeException e) {
                log.warn("Batch prediction {}: heartbeat failed ({})", claimed.id(), e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try {
            String error = null;
            try {
                predictAll(claimed, done, lost);
            } catch (ApiException e) {
                if (stopping) {
                    return; // an interrupted wait surfaces as a timeout: not the task's fault, destroy() hands it back
                }
                error = e.getMessage();
            } catch (LostClaimException e) {
                log.warn("Batch prediction {} was claimed by another replica; this one stops", claimed.id());
                return;
            } catch (Exception e) {
                if (stopping) {
                    return; // shutting down: destroy() hands the task back
                }
                log.error("Batch prediction {} failed", claimed.id(), e);
                error = "failed unexpectedly: " + e.getMessage();
            }
            if (!repository.finish(claimed.id(), claimed.attempt(), error == null ? State.SUCCEEDED : State.FAILED,
                    done.get(), error, Instant.now())) {
                log.warn("Batch prediction {} finished after its claim was taken over; its result is not recorded",
                        claimed.id());
            } else if (error == null) {
                log.info("Batch prediction {} of {} v{} on dataset {}: {} examples", claimed.id(), claimed.model(),
                        claimed.version(), claimed.datasetId(), done.get());
            }
        } finally {
            heartbeat.cancel(false);
            current = null;
        }
    }

    /** Another replica holds the task now (this one's lease expired): stop without writing anything more. */
    private static final class LostClaimException extends RuntimeException {
        LostClaimException() {
            super("claim lost", null, false, false);
        }
    }

    private void predictAll(Task task, AtomicLong done, AtomicBoolean lost) throws IOException {
        DatasetInfo dataset = catalog.find(task.team(), task.datasetId()).orElseThrow(() -> ApiException.notFound(
                "Dataset", task.datasetId()));
        UUID id = task.id();
        Path csv = Files.createTempFile("batch-predictions", ".csv");
        try {
            LoadedDataset data = loader.load(dataset);
            ModelSelector selector = ModelSelector.version(task.model(), task.version());
            float[] numeric = null;
            int[] exampleShape = null;
            long lastProgress = System.nanoTime();
            try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(csv),
                    StandardCharsets.UTF_8))) {
                for (int from = 0; from < data.count(); from += CHUNK) {
                    if (lost.get()) {
                        throw new LostClaimException();
                    }
                    int n = Math.min(CHUNK, data.count() - from);
                    float[] values = Arrays.copyOfRange(data.features(), from * data.exampleSize(),
                            (from + n) * data.exampleSize());
                    Tensor mask = data.mask() == null ? null : Tensor.of(Arrays.copyOfRange(data.mask(),
                            from * data.timeSteps(), (from + n) * data.timeSteps()), n, data.timeSteps());
                    Chunk chunk = inference.withModel(task.team(), selector, model -> predict(model, values, mask, n));
                    if (numeric == null) {
                        exampleShape = chunk.exampleShape();
                        numeric = new float[data.count() * chunk.width()];
                        out.write(chunk.header());
                    }
                    System.arraycopy(chunk.numeric(), 0, numeric, from * chunk.width(), chunk.numeric().length);
                    out.write(chunk.rows(from));
                    done.set(from + n);
                    // progress for status requests on any replica: at most once a second, beside the heartbeat
                    if (System.nanoTime() - lastProgress > PROGRESS_NANOS) {
                        lastProgress = System.nanoTime();
                        if (!repository.heartbeat(id, task.attempt(), done.get(), settings.leaseDuration(),
                                Instant.now())) {
                            throw new LostClaimException();
                        }
                    }
                }
            }
            if (lost.get()) {
                throw new LostClaimException();
            }
            try (InputStream in = Files.newInputStream(csv)) {
                objects.put(key(id, "csv"), in);
            }
            int[] shape = new int[1 + exampleShape.length];
            shape[0] = data.count();
            System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
            Path npy = Files.createTempFile("batch-predictions", ".npy");
            try {
                try (OutputStream out = Files.newOutputStream(npy)) {
                    NpyFloats.write(out, shape, numeric);
                }
                try (InputStream in = Files.newInputStream(npy)) {
                    objects.put(key(id, "npy"), in);
                }
            } finally {
                Files.deleteIfExists(npy);
            }
        } finally {
            try {
                Files.deleteIfExists(csv);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }

    /** One chunk's results: CSV rows and the numeric output ({@code width} floats per example). */
    private record Chunk(String header, float[] numeric, int[] exampleShape, String[] cells) {
        int width() {
            return numeric.length / cells.length;
        }

        String rows(int firstIndex) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                out.append(firstIndex + i).append(',').append(cells[i]).append('\n');
            }
            return out.toString();
        }
    }

    private Chunk predict(LoadedModel model, float[] values, Tensor mask, int n) {
        Tensor x = ModelArtifact.features(model.metadata(), values, n);
        Tensor y = inference.run(model, Batcher.Operation.OUTPUT, x, mask);
        String[] cells = new String[n];
        if (model.autoencoder()) {
            float[] errors = Outputs.errors(x, y);
            for (int i = 0; i < n; i++) {
                cells[i] = String.valueOf(errors[i]);
            }
            return new Chunk("index,reconstruction_error\n", errors, new int[0], cells);
        }
        int width = y.data().length / n;
        boolean classify = LoadedModel.CLASSIFICATION.equals(model.task()) && model.outputShape().length == 1;
        StringBuilder header = new StringBuilder("index");
        if (classify) {
            header.append(",label,probability");
            for (int k = 0; k < width; k++) {
                header.append(",").append(csv("p_" + Outputs.label(model.metadata().classNames(), k)));
            }
        } else {
            for (int k = 0; k < width; k++) {
                header.append(",").append(LoadedModel.CLASSIFICATION.equals(model.task()) ? "p_" : "value_").append(k);
            }
        }
        for (int i = 0; i < n; i++) {
            float[] row = y.row(i);
            StringBuilder cell = new StringBuilder();
            if (classify) {
                int best = 0;
                for (int k = 1; k < row.length; k++) {
                    best = row[k] > row[best] ? k : best;
                }
                cell.append(csv(Outputs.label(model.metadata().classNames(), best))).append(',').append(row[best]);
            }
            for (int k = 0; k < row.length; k++) {
                if (cell.length() > 0) {
                    cell.append(',');
                }
                cell.append(row[k]);
            }
            cells[i] = cell.toString();
        }
        return new Chunk(header.append('\n').toString(), y.data(), model.outputShape(), cells);
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static String describe(InputShape shape) {
        return shape.kind().name().toLowerCase() + " " + shape.shape()
                + (shape.featureNames() == null ? "" : " " + shape.featureNames());
    }

    /**
     * Graceful shutdown hands the running task back (QUEUED, the attempt not spent), so another replica or this
     * one after its restart starts it at once instead of after the lease expires.
     */
    @Override
    public void destroy() {
        stopping = true;
        Task running = current;
        runner.shutdownNow();
        heartbeats.shutdownNow();
        if (running != null) {
            try {
                if (repository.release(running.id(), running.attempt())) {
                    log.info("Batch prediction {} handed back for another replica (shutdown)", running.id());
                }
            } catch (RuntimeException e) {
                log.warn("Batch prediction {} could not be handed back ({}); it restarts when its lease expires",
                        running.id(), e.toString());
            }
        }
    }

    private static String replicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "replica";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
