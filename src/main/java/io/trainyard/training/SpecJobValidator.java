package io.trainyard.training;

import io.trainyard.datasets.DatasetCatalog;
import io.trainyard.datasets.DatasetInfo;
import io.trainyard.datasets.TaskHints;
import io.trainyard.jobs.JobSpecValidator;
import io.trainyard.jobs.ValidatedSpec;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TaskSpec;
import io.trainyard.spec.TrainingSettings;
import io.trainyard.spec.TrainingSpec;
import io.trainyard.system.ApiException;
import io.trainyard.system.JsonMistakes;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real check of a job's spec: it must be a valid spec (the same check as {@code POST /api/v1/specs/validate})
 * and it must fit its dataset. The input shape and the number of classes are taken from the dataset when the
 * spec leaves them out, and stored filled in, so the job trains exactly what was validated.
 */
@Component
class SpecJobValidator implements JobSpecValidator {

    private final SpecValidator specs;
    private final DatasetCatalog datasets;
    private final JsonMapper json;

    SpecJobValidator(SpecValidator specs, DatasetCatalog datasets, JsonMapper json) {
        this.specs = specs;
        this.datasets = datasets;
        this.json = json;
    }

    @Override
    public ValidatedSpec validate(JsonNode node, UUID datasetId, String team, String prefix) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(prefix, "must be a JSON object: the training spec (see docs/spec.md)");
        }
        TrainingSpec spec = parse(node, prefix);
        DatasetInfo dataset = datasets.find(team, datasetId).orElseThrow(() -> DatasetCatalog.unknown("/datasetId"));
        List<Violation> problems = new ArrayList<>();
        spec = fill(spec, dataset, prefix, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        specs.validate(spec, prefix);
        validationDataset(spec, team, dataset, prefix);
        int epochs = spec.training() == null || spec.training().epochs() == null ? TrainingSettings.DEFAULT_EPOCHS
                : spec.training().epochs();
        return new ValidatedSpec(json.valueToTree(spec), epochs);
    }

    @Override
    public int maxEpochs() {
        return specs.maxEpochs();
    }

    private TrainingSpec parse(JsonNode node, String prefix) {
        try {
            return json.treeToValue(node, TrainingSpec.class);
        } catch (JacksonException e) {
            throw ApiException.invalid(List.of(JsonMistakes.of(e, prefix).violation()));
        }
    }

    private static TrainingSpec fill(TrainingSpec spec, DatasetInfo dataset, String prefix, List<Violation> problems) {
        if (spec.input() != null && !(spec.input() instanceof io.trainyard.spec.InputSpec.Unknown)
                && !DatasetInputs.fits(spec.input(), dataset.inputShape())) {
            problems.add(Violation.at(prefix + "/input", "does not match the dataset, which holds "
                    + DatasetInputs.describe(dataset.inputShape()) + "; leave input out to take it from the dataset"));
        }
        TrainingSpec filled = spec.withInput(DatasetInputs.inputOf(dataset));
        TaskSpec task = filled.task();
        int classes = dataset.taskHints().classes() == null ? 0 : dataset.taskHints().classes().size();
        if (task instanceof TaskSpec.Classification c) {
            if (classes < 2) {
                problems.add(Violation.at(prefix + "/task", "classification needs a dataset with at least two classes "
                        + "of labels; this one has " + classes + " (use task regression or autoencoder)"));
            } else if (c.classes() == null) {
                task = new TaskSpec.Classification(classes, c.per(), c.activation(), c.loss(), c.weightInit());
            } else if (c.classes() != classes) {
                problems.add(Violation.at(prefix + "/task/classes", "the dataset has " + classes
                        + " classes; set " + classes + " or leave classes out"));
            }
            if (c.per() == TaskSpec.OutputPer.TIME_STEP) {
                problems.add(Violation.at(prefix + "/task/per", "time_step outputs need one label per step, which "
                        + "datasets do not hold yet; use sequence"));
            }
        } else if (task instanceof TaskSpec.Regression r) {
            if (dataset.taskHints().target() == null) {
                problems.add(Violation.at(prefix + "/task", "regression needs a dataset with numeric labels; this one "
                        + "has none"));
            } else if (r.outputs() != null && r.outputs() != 1) {
                problems.add(Violation.at(prefix + "/task/outputs", "datasets hold one target per example; set 1 or "
                        + "leave outputs out"));
            } else if (r.outputs() == null) {
                task = new TaskSpec.Regression(1, r.per(), r.activation(), r.loss(), r.weightInit());
            }
            if (r.per() == TaskSpec.OutputPer.TIME_STEP) {
                problems.add(Violation.at(prefix + "/task/per", "time_step outputs need one target per step, which "
                        + "datasets do not hold yet; use sequence"));
            }
        }
        return new TrainingSpec(filled.input(), task, filled.defaults(), filled.layers(), filled.optimizer(),
                filled.training());
    }

    private void validationDataset(TrainingSpec spec, String team, DatasetInfo training, String prefix) {
        if (spec.training() == null || spec.training().validation() == null
                || spec.training().validation().dataset() == null) {
            return;
        }
        String pointer = prefix + "/training/validation/dataset";
        UUID id;
        try {
            id = UUID.fromString(spec.training().validation().dataset());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(pointer, "must be a dataset id (a UUID)");
        }
        DatasetInfo validation = datasets.find(team, id).orElseThrow(() -> ApiException.invalid(pointer,
                "no dataset with this id; upload the validation data with POST /api/v1/datasets"));
        if (!validation.inputShape().kind().equals(training.inputShape().kind())
                || !validation.inputShape().shape().equals(training.inputShape().shape())) {
            throw ApiException.invalid(pointer, "holds " + DatasetInputs.describe(validation.inputShape())
                    + " but the training dataset holds " + DatasetInputs.describe(training.inputShape()));
        }
        List<String> trainingFeatures = training.inputShape().featureNames();
        List<String> validationFeatures = validation.inputShape().featureNames();
        if (trainingFeatures != null && validationFeatures != null && !trainingFeatures.equals(validationFeatures)) {
            throw ApiException.invalid(pointer, "holds the features " + validationFeatures + " but the training "
                    + "dataset holds " + trainingFeatures + "; features are read by position, so upload the validation "
                    + "data with the same columns in the same order (the upload's features field picks and orders them)");
        }
        if (spec.task() instanceof TaskSpec.Classification) {
            List<String> known = classNames(training);
            List<String> unknown = classNames(validation).stream().filter(n -> !known.contains(n)).toList();
            if (!unknown.isEmpty()) {
                throw ApiException.invalid(pointer, "holds classes " + unknown + " that the training dataset does "
                        + "not have (its classes are " + known + "); classes are matched by name");
            }
        }
    }

    private static List<String> classNames(DatasetInfo dataset) {
        List<TaskHints.ClassCount> classes = dataset.taskHints().classes();
        return classes == null ? List.of() : classes.stream().map(TaskHints.ClassCount::name).toList();
    }
}
