package io.trainyard.inference;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.Normalizer;
import io.trainyard.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** Network outputs → the JSON predictions of the REST API, one per instance. */
final class Outputs {

    private Outputs() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClassPrediction(String label, float probability, Map<String, Float> probabilities, List<Ranked> topK) {
    }

    record Ranked(String label, float probability) {
    }

    /** Classification per time step. */
    record StepPredictions(List<ClassPrediction> steps) {
    }

    /** Regression: {@code [K]}, or {@code [T][K]} per time step. */
    record Values(Object values) {
    }

    record Latent(float[] latent) {
    }

    /**
     * @param reconstruction      in the input's own shape and units (normalisation undone)
     * @param reconstructionError mean squared error between the normalised input and the reconstruction: the
     *                            quantity the autoencoder was trained to make small, so an anomaly score
     */
    record Reconstruction(Object reconstruction, double reconstructionError) {
    }

    static List<Object> predictions(LoadedModel model, Tensor output, Integer topK) {
        int[] example = model.outputShape();
        boolean classify = LoadedModel.CLASSIFICATION.equals(model.task());
        List<Object> out = new ArrayList<>(output.batchSize());
        for (int i = 0; i < output.batchSize(); i++) {
            float[] row = output.row(i);
            if (!classify) {
                out.add(new Values(nest(row, example)));
            } else if (example.length == 1) {
                out.add(classPrediction(row, model.metadata().classNames(), topK));
            } else {
                int k = example[example.length - 1];
                List<ClassPrediction> steps = new ArrayList<>();
                for (int t = 0; t < row.length / k; t++) {
                    steps.add(classPrediction(Arrays.copyOfRange(row, t * k, (t + 1) * k),
                            model.metadata().classNames(), topK));
                }
                out.add(new StepPredictions(steps));
            }
        }
        return out;
    }

    static List<Object> latents(Tensor latent) {
        List<Object> out = new ArrayList<>(latent.batchSize());
        for (int i = 0; i < latent.batchSize(); i++) {
            out.add(new Latent(latent.row(i)));
        }
        return out;
    }

    static List<Object> reconstructions(LoadedModel model, Tensor input, Tensor reconstruction,
            IntFunction<String> where) {
        float[] errors = errors(input, reconstruction, where);
        float[] natural = natural(model, reconstruction, where);
        int[] dims = model.metadata().inputShape().dims();
        int size = model.metadata().inputShape().size();
        List<Object> out = new ArrayList<>(reconstruction.batchSize());
        for (int i = 0; i < reconstruction.batchSize(); i++) {
            out.add(new Reconstruction(nest(Arrays.copyOfRange(natural, i * size, (i + 1) * size), dims), errors[i]));
        }
        return out;
    }

    /**
     * The reconstructions in the input's own layout and units; 422 ({@link #requireFinite}) where one is not finite,
     * which undoing the normalisation can make of a finite network output.
     */
    static float[] natural(LoadedModel model, Tensor reconstruction, IntFunction<String> where) {
        float[] natural = naturalLayout(model.metadata().inputShape(), reconstruction);
        denormalize(model.metadata().normalizer(), natural);
        requireFinite(natural, reconstruction.batchSize(), where);
        return natural;
    }

    /** {@link #errors(Tensor, Tensor)}, 422 where one is not finite: squaring the difference can overflow alone. */
    static float[] errors(Tensor input, Tensor reconstruction, IntFunction<String> where) {
        float[] errors = errors(input, reconstruction);
        requireFinite(errors, input.batchSize(), where);
        return errors;
    }

    /**
     * Refuses an answer that holds NaN or an infinity, naming the first instance that does ({@code where} says how
     * the request names instance {@code i}): JSON has no such numbers, so a client would get the strings "NaN" or
     * "Infinity". Inputs are finite float32 by then, so only values far outside the training data get here (an
     * input that overflows once normalised, or a product that overflows in the network). The REST API and the Open
     * Inference Protocol both check their answers here; batch predictions keep writing what the network says.
     */
    static void requireFinite(float[] values, int batch, IntFunction<String> where) {
        for (int j = 0; j < values.length; j++) {
            if (!Float.isFinite(values[j])) {
                int instance = j / (values.length / batch);
                throw InferenceErrors.notFinite(where.apply(instance), instance);
            }
        }
    }

    /** Per example: mean squared difference, both in the engine's layout and the normalised space. */
    static float[] errors(Tensor input, Tensor reconstruction) {
        int n = input.batchSize();
        int width = input.data().length / n;
        float[] errors = new float[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = i * width; j < (i + 1) * width; j++) {
                double d = input.data()[j] - reconstruction.data()[j];
                sum += d * d;
            }
            errors[i] = (float) (sum / width);
        }
        return errors;
    }

    /** The engine's image layout [b, H, W, C] back to the dataset's [b, C, H, W]; other kinds are unchanged. */
    static float[] naturalLayout(InputShape shape, Tensor engine) {
        if (shape.kind() != InputShape.Kind.IMAGE) {
            return engine.data().clone();
        }
        int[] d = shape.dims();
        int c = d[0];
        int hw = d[1] * d[2];
        float[] hwc = engine.data();
        float[] chw = new float[hwc.length];
        for (int n = 0; n < engine.batchSize(); n++) {
            int base = n * c * hw;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < hw; i++) {
                    chw[base + ch * hw + i] = hwc[base + i * c + ch];
                }
            }
        }
        return chw;
    }

    /** The inverse of {@link Normalizer#applyInPlace}, with its channel rule. */
    static void denormalize(Normalizer normalizer, float[] values) {
        if (normalizer.kind() == Normalizer.Kind.NONE) {
            return;
        }
        float[] offset = normalizer.offset();
        float[] scale = normalizer.scale();
        int channels = offset.length;
        for (int i = 0; i < values.length; i++) {
            int c = channels == 1 ? 0 : (i / normalizer.stride()) % channels;
            values[i] = values[i] * scale[c] + offset[c];
        }
    }

    /** Flat values as nested arrays of {@code dims} (innermost a float[]). */
    static Object nest(float[] flat, int[] dims) {
        if (dims.length <= 1) {
            return flat;
        }
        int stride = flat.length / dims[0];
        List<Object> out = new ArrayList<>(dims[0]);
        int[] inner = Arrays.copyOfRange(dims, 1, dims.length);
        for (int i = 0; i < dims[0]; i++) {
            out.add(nest(Arrays.copyOfRange(flat, i * stride, (i + 1) * stride), inner));
        }
        return out;
    }

    static String label(List<String> classNames, int index) {
        return classNames != null && index < classNames.size() ? classNames.get(index) : String.valueOf(index);
    }

    private static ClassPrediction classPrediction(float[] p, List<String> classNames, Integer topK) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        if (topK != null) {
            Integer[] order = new Integer[p.length];
            for (int k = 0; k < p.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Float.compare(p[b], p[a]));
            List<Ranked> ranked = new ArrayList<>();
            for (int k = 0; k < Math.min(topK, p.length); k++) {
                ranked.add(new Ranked(label(classNames, order[k]), p[order[k]]));
            }
            return new ClassPrediction(label(classNames, best), p[best], null, ranked);
        }
        Map<String, Float> all = new LinkedHashMap<>();
        for (int k = 0; k < p.length; k++) {
            all.put(label(classNames, k), p[k]);
        }
        return new ClassPrediction(label(classNames, best), p[best], all, null);
    }
}
