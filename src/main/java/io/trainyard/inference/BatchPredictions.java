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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Predictions for a whole dataset, as a background task: the dataset runs through the model's batcher in chunks
 * (sharing it with online requests), and the results go to the object store as CSV and NPY.
 *
 * <p>Task state is kept in memory on the replica that accepted the request: a restart forgets the tasks (their
 * finished files stay in the object store under {@code batch-predictions/}), and a status request must reach that
 * replica. A table (Flyway V40, the models range) is the next step when this is used behind a load balancer.
 */
@Component
class BatchPredictions implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BatchPredictions.class);
    static final int CHUNK = 256;

    enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** A task's state; {@code done} counts examples predicted so far. */
    record Task(UUID id, String team, String model, int version, UUID datasetId, State state, long examples, long done,
            String error, Instant createdAt, Instant finishedAt) {

        Task with(State state, long done, String error) {
            return new Task(id, team, model, version, datasetId, state, examples, done, error, createdAt,
                    state == State.SUCCEEDED || state == State.FAILED ? Instant.now() : null);
        }
    }

    private final InferenceService inference;
    private final DatasetCatalog catalog;
    private final DatasetLoader loader;
    private final ObjectStore objects;
    private final Map<UUID, Task> tasks = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "batch-predictions");
        t.setDaemon(true);
        return t;
    });

    BatchPredictions(InferenceService inference, DatasetCatalog catalog, DatasetLoader loader, ObjectStore objects) {
        this.inference = inference;
        this.catalog = catalog;
        this.loader = loader;
        this.objects = objects;
    }

    /** Checks the dataset against the model's input and queues the task; the version is pinned now. */
    Task submit(String team, ModelSelector selector, UUID datasetId) {
        ModelVersion version = inference.resolve(team, selector);
        DatasetInfo dataset = catalog.find(team, datasetId).orElseThrow(() -> ApiException.notFound("Dataset",
                datasetId));
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
                dataset.exampleCount(), 0, null, Instant.now(), null);
        tasks.put(task.id(), task);
        runner.submit(() -> run(task.id(), dataset));
        return task;
    }

    Optional<Task> find(String team, String model, UUID id) {
        return Optional.ofNullable(tasks.get(id)).filter(t -> t.team().equals(team) && t.model().equals(model));
    }

    InputStream open(Task task, String format) throws IOException {
        return objects.get(key(task.id(), format));
    }

    static String key(UUID id, String format) {
        return "batch-predictions/" + id + "/predictions." + format;
    }

    private void run(UUID id, DatasetInfo dataset) {
        Task task = tasks.get(id);
        tasks.put(id, task = task.with(State.RUNNING, 0, null));
        Path csv = null;
        try {
            LoadedDataset data = loader.load(dataset);
            ModelSelector selector = ModelSelector.version(task.model(), task.version());
            csv = Files.createTempFile("batch-predictions", ".csv");
            float[] numeric = null;
            int[] exampleShape = null;
            try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(csv),
                    StandardCharsets.UTF_8))) {
                for (int from = 0; from < data.count(); from += CHUNK) {
                    int n = Math.min(CHUNK, data.count() - from);
                    float[] values = Arrays.copyOfRange(data.features(), from * data.exampleSize(),
                            (from + n) * data.exampleSize());
                    Chunk chunk = inference.withModel(task.team(), selector, model -> predict(model, values, n));
                    if (numeric == null) {
                        exampleShape = chunk.exampleShape();
                        numeric = new float[data.count() * chunk.width()];
                        out.write(chunk.header());
                    }
                    System.arraycopy(chunk.numeric(), 0, numeric, from * chunk.width(), chunk.numeric().length);
                    out.write(chunk.rows(from));
                    tasks.put(id, task = task.with(State.RUNNING, from + n, null));
                }
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
            tasks.put(id, task.with(State.SUCCEEDED, data.count(), null));
            log.info("Batch prediction {} of {} v{} on dataset {}: {} examples", id, task.model(), task.version(),
                    task.datasetId(), data.count());
        } catch (ApiException e) {
            tasks.put(id, task.with(State.FAILED, task.done(), e.getMessage()));
        } catch (Exception e) {
            log.error("Batch prediction {} failed", id, e);
            tasks.put(id, task.with(State.FAILED, task.done(), "failed unexpectedly: " + e.getMessage()));
        } finally {
            if (csv != null) {
                try {
                    Files.deleteIfExists(csv);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
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

    private Chunk predict(LoadedModel model, float[] values, int n) {
        Tensor x = ModelArtifact.features(model.metadata(), values, n);
        Tensor y = inference.run(model, Batcher.Operation.OUTPUT, x);
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

    @Override
    public void destroy() {
        runner.shutdownNow();
    }
}
