package io.trainyard.spec;

import io.trainyard.spec.TrainingSettings.EarlyStopping;
import java.time.Duration;
import java.util.UUID;

/** Checks {@code training}; the configured ceilings are {@link SpecValidator}'s (422, not 400). */
final class TrainingRules {

    /** Longer intervals are "never" in practice, and a year stays far inside what nanosecond clocks can add. */
    private static final Duration MAX_DURATION = Duration.ofDays(365);

    private final Checks checks;

    TrainingRules(Checks checks) {
        this.checks = checks;
    }

    void check(TrainingSettings t, TaskSpec task) {
        if (t == null) {
            return;
        }
        if (t.epochs() != null && t.epochs() < 1) {
            checks.add("/training/epochs", "must be at least 1; got " + t.epochs());
        }
        if (t.batchSize() != null && t.batchSize() < 1) {
            checks.add("/training/batchSize", "must be at least 1; got " + t.batchSize());
        }
        if (t.validation() != null) {
            var v = t.validation();
            if ((v.fraction() == null) == (v.dataset() == null)) {
                checks.add("/training/validation", "give exactly one of \"fraction\" (of the training data held out) "
                        + "or \"dataset\" (the id of another dataset)");
            }
            checks.range("/training/validation/fraction", v.fraction(), 0, true, 0.9, true);
            if (v.dataset() != null) {
                try {
                    UUID.fromString(v.dataset());
                } catch (IllegalArgumentException e) {
                    checks.add("/training/validation/dataset", "must be a dataset id (a UUID); got \"" + v.dataset() + "\"");
                }
            }
        }
        earlyStopping(t.earlyStopping(), t, task);
        var c = t.checkpoints();
        if (c != null) {
            checks.range("/training/checkpoints/everyEpochs", c.everyEpochs(), 1, 1_000_000);
            oneSecondToOneYear("/training/checkpoints/every", c.every());
            checks.range("/training/checkpoints/keepLast", c.keepLast(), 1, 1000);
            if (c.everyEpochs() == null && c.every() == null) {
                checks.add("/training/checkpoints", "give \"everyEpochs\" and/or \"every\" (an ISO-8601 duration such as PT10M)");
            }
        }
    }

    private void earlyStopping(EarlyStopping e, TrainingSettings t, TaskSpec task) {
        if (e == null) {
            return;
        }
        String at = "/training/earlyStopping";
        checks.required(at + "/metric", e.metric(), "one of " + Checks.list(java.util.List.of(EarlyStopping.Metric.values())));
        if (e.metric() != null) {
            // Without training.validation the service holds out a default fraction; only an explicit 0 means none.
            if (e.metric().name().startsWith("VALIDATION") && t.validation() != null && t.validation().dataset() == null
                    && t.validation().fraction() != null && t.validation().fraction() == 0) {
                checks.add(at + "/metric", "\"" + e.metric() + "\" needs validation data, and \"training.validation\" "
                        + "holds out none; give a fraction above 0 or a dataset, or use \"loss\"");
            }
            if (e.metric().name().endsWith("ACCURACY") && !(task instanceof TaskSpec.Classification)) {
                checks.add(at + "/metric", "\"" + e.metric() + "\" needs a classification task; use \"loss\" or "
                        + "\"validation_loss\"");
            }
            if (e.mode() != null && e.mode() != e.metric().naturalMode()) {
                checks.add(at + "/mode", "must be \"" + e.metric().naturalMode() + "\" for \"" + e.metric()
                        + "\" (or leave it out)");
            }
        }
        checks.range(at + "/patience", e.patience(), 1, 100_000);
        checks.range(at + "/minDelta", e.minDelta(), 0, true, 1e9, true);
        oneSecondToOneYear(at + "/maxRuntime", e.maxRuntime());
        if (e.patience() == null && e.maxRuntime() == null) {
            checks.add(at, "give \"patience\" (epochs without improvement) and/or \"maxRuntime\"");
        }
    }

    private void oneSecondToOneYear(String at, Duration d) {
        if (d != null && d.compareTo(Duration.ofSeconds(1)) < 0) {
            checks.add(at, "must be at least PT1S; got " + d);
        } else if (d != null && d.compareTo(MAX_DURATION) > 0) {
            checks.add(at, "must be at most " + MAX_DURATION + " (365 days); got " + d);
        }
    }
}
