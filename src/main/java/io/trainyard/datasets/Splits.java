package io.trainyard.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic train / validation / test splits: the same dataset, seed and fractions give the same indices on
 * every machine and every run. Stratified splits take the fractions from each class separately, so every split
 * keeps the class proportions.
 */
public final class Splits {

    /** Example indices of each split, each sorted ascending; together they cover every example exactly once. */
    public record Split(int[] train, int[] validation, int[] test) {
    }

    private Splits() {
    }

    public static Split split(LoadedDataset dataset, long seed, double validationFraction, double testFraction,
            boolean stratified) {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("Fractions must be >= 0 and leave some data for training; got "
                    + "validation " + validationFraction + ", test " + testFraction);
        }
        if (stratified && !dataset.hasClasses()) {
            throw new IllegalArgumentException("A stratified split needs class labels; this dataset has none");
        }
        List<int[]> groups = stratified ? byClass(dataset) : List.of(range(dataset.count()));
        SplittableRandom random = new SplittableRandom(seed);
        IntBuffer train = new IntBuffer();
        IntBuffer validation = new IntBuffer();
        IntBuffer test = new IntBuffer();
        for (int[] group : groups) {
            shuffle(group, random);
            int n = group.length;
            int nTest = (int) Math.round(n * testFraction);
            int nValidation = (int) Math.round(n * validationFraction);
            // Rounding must not take a small class's last example away from training.
            while (n > 0 && nTest + nValidation >= n) {
                if (nValidation >= nTest && nValidation > 0) {
                    nValidation--;
                } else {
                    nTest--;
                }
            }
            test.add(group, 0, nTest);
            validation.add(group, nTest, nTest + nValidation);
            train.add(group, nTest + nValidation, n);
        }
        return new Split(train.sorted(), validation.sorted(), test.sorted());
    }

    private static List<int[]> byClass(LoadedDataset dataset) {
        int classes = Math.max(dataset.classCount(), Arrays.stream(dataset.labels()).max().orElse(-1) + 1);
        int[] counts = new int[classes];
        for (int label : dataset.labels()) {
            counts[label]++;
        }
        List<int[]> groups = new ArrayList<>();
        int[] filled = new int[classes];
        for (int k = 0; k < classes; k++) {
            groups.add(new int[counts[k]]);
        }
        for (int i = 0; i < dataset.count(); i++) {
            int label = dataset.labels()[i];
            groups.get(label)[filled[label]++] = i;
        }
        return groups;
    }

    private static int[] range(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    private static final class IntBuffer {
        private int[] values = new int[16];
        private int size;

        void add(int[] source, int from, int to) {
            int n = to - from;
            if (size + n > values.length) {
                values = Arrays.copyOf(values, Math.max(values.length * 2, size + n));
            }
            System.arraycopy(source, from, values, size, n);
            size += n;
        }

        int[] sorted() {
            int[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }
}
