package io.trainyard.inference;

import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.Normalizer;
import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.ModelVersion;
import io.trainyard.models.NewModelVersion;
import io.trainyard.security.CurrentTeam;
import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Small trained models of each family, built and registered the way a finished training job does it (spec →
 * network → a few fit steps → artifact → registry), with non-trivial normalisers so the tests see them applied.
 */
final class ServingFixtures {

    static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    enum Family {
        MLP("classification", """
                {"input": {"type": "features", "size": 4}, "task": {"type": "classification", "classes": 3},
                 "layers": [{"type": "dense", "units": 8, "activation": "tanh"}],
                 "optimizer": {"type": "adam", "learningRate": 0.05}, "training": {"batchSize": 16, "seed": 7}}""",
                new InputShape(InputShape.Kind.FEATURES, List.of(4),
                        List.of("sepal_length", "sepal_width", "petal_length", "petal_width")),
                List.of("setosa", "versicolor", "virginica"),
                new Normalizer(Normalizer.Kind.STANDARDIZE, 1, new float[] {5.8f, 3f, 3.7f, 1.2f},
                        new float[] {0.8f, 0.4f, 1.7f, 0.7f})),
        REGRESSION("regression", """
                {"input": {"type": "features", "size": 5}, "task": {"type": "regression", "outputs": 2},
                 "layers": [{"type": "dense", "units": 6, "activation": "relu"}],
                 "optimizer": {"type": "adam", "learningRate": 0.01}, "training": {"batchSize": 16, "seed": 8}}""",
                new InputShape(InputShape.Kind.FEATURES, List.of(5), null), List.of(),
                new Normalizer(Normalizer.Kind.NONE, 1, new float[] {0}, new float[] {1})),
        CNN("classification", """
                {"input": {"type": "image", "height": 6, "width": 5, "channels": 2},
                 "task": {"type": "classification", "classes": 3},
                 "layers": [{"type": "convolution2d", "filters": 4, "kernel": 3, "convolutionMode": "same",
                             "activation": "relu"},
                            {"type": "batch_normalization"},
                            {"type": "pooling2d", "pooling": "max", "kernel": 2},
                            {"type": "dense", "units": 8, "activation": "relu"}],
                 "optimizer": {"type": "adam", "learningRate": 0.01}, "training": {"batchSize": 16, "seed": 1}}""",
                new InputShape(InputShape.Kind.IMAGE, List.of(2, 6, 5), null), List.of("cat", "dog", "fox"),
                new Normalizer(Normalizer.Kind.STANDARDIZE, 30, new float[] {100, 50}, new float[] {60, 30})),
        GRAY_CNN("classification", """
                {"input": {"type": "image", "height": 4, "width": 4, "channels": 1},
                 "task": {"type": "classification", "classes": 2},
                 "layers": [{"type": "convolution2d", "filters": 2, "kernel": 2, "activation": "relu"},
                            {"type": "global_pooling", "pooling": "avg"}],
                 "optimizer": {"type": "adam", "learningRate": 0.01}, "training": {"batchSize": 16, "seed": 2}}""",
                new InputShape(InputShape.Kind.IMAGE, List.of(1, 4, 4), null), List.of("dark", "light"),
                new Normalizer(Normalizer.Kind.SCALE, 1, new float[] {0}, new float[] {255})),
        LSTM("classification", """
                {"input": {"type": "sequence", "features": 3, "length": 8},
                 "task": {"type": "classification", "classes": 2},
                 "layers": [{"type": "lstm", "units": 6}, {"type": "last_time_step"}],
                 "optimizer": {"type": "rmsprop", "learningRate": 0.01}, "training": {"batchSize": 16, "seed": 3}}""",
                new InputShape(InputShape.Kind.SEQUENCE, List.of(8, 3), null), List.of("down", "up"),
                new Normalizer(Normalizer.Kind.MIN_MAX, 1, new float[] {-1, 0, 10}, new float[] {2, 5, 20})),
        AUTOENCODER("autoencoder", """
                {"input": {"type": "features", "size": 12},
                 "task": {"type": "autoencoder", "bottleneck": "code", "activation": "identity", "loss": "mse"},
                 "layers": [{"type": "dense", "units": 8, "activation": "elu"},
                            {"type": "dense", "name": "code", "units": 3, "activation": "identity"},
                            {"type": "dense", "units": 8, "activation": "elu"}],
                 "optimizer": {"type": "adam", "learningRate": 0.01}, "training": {"batchSize": 16, "seed": 5}}""",
                new InputShape(InputShape.Kind.FEATURES, List.of(12), null), List.of(),
                new Normalizer(Normalizer.Kind.STANDARDIZE, 1, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                        new float[] {2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4}));

        final String task;
        final String spec;
        final InputShape inputShape;
        final List<String> classNames;
        final Normalizer normalizer;

        Family(String task, String spec, InputShape inputShape, List<String> classNames, Normalizer normalizer) {
            this.task = task;
            this.spec = spec;
            this.inputShape = inputShape;
            this.classNames = classNames;
            this.normalizer = normalizer;
        }
    }

