package io.trainyard.datasets;

import java.util.List;

/**
 * A dataset in memory, ready for training: plain Java arrays, no DL4J types.
 *
 * <p>{@code features} is flat and row-major: example {@code i} occupies
 * {@code [i * exampleSize(), (i + 1) * exampleSize())}, laid out as {@code exampleShape} ({@code [F]},
 * {@code [C, H, W]} or {@code [T, F]}, see {@link InputShape}). Image pixels of 8-bit uploads are 0..255 as
 * uploaded; scale them with a {@link Normalizer}.
 *
 * @param labels     class index per example, or null when the labels are not classes (or there are none)
 * @param classNames the name of each class index, or null
 * @param targets    numeric label per example for regression, or null for text labels (or none)
 * @param mask       for sequences, {@code [count, T]}: 1 for real steps, 0 for padding; null when every step is real
 */
public record LoadedDataset(InputShape.Kind kind, int[] exampleShape, int count, float[] features, int[] labels,
        List<String> classNames, float[] targets, float[] mask) {

    public int exampleSize() {
        int size = 1;
        for (int d : exampleShape) {
            size *= d;
        }
        return size;
    }

    /** Time steps per example for sequences, else 1. */
    public int timeSteps() {
        return kind == InputShape.Kind.SEQUENCE ? exampleShape[0] : 1;
    }

    public boolean hasClasses() {
        return labels != null;
    }

    public boolean hasTargets() {
        return targets != null;
    }

    public int classCount() {
        return classNames == null ? 0 : classNames.size();
    }

    /** The examples at {@code indices}, in that order (a copy). */
    public LoadedDataset subset(int[] indices) {
        int size = exampleSize();
        int steps = timeSteps();
        float[] x = new float[indices.length * size];
        int[] y = labels == null ? null : new int[indices.length];
        float[] t = targets == null ? null : new float[indices.length];
        float[] m = mask == null ? null : new float[indices.length * steps];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            System.arraycopy(features, i * size, x, j * size, size);
            if (y != null) {
                y[j] = labels[i];
            }
            if (t != null) {
                t[j] = targets[i];
            }
            if (m != null) {
                System.arraycopy(mask, i * steps, m, j * steps, steps);
            }
        }
        return new LoadedDataset(kind, exampleShape.clone(), indices.length, x, y, classNames, t, m);
    }
}
