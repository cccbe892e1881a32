package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * Feature scaling fitted on the training split and stored as JSON with the model, so inference applies exactly
 * what training did: {@code x' = (x - offset[c]) / scale[c]} where {@code c} is the value's channel.
 *
 * <p>Channels follow the input kind: a feature vector {@code [F]} and a sequence {@code [T, F]} have one channel
 * per feature ({@code stride = 1}); an image {@code [C, H, W]} has one per colour channel ({@code stride = H*W}).
 * A value at flat index {@code i} of any number of whole examples belongs to channel
 * {@code (i / stride) % offset.length}. {@link Kind#SCALE} has a single channel: the training data's global
 * minimum and range (0 and 255 for 8-bit images), mapping images to 0..1.
 */
public record Normalizer(Kind kind, int stride, float[] offset, float[] scale) {

    public enum Kind {
        /** Leaves values as they are. */
        @JsonProperty("none") NONE,
        /** Per channel: subtract the mean, divide by the standard deviation. */
        @JsonProperty("standardize") STANDARDIZE,
        /** Per channel: map the training minimum..maximum to 0..1. */
        @JsonProperty("min-max") MIN_MAX,
        /** One global range (for images): map the training minimum..maximum to 0..1. */
        @JsonProperty("scale") SCALE
    }

    public Normalizer {
        if (stride < 1 || offset.length == 0 || offset.length != scale.length) {
            throw new IllegalArgumentException("stride must be >= 1 and offset/scale non-empty of equal length");
        }
        offset = offset.clone();
        scale = scale.clone();
    }

    /** Fits on {@code train} (pass the training split only); masked-out sequence steps are ignored. */
    public static Normalizer fit(Kind kind, LoadedDataset train) {
        int[] shape = train.exampleShape();
        boolean image = train.kind() == InputShape.Kind.IMAGE;
        int channels = kind == Kind.SCALE || kind == Kind.NONE ? 1 : image ? shape[0] : shape[shape.length - 1];
        int stride = image && channels > 1 ? shape[1] * shape[2] : 1;
        if (kind == Kind.NONE) {
            return new Normalizer(kind, 1, new float[] {0}, new float[] {1});
        }
        double[] sum = new double[channels];
        double[] min = new double[channels];
        double[] max = new double[channels];
        long[] n = new long[channels];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        float[] x = train.features();
        forEachValue(train, (i, c) -> {
            sum[c] += x[i];
            min[c] = Math.min(min[c], x[i]);
            max[c] = Math.max(max[c], x[i]);
            n[c]++;
        }, stride, channels);
        float[] offset = new float[channels];
        float[] scale = new float[channels];
        if (kind == Kind.STANDARDIZE) {
            double[] mean = new double[channels];
            for (int c = 0; c < channels; c++) {
                mean[c] = n[c] == 0 ? 0 : sum[c] / n[c];
            }
            double[] squares = new double[channels];
            forEachValue(train, (i, c) -> squares[c] += (x[i] - mean[c]) * (x[i] - mean[c]), stride, channels);
            for (int c = 0; c < channels; c++) {
                offset[c] = (float) mean[c];
                double std = n[c] == 0 ? 0 : Math.sqrt(squares[c] / n[c]);
                scale[c] = std > 1e-12 ? (float) std : 1f;
            }
        } else {
            for (int c = 0; c < channels; c++) {
                offset[c] = n[c] == 0 ? 0 : (float) min[c];
                double range = n[c] == 0 ? 0 : max[c] - min[c];
                scale[c] = range > 1e-12 ? (float) range : 1f;
            }
        }
        return new Normalizer(kind, stride, offset, scale);
    }

    /** A normalised copy of {@code values}: one or more whole examples, flat and row-major. */
    public float[] apply(float[] values) {
        float[] out = values.clone();
        applyInPlace(out);
        return out;
    }

    public void applyInPlace(float[] values) {
        if (kind == Kind.NONE) {
            return;
        }
        // Runs of `stride` values share a channel, so no index is divided per value and the inner loops vectorise
        // (it is on every prediction's path); the arithmetic is the same as ever.
        int channels = offset.length;
        if (channels == 1) {
            float o = offset[0];
            float s = scale[0];
            for (int i = 0; i < values.length; i++) {
                values[i] = (values[i] - o) / s;
            }
        } else if (stride == 1) {
            for (int start = 0; start < values.length; start += channels) {
                int n = Math.min(channels, values.length - start);
                for (int c = 0; c < n; c++) {
                    values[start + c] = (values[start + c] - offset[c]) / scale[c];
                }
            }
        } else {
            for (int start = 0, c = 0; start < values.length; start += stride, c = c + 1 == channels ? 0 : c + 1) {
                float o = offset[c];
                float s = scale[c];
                for (int i = start, end = Math.min(start + stride, values.length); i < end; i++) {
                    values[i] = (values[i] - o) / s;
                }
            }
        }
    }

    private interface ValueVisitor {
        void visit(int index, int channel);
    }

    private static void forEachValue(LoadedDataset data, ValueVisitor visitor, int stride, int channels) {
        float[] mask = data.mask();
        int steps = data.timeSteps();
        int stepSize = data.exampleSize() / steps;
        float[] x = data.features();
        for (int i = 0; i < x.length; i++) {
            if (mask != null && mask[i / stepSize] == 0f) {
                continue;
            }
            visitor.visit(i, channels == 1 ? 0 : (i / stride) % channels);
        }
    }
}
