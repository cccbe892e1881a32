package io.trainyard.training;

import io.trainyard.spec.TrainingSettings;
import java.time.Duration;

/**
 * When to checkpoint and what to keep. Checkpoints are taken at epoch boundaries: every {@code everyEpochs}
 * epochs, and/or at the first epoch end after {@code every} has passed since the last one; always after the last
 * epoch. Without a policy: every epoch.
 */
record CheckpointPlan(Integer everyEpochs, Duration every, int keepLast, boolean keepBest) {

    static CheckpointPlan of(TrainingSettings.CheckpointPolicy policy, int defaultKeepLast) {
        if (policy == null) {
            return new CheckpointPlan(1, null, defaultKeepLast, true);
        }
        Integer everyEpochs = policy.everyEpochs() == null && policy.every() == null ? Integer.valueOf(1)
                : policy.everyEpochs();
        return new CheckpointPlan(everyEpochs, policy.every(),
                policy.keepLast() == null ? defaultKeepLast : Math.max(1, policy.keepLast()),
                policy.keepBest() == null || policy.keepBest());
    }

    boolean due(int epoch, long nanosSinceLast) {
        return (everyEpochs != null && epoch % everyEpochs == 0)
                || (every != null && nanosSinceLast >= every.toNanos());
    }
}
