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
 * DL4J's Adam step as one Java loop over the gradient and the two moment arrays ({@link ElementwiseLoops#adam}),
 * split across the cores. libnd4j's
 * {@code adam_updater} op computes the same per element, but this build of it runs scalar code (baseline x86-64)
 * and was 12 % of the MLP's training step (docs/performance.md, "Adam"). The formula, including its float
 * rounding order and the bias correction folded into the step size, is libnd4j's; the state (m, v) stays in
 * DL4J's updater view, so checkpoints are unchanged. Arrays this loop cannot walk linearly (non-float,
 * non-contiguous) go to DL4J's op.
 */
final class LeanAdamUpdater extends AdamUpdater {

    /** Below this many values a second core costs more to wake than it saves. */
    private static final int MIN_SLICE = 1 << 16;

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
        if (!adam(gradient, null, 1, iteration, epoch)) {
            super.applyUpdater(gradient, iteration, epoch);
        }
    }

    /** Whether {@link #step} takes this gradient: float arrays it can walk linearly, state initialised. */
    boolean fits(INDArray gradient) {
        return getM() != null && getV() != null && linear(gradient, getM(), getV());
    }

    /**
     * What DL4J's training step does to one block of plain Adam parameters after the backward pass, in one pass:
     * divide the gradient by {@code divisor} (the batch size), the Adam step, and {@code params -= update}
     * ({@link LeanSolver}). DL4J runs these as three passes over every parameter. The arithmetic and its rounding are
     * DL4J's; the gradient is left as the backward pass wrote it. Needs {@link #fits}; {@code params} holds the
     * block's parameters in the gradient's element order.
     */
    void step(INDArray gradient, FloatBuffer params, int divisor, int iteration, int epoch) {
        if (!adam(gradient, params, divisor, iteration, epoch)) {
            throw new IllegalArgumentException("Adam's fused step needs linear float arrays; see fits()");
        }
    }

    /** Adam over the gradient divided by {@code divisor}; the update goes into {@code params} or, if null, the gradient. */
    private boolean adam(INDArray gradient, FloatBuffer params, int divisor, int iteration, int epoch) {
        if (!fits(gradient) || params != null && params.capacity() != gradient.length()) {
            return false;
        }
        INDArray m = getM();
        INDArray v = getV();
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
        // DL4J divides by the batch size as a float array divided by a float scalar.
        ElementwiseLoops.AdamStep coefficients = new ElementwiseLoops.AdamStep(divisor, beta1, beta2, epsilon, step);
        FloatBuffer g = Arrays4j.values(gradient);
        FloatBuffer mb = Arrays4j.values(m);
        FloatBuffer vb = Arrays4j.values(v);
        ElementwiseLoops loops = Loops.get();
        Slices.run((int) gradient.length(), MIN_SLICE,
                (from, to) -> loops.adam(g, mb, vb, params, from, to, coefficients));
        return true;
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
