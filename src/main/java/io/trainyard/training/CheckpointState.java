package io.trainyard.training;

import io.trainyard.datasets.Normalizer;
import java.util.List;

/**
 * What a checkpoint restores besides the network (parameters, optimizer state and counters are in the network):
 * the epoch and iteration counters, the normaliser, the early-stopping state, the loss history the fit diagnosis
 * reads, and the runtime already spent (for maxRuntime). The data order needs nothing: each epoch's shuffle is
 * derived from the job seed and the epoch.
 *
 * @param losses per finished epoch: {trainingLoss, validationLoss} (NaN without validation data)
 */
record CheckpointState(int epoch, long iteration, Normalizer normalizer, EarlyStopping earlyStopping,
        List<double[]> losses, long runtimeMillis) {
}
