package io.trainyard.engine;

/**
 * Features and labels of one mini-batch. Labels: one-hot {@code [batch, classes]} (or
 * {@code [batch, length, classes]} per time step) for classification, targets for regression; null for
 * autoencoders, which reconstruct their features.
 */
public record Batch(Tensor features, Tensor labels) {

    public Batch {
        if (features == null) {
            throw new IllegalArgumentException("a batch needs features");
        }
        if (labels != null && labels.batchSize() != features.batchSize()) {
            throw new IllegalArgumentException("features have " + features.batchSize() + " examples, labels "
                    + labels.batchSize());
        }
    }

    public static Batch unlabelled(Tensor features) {
        return new Batch(features, null);
    }
}
