package io.trainyard.training;

import io.trainyard.datasets.LoadedDataset;
import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics of a network on one split, in evaluation mode: loss, and per task accuracy and macro F1, MSE/MAE/R², or
 * the reconstruction error. Keys get {@code prefix} ("validation" → "validationLoss").
 */
final class Evaluation {

    private static final int CHUNK = 512;

    private Evaluation() {
    }

    static Map<String, Object> evaluate(Network network, TrainingData data, LoadedDataset split, String prefix) {
        int n = split.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double lossSum = 0;
        int classes = data.classes();
        long[][] confusion = data.task() == TrainingData.Task.CLASSIFICATION ? new long[classes][classes] : null;
        double se = 0;
        double ae = 0;
        double targetSum = 0;
        double targetSq = 0;
        double reconstruction = 0;
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            Batch batch = data.batch(split, order, from, to);
            lossSum += network.score(batch) * (to - from);
            Tensor out = network.output(batch.features(), batch.mask());
            int width = out.data().length / (to - from);
            for (int j = 0; j < to - from; j++) {
                int i = from + j;
                switch (data.task()) {
                    case CLASSIFICATION -> confusion[split.labels()[i]][argmax(out.data(), j * width, width)]++;
                    case REGRESSION -> {
                        double y = split.targets()[i];
                        double err = out.data()[j * width] - y;
                        se += err * err;
                        ae += Math.abs(err);
                        targetSum += y;
                        targetSq += y * y;
                    }
                    case AUTOENCODER -> {
                        float[] x = batch.features().data();
                        double sum = 0;
                        for (int k = 0; k < width; k++) {
                            double d = out.data()[j * width + k] - x[j * width + k];
                            sum += d * d;
                        }
                        reconstruction += sum / width;
                    }
                }
            }
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put(key(prefix, "loss"), lossSum / n);
        switch (data.task()) {
            case CLASSIFICATION -> {
                metrics.put(key(prefix, "accuracy"), accuracy(confusion));
                metrics.put(key(prefix, "macroF1"), macroF1(confusion));
            }
            case REGRESSION -> {
                double mean = targetSum / n;
                double variance = targetSq / n - mean * mean;
                metrics.put(key(prefix, "mse"), se / n);
                metrics.put(key(prefix, "mae"), ae / n);
                metrics.put(key(prefix, "r2"), variance > 0 ? 1 - (se / n) / variance : 0.0);
            }
            case AUTOENCODER -> metrics.put(key(prefix, "reconstructionError"), reconstruction / n);
        }
        return metrics;
    }

    static String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    static int argmax(float[] values, int from, int width) {
        int best = 0;
        for (int k = 1; k < width; k++) {
            if (values[from + k] > values[from + best]) {
                best = k;
            }
        }
        return best;
    }

    static double accuracy(long[][] confusion) {
        long right = 0;
        long all = 0;
        for (int i = 0; i < confusion.length; i++) {
            for (int j = 0; j < confusion.length; j++) {
                all += confusion[i][j];
                if (i == j) {
                    right += confusion[i][j];
                }
            }
        }
        return all == 0 ? 0 : (double) right / all;
    }

    /** The unweighted mean of per-class F1 over the classes present in the labels or the predictions. */
    static double macroF1(long[][] confusion) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < confusion.length; c++) {
            long tp = confusion[c][c];
            long fn = 0;
            long fp = 0;
            for (int k = 0; k < confusion.length; k++) {
                if (k != c) {
                    fn += confusion[c][k];
                    fp += confusion[k][c];
                }
            }
            if (tp + fn + fp == 0) {
                continue;
            }
            sum += 2.0 * tp / (2.0 * tp + fp + fn);
            counted++;
        }
        return counted == 0 ? 0 : sum / counted;
    }
}