    /** A registered model version together with a network loaded from the same bytes, for expected outputs. */
    record Served(String name, ModelVersion version, ModelArtifact artifact, Network network) {

        InputShape inputShape() {
            return artifact.metadata().inputShape();
        }

        /** What the network says for {@code count} examples given in the dataset's layout. */
        Tensor expected(float[] values, int count) {
            return network.output(ModelArtifact.features(artifact.metadata(), values, count));
        }

        Tensor expectedLatent(float[] values, int count) {
            return network.encode(ModelArtifact.features(artifact.metadata(), values, count));
        }
    }

    private ServingFixtures() {
    }

    static ModelArtifact artifact(Family family, long seed) {
        TrainingSpec spec = JSON.readValue(family.spec, TrainingSpec.class);
        NetworkPlan plan = new SpecValidator(SpecLimits.defaults()).validate(spec, "");
        Network network = Network.build(spec, plan);
        ModelArtifact.Metadata metadata = new ModelArtifact.Metadata(family.task, family.inputShape,
                family.classNames, family.normalizer, JSON.readTree(family.spec));
        Random random = new Random(seed);
        for (int step = 0; step < 3; step++) {
            int n = 16;
            Tensor x = ModelArtifact.features(metadata, instances(family.inputShape, n, random.nextLong()), n);
            int outputs = switch (family) {
                case REGRESSION -> 2;
                case AUTOENCODER -> 0;
                default -> family.classNames.size();
            };
            Tensor y = null;
            if (outputs > 0) {
                float[] labels = new float[n * outputs];
                for (int i = 0; i < n; i++) {
                    if (family == Family.REGRESSION) {
                        labels[i * outputs] = random.nextFloat();
                        labels[i * outputs + 1] = random.nextFloat();
                    } else {
                        labels[i * outputs + random.nextInt(outputs)] = 1;
                    }
                }
                y = Tensor.of(labels, n, outputs);
            }
            network.fitBatch(new Batch(x, y));
        }
        return ModelArtifact.of(metadata, network);
    }

    static Served register(ModelRegistry registry, String name, Family family, long seed) {
        ModelArtifact artifact = artifact(family, seed);
        try {
            Map<String, Object> shape = new LinkedHashMap<>();
            shape.put("kind", family.inputShape.kind().name().toLowerCase());
            shape.put("shape", family.inputShape.shape());
            ModelVersion version = registry.register(new NewModelVersion(CurrentTeam.DEFAULT, name, UUID.randomUUID(),
                    UUID.randomUUID(), Map.of("loss", 0.5), shape, family.classNames),
                    new ByteArrayInputStream(artifact.toBytes()));
            return new Served(name, version, artifact, artifact.loadNetwork());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} examples in the dataset's layout, in the range a real dataset of this shape would have. */
    static float[] instances(InputShape shape, int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * shape.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = shape.kind() == InputShape.Kind.IMAGE ? random.nextInt(256) : (float) (random.nextGaussian() * 3 + 4);
        }
        return x;
    }

    /** Flat examples as the JSON of a predict request's instances, each in its natural (nested) shape. */
    static String instancesJson(InputShape shape, float[] values, int n) {
        List<Object> instances = new ArrayList<>();
        int size = shape.size();
        for (int i = 0; i < n; i++) {
            float[] one = java.util.Arrays.copyOfRange(values, i * size, (i + 1) * size);
            instances.add(Outputs.nest(one, shape.dims()));
        }
        return JSON.writeValueAsString(instances);
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).floatValue();
        }
        return out;
    }
}
