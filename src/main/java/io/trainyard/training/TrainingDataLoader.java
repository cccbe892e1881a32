package io.trainyard.training;

import io.trainyard.datasets.DatasetCatalog;
import io.trainyard.datasets.DatasetInfo;
import io.trainyard.datasets.DatasetLoader;
import io.trainyard.datasets.LoadedDataset;
import io.trainyard.datasets.Normalizer;
import io.trainyard.datasets.Splits;
import io.trainyard.jobs.ClaimedJob;
import io.trainyard.jobs.JobFailedException;
import io.trainyard.models.ModelArtifact;
import io.trainyard.spec.TaskSpec;
import io.trainyard.spec.TrainingSettings;
import io.trainyard.spec.TrainingSpec;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Loads a job's dataset, splits off validation data by the job seed, and fits the normaliser on the rest. */
@Component
class TrainingDataLoader {

    /** Below this many examples a held-out fraction is too small to say anything; all of them train. */
    private static final int MIN_EXAMPLES_FOR_HOLDOUT = 10;

    private final DatasetCatalog catalog;
    private final DatasetLoader loader;
    private final TrainingProperties properties;
    private final JsonMapper json;

    TrainingDataLoader(DatasetCatalog catalog, DatasetLoader loader, TrainingProperties properties, JsonMapper json) {
        this.catalog = catalog;
        this.loader = loader;
        this.properties = properties;
        this.json = json;
    }

    TrainingData load(ClaimedJob job, TrainingSpec spec) throws IOException {
        DatasetInfo info = dataset(job.team(), job.datasetId(), "training");
        LoadedDataset all = loader.load(info);
        TrainingData.Task task = spec.task() instanceof TaskSpec.Classification ? TrainingData.Task.CLASSIFICATION
                : spec.task() instanceof TaskSpec.Regression ? TrainingData.Task.REGRESSION
                : TrainingData.Task.AUTOENCODER;
        TrainingSettings.ValidationSplit validation = spec.training() == null ? null : spec.training().validation();
        LoadedDataset train = all;
        LoadedDataset held = null;
        if (validation != null && validation.dataset() != null) {
            held = loader.load(dataset(job.team(), UUID.fromString(validation.dataset()), "validation"));
            if (task == TrainingData.Task.CLASSIFICATION) {
                try {
                    held = held.withClassesOf(all.classNames());
                } catch (IllegalArgumentException e) {
                    throw new JobFailedException("The validation dataset's " + e.getMessage() + ", the training "
                            + "dataset's classes; validate on data with the same classes.", false);
                }
            }
        } else {
            double fraction = validation != null && validation.fraction() != null ? validation.fraction()
                    : properties.defaultValidationFraction();
            if (fraction > 0 && all.count() >= MIN_EXAMPLES_FOR_HOLDOUT) {
                boolean stratified = task == TrainingData.Task.CLASSIFICATION && all.hasClasses();
                Splits.Split split = Splits.split(all, spec.seedOrDefault(), fraction, 0, stratified);
                train = all.subset(split.train());
                held = all.subset(split.validation());
            }
        }
        Normalizer normalizer = Normalizer.fit(TrainingData.normalizerKind(all.kind(), false), train);
        List<String> classes = task == TrainingData.Task.CLASSIFICATION ? all.classNames() : List.of();
        ModelArtifact.Metadata metadata = new ModelArtifact.Metadata(task.name().toLowerCase(), info.inputShape(),
                classes, normalizer, json.valueToTree(spec));
        return new TrainingData(train, held, metadata, task);
    }

    private DatasetInfo dataset(String team, UUID id, String role) {
        return catalog.find(team, id).orElseThrow(() -> new JobFailedException("The " + role + " dataset " + id
                + " no longer exists; upload it again and submit a new job.", false));
    }
}
