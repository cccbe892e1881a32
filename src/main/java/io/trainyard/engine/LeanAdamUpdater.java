package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * DL4J's Adam step as one Java loop over the gradient and the two moment arrays, split across the cores. libnd4j's
 * {@code adam_updater} op computes the same per element, but this build of it runs scalar code (baseline x86-64)
 * and was 12 % of the MLP's training step (docs/performance.md, "Adam"). The formula, including its float
 * rounding order and the bias correction folded into the step size, is libnd4j's; the state (m, v) stays in
 * DL4J's updater view, so checkpoints are unchanged. Arrays this loop cannot walk linearly (non-float,
 * non-contiguous) go to DL4J's op.
 */
final class LeanAdamUpdater extends AdamUpdater {

    /** Below this many values a second core costs more to wake than it saves. */
    private static final int MIN_SLICE = 1 << 16;
    /** Values per bulk copy: three chunks stay in the L1/L2 cache. */
    private static final int CHUNK = 4096;

    LeanAdamUpdater(Adam config) {
        super(config);
    }

    /** Replaces every plain Adam updater of {@code updater}'s blocks with this one, on the same state arrays. */
    static void install(BaseMultiLayerUpdater<?> updater) {
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            if (block.getGradientUpdater() != null && block.getGradientUpdater().getClass() == AdamUpdater.class) {
                AdamUpdater stock = (AdamUpdater) block.getGradientUpdater();
                LeanAdamUpdater lean = new LeanAdamUpdater(stock.getConfig());
                lean.setM(stock.getM());
                lean.setV(stock.getV());
                lean.setGradientReshapeOrder(stock.getGradientReshapeOrder());
                block.setGradientUpdater(lean);
            }
        }
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        INDArray m = getM();
        INDArray v = getV();
        if (m == null || v == null || !linear(gradient, m, v)) {
            super.applyUpdater(gradient, iteration, epoch);
            return;
        }
        Adam config = getConfig();
        float lr = (float) config.getLearningRate(iteration, epoch);
        float beta1 = (float) config.getBeta1();
        float beta2 = (float) config.getBeta2();
        float epsilon = (float) config.getEpsilon();
        float t = (float) iteration + 1;
        float beta1T = (float) Math.pow(beta1, t);
        float beta2T = (float) Math.pow(beta2, t);
        // libnd4j: lr * sqrt<float>(1. - beta2T) / (1.0 - beta1T), the division in double
        float step = (float) ((lr * (float) Math.sqrt((float) (1.0 - beta2T))) / (1.0 - beta1T));
        if (Float.isNaN(step) || step == 0 || Float.isInfinite(step)) {
            step = epsilon;
        }
        float stepSize = step;
        FloatBuffer g = Arrays4j.values(gradient);
        FloatBuffer mb = Arrays4j.values(m);
        FloatBuffer vb = Arrays4j.values(v);
        float keep1 = 1 - beta1;
        float keep2 = 1 - beta2;
        Slices.run((int) gradient.length(), MIN_SLICE, (from, to) -> {
            // Element-wise access to a direct buffer is not vectorised; bulk copies through small heap chunks are
            // memcpy-speed and leave a loop the JIT turns into SIMD (sqrt and division included).
            float[] gc = new float[CHUNK];
            float[] mc = new float[CHUNK];
            float[] vc = new float[CHUNK];
            for (int start = from; start < to; start += CHUNK) {
                int len = Math.min(CHUNK, to - start);
                g.get(start, gc, 0, len);
                mb.get(start, mc, 0, len);
                vb.get(start, vc, 0, len);
                for (int i = 0; i < len; i++) {
                    float grad = gc[i];
                    float mi = beta1 * mc[i] + grad * keep1;
                    float vi = beta2 * vc[i] + grad * grad * keep2;
                    mc[i] = mi;
                    vc[i] = vi;
                    gc[i] = (mi * stepSize) / ((float) Math.sqrt(vi) + epsilon);
                }
                mb.put(start, mc, 0, len);
                vb.put(start, vc, 0, len);
                g.put(start, gc, 0, len);
            }
        });
    }

    /** Whether all three are float arrays laid out as one run of memory in the same element order. */
    private static boolean linear(INDArray gradient, INDArray m, INDArray v) {
        long n = gradient.length();
        for (INDArray a : new INDArray[] {gradient, m, v}) {
            if (a.dataType() != DataType.FLOAT || a.length() != n || a.elementWiseStride() != 1
                    || (a.rank() > 1 && a.ordering() != gradient.ordering() && !a.isVectorOrScalar())) {
                return false;
            }
        }
        return gradient.isVectorOrScalar() || Arrays.equals(gradient.shape(), m.shape())
                && Arrays.equals(gradient.shape(), v.shape());
    }

}
