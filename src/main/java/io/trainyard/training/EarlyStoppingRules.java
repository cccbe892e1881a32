package io.trainyard.training;

import io.trainyard.spec.TrainingSettings;

/** Turns the spec's early-stopping settings into the tracked state; also decides the metric "best" means. */
final class EarlyStoppingRules {

    /** Patience when early stopping is configured without one. */
    static final int DEFAULT_PATIENCE = 5;

    private EarlyStoppingRules() {
    }

    static EarlyStopping start(TrainingSettings.EarlyStopping spec, boolean hasValidation) {
        TrainingSettings.EarlyStopping.Metric metric = spec == null || spec.metric() == null
                ? (hasValidation ? TrainingSettings.EarlyStopping.Metric.VALIDATION_LOSS
                        : TrainingSettings.EarlyStopping.Metric.LOSS)
                : spec.metric();
        if (!hasValidation && metric.name().startsWith("VALIDATION")) {
            metric = metric == TrainingSettings.EarlyStopping.Metric.VALIDATION_ACCURACY
                    ? TrainingSettings.EarlyStopping.Metric.ACCURACY : TrainingSettings.EarlyStopping.Metric.LOSS;
        }
        TrainingSettings.EarlyStopping.Mode mode = spec == null || spec.mode() == null ? metric.naturalMode()
                : spec.mode();
        double minDelta = spec == null || spec.minDelta() == null ? 0 : spec.minDelta();
        Integer patience = spec == null ? null
                : spec.patience() != null ? spec.patience()
                : spec.maxRuntime() != null && spec.metric() == null ? null : DEFAULT_PATIENCE;
        return EarlyStopping.start(key(metric), mode == TrainingSettings.EarlyStopping.Mode.MAX, minDelta, patience);
    }

    static String key(TrainingSettings.EarlyStopping.Metric metric) {
        return switch (metric) {
            case LOSS -> "loss";
            case VALIDATION_LOSS -> "validationLoss";
            case ACCURACY -> "accuracy";
            case VALIDATION_ACCURACY -> "validationAccuracy";
        };
    }
}
