package io.trainyard.training;

import java.util.Map;

/**
 * Tracks the monitored metric across epochs; saved in every checkpoint so a resumed job keeps its patience count.
 *
 * @param metric    metric key as stored per epoch ("validationLoss", "loss", "accuracy", "validationAccuracy")
 * @param maximise  true for accuracies
 * @param best      best value so far (NaN before the first epoch)
 * @param bestEpoch epoch of the best value (0 before the first epoch)
 * @param sinceBest epochs since the best value improved by at least minDelta
 */
record EarlyStopping(String metric, boolean maximise, double minDelta, Integer patience, double best, int bestEpoch,
        int sinceBest) {

    static EarlyStopping start(String metric, boolean maximise, double minDelta, Integer patience) {
        return new EarlyStopping(metric, maximise, minDelta, patience, Double.NaN, 0, 0);
    }

    EarlyStopping observe(int epoch, Map<String, Object> metrics) {
        Object value = metrics.get(metric);
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return new EarlyStopping(metric, maximise, minDelta, patience, best, bestEpoch, sinceBest + 1);
        }
        double v = n.doubleValue();
        boolean improved = Double.isNaN(best) || (maximise ? v > best + minDelta : v < best - minDelta);
        return improved ? new EarlyStopping(metric, maximise, minDelta, patience, v, epoch, 0)
                : new EarlyStopping(metric, maximise, minDelta, patience, best, bestEpoch, sinceBest + 1);
    }

    /** Patience exhausted: no improvement for {@code patience} epochs in a row. */
    boolean exhausted() {
        return patience != null && sinceBest >= patience;
    }
}
