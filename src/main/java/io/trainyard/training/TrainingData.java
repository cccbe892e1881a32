package io.trainyard.training;

import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.LoadedDataset;
import io.trainyard.datasets.Normalizer;
import io.trainyard.engine.Batch;
import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import java.util.Random;

/**
 * A job's examples: the training split, the validation split (a held-out fraction or another dataset), and the
 * normaliser fitted on the training split only. Batches come out in the engine's layout through
 * {@link ModelArtifact#features}, the same preparation inference uses.
 */
final class TrainingData {

    enum Task { CLASSIFICATION, REGRESSION, AUTOENCODER }

    private final LoadedDataset train;
    private final LoadedDataset validation;
    private final ModelArtifact.Metadata metadata;
    private final Task task;
    private final int classes;

    TrainingData(LoadedDataset train, LoadedDataset validation, ModelArtifact.Metadata metadata, Task task) {
        this.train = train;
        this.validation = validation;
        this.metadata = metadata;
        this.task = task;
        this.classes = metadata.classNames().size();
    }

    /** Images are scaled to 0..1, everything else standardised; token ids are left alone. */
    static Normalizer.Kind normalizerKind(InputShape.Kind kind, boolean tokens) {
        if (tokens) {
            return Normalizer.Kind.NONE;
        }
        return kind == InputShape.Kind.IMAGE ? Normalizer.Kind.SCALE : Normalizer.Kind.STANDARDIZE;
    }

    /** The same data prepared with another normaliser (a resumed job keeps the one its checkpoint saved). */
    TrainingData withNormalizer(Normalizer normalizer) {
        ModelArtifact.Metadata m = new ModelArtifact.Metadata(metadata.task(), metadata.inputShape(),
                metadata.classNames(), normalizer, metadata.spec());
        return new TrainingData(train, validation, m, task);
    }

    LoadedDataset train() {
        return train;
    }

    LoadedDataset validation() {
        return validation;
    }

    boolean hasValidation() {
        return validation != null && validation.count() > 0;
    }

    ModelArtifact.Metadata metadata() {
        return metadata;
    }

    Task task() {
        return task;
    }

    int classes() {
        return classes;
    }

    /** The training order of one epoch: shuffled by a seed derived from the job seed and the epoch alone. */
    static int[] epochOrder(int count, long seed, int epoch) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The examples {@code order[from..to)} of {@code data} as one engine batch. */
    Batch batch(LoadedDataset data, int[] order, int from, int to) {
        int n = to - from;
        int size = data.exampleSize();
        float[] x = new float[n * size];
        for (int j = 0; j < n; j++) {
            System.arraycopy(data.features(), order[from + j] * size, x, j * size, size);
        }
        Tensor features = ModelArtifact.features(metadata, x, n);
        return new Batch(features, labels(data, order, from, to), mask(data, order, from, to));
    }

    /** The padded sequences' mask rows ([n, T], 1 = real step), or null when the data set has none. */
    private static Tensor mask(LoadedDataset data, int[] order, int from, int to) {
        if (data.mask() == null) {
            return null;
        }
        int n = to - from;
        int steps = data.timeSteps();
        float[] m = new float[n * steps];
        for (int j = 0; j < n; j++) {
            System.arraycopy(data.mask(), order[from + j] * steps, m, j * steps, steps);
        }
        return Tensor.of(m, n, steps);
    }

    private Tensor labels(LoadedDataset data, int[] order, int from, int to) {
        int n = to - from;
        return switch (task) {
            case AUTOENCODER -> null;
            case REGRESSION -> {
                float[] y = new float[n];
                for (int j = 0; j < n; j++) {
                    y[j] = data.targets()[order[from + j]];
                }
                yield Tensor.of(y, n, 1);
            }
            case CLASSIFICATION -> {
                float[] y = new float[n * classes];
                for (int j = 0; j < n; j++) {
                    y[j * classes + data.labels()[order[from + j]]] = 1f;
                }
                yield Tensor.of(y, n, classes);
            }
        };
    }
}
