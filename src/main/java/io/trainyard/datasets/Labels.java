package io.trainyard.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A dataset's labels in the forms training may want: class indices with names, regression targets, or both
 * (integer-valued numbers). Built by {@link #ofNumbers} or {@link #ofText}; {@link #NONE} for unlabelled data.
 */
record Labels(int[] classes, List<String> classNames, float[] targets) {

    static final Labels NONE = new Labels(null, null, null);

    /** Class names are stored with the dataset and returned by every prediction: short text, no NUL. */
    static final int MAX_NAME_LENGTH = 1000;

    boolean present() {
        return classes != null || targets != null;
    }

    /**
     * Numeric labels are always regression targets. Integer-valued ones are classes too: non-negative integers
     * are the class index themselves (label 9 is class 9, names "0".."max"), as numpy, sklearn and IDX files mean
     * them; other integers are mapped to indices in ascending order.
     */
    static Labels ofNumbers(float[] values, int maxClasses) {
        boolean integral = true;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            integral &= v == Math.rint(v) && Math.abs(v) < 1 << 24;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!integral || values.length == 0) {
            return new Labels(null, null, values);
        }
        if (min >= 0 && max < maxClasses) {
            int[] classes = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                classes[i] = (int) values[i];
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k <= (int) max; k++) {
                names.add(Integer.toString(k));
            }
            return new Labels(classes, names, values);
        }
        float[] distinct = sortedDistinct(values);
        if (distinct.length > maxClasses) {
            return new Labels(null, null, values);
        }
        int[] classes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            classes[i] = Arrays.binarySearch(distinct, values[i]);
        }
        List<String> names = new ArrayList<>();
        for (float d : distinct) {
            names.add(Long.toString((long) d));
        }
        return new Labels(classes, names, values);
    }

    /** Text labels are classes only, indexed in alphabetical order of their names. */
    static Labels ofText(String[] values, int maxClasses, String field, String what) {
        String[] distinct = Arrays.stream(values).distinct().sorted().toArray(String[]::new);
        for (String name : distinct) {
            if (name.length() > MAX_NAME_LENGTH) {
                throw new BadDataException(field, what + " has a text label of " + name.length() + " characters "
                        + "(it starts '" + name.substring(0, 40) + "'); labels are class names of at most "
                        + MAX_NAME_LENGTH + " characters");
            }
            if (name.indexOf('\0') >= 0) {
                throw new BadDataException(field, what + " has a text label with a NUL character; labels are text");
            }
        }
        if (distinct.length > maxClasses) {
            throw new BadDataException(field, what + " has " + distinct.length + " distinct text labels; at most "
                    + maxClasses + " classes are allowed (trainyard.datasets.max-classes). Use numeric labels for "
                    + "regression.");
        }
        int[] classes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            classes[i] = Arrays.binarySearch(distinct, values[i]);
        }
        return new Labels(classes, List.of(distinct), null);
    }

    TaskHints hints(String labelColumn) {
        if (!present()) {
            return TaskHints.UNLABELLED;
        }
        List<TaskHints.ClassCount> counts = null;
        if (classes != null) {
            long[] n = new long[classNames.size()];
            for (int c : classes) {
                n[c]++;
            }
            counts = new ArrayList<>();
            for (int k = 0; k < n.length; k++) {
                counts.add(new TaskHints.ClassCount(k, classNames.get(k), n[k]));
            }
        }
        TaskHints.TargetStats stats = null;
        if (targets != null && targets.length > 0) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (float t : targets) {
                sum += t;
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
            double mean = sum / targets.length;
            double squares = 0;
            for (float t : targets) {
                squares += (t - mean) * (t - mean);
            }
            stats = new TaskHints.TargetStats(mean, Math.sqrt(squares / targets.length), min, max);
        }
        return new TaskHints(labelColumn, counts, stats);
    }

    private static float[] sortedDistinct(float[] values) {
        float[] copy = values.clone();
        Arrays.sort(copy);
        int n = 0;
        for (int i = 0; i < copy.length; i++) {
            if (i == 0 || copy[i] != copy[i - 1]) {
                copy[n++] = copy[i];
            }
        }
        return Arrays.copyOf(copy, n);
    }
}
