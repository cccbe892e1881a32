package io.trainyard.engine;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.Shape;
import io.trainyard.spec.TaskSpec;
import io.trainyard.spec.TrainingSpec;
import java.util.Random;

/** Tiny learnable data for any spec: labels are a fixed function of the features. */
final class Synthetic {

    private Synthetic() {
    }

    static Batch batch(TrainingSpec spec, NetworkPlan plan, int n, long seed) {
        Random r = new Random(seed);
        Shape in = plan.input();
        boolean bernoulli = spec.layersOrEmpty().stream().anyMatch(l -> l instanceof io.trainyard.spec.LayerSpec.VariationalAutoencoder);
        int[] shape = switch (in.kind()) {
            case FEATURES -> new int[] {n, in.dims().get(0)};
            case IMAGE -> new int[] {n, in.dims().get(0), in.dims().get(1), in.dims().get(2)};
            case SEQUENCE -> new int[] {n, len(in), in.dims().get(0)};
            case TOKENS -> new int[] {n, len(in)};
        };
        int per = 1;
        for (int i = 1; i < shape.length; i++) {
            per *= shape[i];
        }
        float[] x = new float[n * per];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (in.kind()) {
                case TOKENS -> r.nextInt(in.dims().get(0));
                default -> bernoulli ? (r.nextBoolean() ? 1f : 0f) : (float) r.nextGaussian();
            };
        }
        if (bernoulli) {
            // Two noisy binary prototypes: learnable, unlike independent random bits.
            for (int e = 0; e < n; e++) {
                boolean pattern = r.nextBoolean();
                for (int j = 0; j < per; j++) {
                    boolean on = (j < per / 2) == pattern;
                    x[e * per + j] = (r.nextDouble() < 0.05) != on ? 1f : 0f;
                }
            }
        }
        if (spec.task() instanceof TaskSpec.Autoencoder && !bernoulli) {
            // Low-rank data, so that a bottleneck can reconstruct it.
            for (int e = 0; e < n; e++) {
                float a = (float) r.nextGaussian();
                float b = (float) r.nextGaussian();
                for (int j = 0; j < per; j++) {
                    x[e * per + j] = (float) (a * Math.sin(j) + b * Math.cos(0.5 * j));
                }
            }
        }
        Tensor features = new Tensor(x, shape);
        Shape out = plan.output();
        if (spec.task() instanceof TaskSpec.Autoencoder) {
            return Batch.unlabelled(features);
        }
        boolean perStep = out.kind() == Shape.Kind.SEQUENCE;
        int steps = perStep ? shape[1] : 1;
        int k = out.dims().get(0);
        float[] y = new float[n * steps * k];
        boolean classify = spec.task() instanceof TaskSpec.Classification;
        int stepWidth = perStep ? per / steps : per;
        for (int e = 0; e < n; e++) {
            for (int t = 0; t < steps; t++) {
                double s = 0;
                for (int j = 0; j < stepWidth; j++) {
                    double v = x[e * per + t * stepWidth + j];
                    s += (in.kind() == Shape.Kind.TOKENS ? (v % 2 == 0 ? 1 : -1) : v) * ((j % 3) - 1 + 0.5 * ((j % 2)));
                }
                int base = (e * steps + t) * k;
                if (classify) {
                    int cls = (int) Math.floorMod(Math.round(s * 2 > 0 ? Math.ceil(s) : Math.floor(s)), k);
                    cls = s > 0 ? 0 : 1;
                    y[base + Math.min(cls, k - 1)] = 1;
                } else {
                    for (int j = 0; j < k; j++) {
                        y[base + j] = (float) Math.tanh(s / Math.sqrt(stepWidth) + j);
                    }
                }
            }
        }
        return new Batch(features, perStep ? Tensor.of(y, n, steps, k) : Tensor.of(y, n, k));
    }

    private static int len(Shape in) {
        return in.dims().get(1) == null ? 5 : in.dims().get(1);
    }
}
