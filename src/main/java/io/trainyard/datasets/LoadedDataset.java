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

    /**
     * The same examples with their classes numbered as {@code names} numbers them, matched by name: another
     * dataset's classes are indexed in the order of its own names, so index 0 here need not be index 0 there.
     *
     * @throws IllegalArgumentException naming a class of this dataset that {@code names} lacks
     */
    public LoadedDataset withClassesOf(List<String> names) {
        if (labels == null || classNames.equals(names)) {
            return this;
        }
        int[] index = new int[classNames.size()];
        for (int k = 0; k < index.length; k++) {
            index[k] = names.indexOf(classNames.get(k));
            if (index[k] < 0) {
                throw new IllegalArgumentException("class '" + classNames.get(k) + "' is not among " + names);
            }
        }
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = index[labels[i]];
        }
        return new LoadedDataset(kind, exampleShape, count, features, y, names, targets, mask);
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
