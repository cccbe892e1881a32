package io.trainyard.engine;

/**
 * Features and labels of one mini-batch. Labels: one-hot {@code [batch, classes]} (or
 * {@code [batch, length, classes]} per time step) for classification, targets for regression; null for
 * autoencoders, which reconstruct their features. For padded sequences, {@code mask} is {@code [batch, length]}:
 * 1 for a real step, 0 for padding (null when every step is real).
 */
public record Batch(Tensor features, Tensor labels, Tensor mask) {

    public Batch {
        if (features == null) {
            throw new IllegalArgumentException("a batch needs features");
        }
        if (labels != null && labels.batchSize() != features.batchSize()) {
            throw new IllegalArgumentException("features have " + features.batchSize() + " examples, labels "
                    + labels.batchSize());
        }
        if (mask != null && (mask.shape().length != 2 || mask.batchSize() != features.batchSize()
                || features.shape().length < 2 || mask.shape()[1] != features.shape()[1])) {
            throw new IllegalArgumentException("a mask must be [batch, length] of sequence features "
                    + java.util.Arrays.toString(features.shape()) + ", got " + java.util.Arrays.toString(mask.shape()));
        }
    }

    public Batch(Tensor features, Tensor labels) {
        this(features, labels, null);
    }

    public static Batch unlabelled(Tensor features) {
        return new Batch(features, null);
    }
}
