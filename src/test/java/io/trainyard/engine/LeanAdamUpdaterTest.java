package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The Java Adam step against libnd4j's on the same gradients: views that start inside a larger buffer (as an
 * updater block's do), enough values to be split across cores, a strided gradient (DL4J's op then), and a warm-up
 * schedule's changing learning rate. {@code LeanLayersTest} covers it inside whole training steps.
 */
class LeanAdamUpdaterTest {

    private static final int N = 300_007;

    @Test
    void stepsAndMomentsEqualDl4jsOnOffsetViewsSplitAcrossCores() {
        Adam config = new Adam(new WarmupSchedule(new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.9), 3));
        compare(new AdamUpdater(config), new LeanAdamUpdater(config), false);
    }

    @Test
    void stridedGradientsGoToDl4jsOpAndStillMatch() {
        Adam config = new Adam(1e-3, 0.8, 0.99, 1e-6);
        compare(new AdamUpdater(config), new LeanAdamUpdater(config), true);
    }

    @Test
    void theFusedStepIsDl4jsDivideAdamAndSubtract() {
        Adam config = new Adam(new WarmupSchedule(new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.9), 3));
        AdamUpdater stock = new AdamUpdater(config);
        LeanAdamUpdater lean = new LeanAdamUpdater(config);
        INDArray[] states = zeroState(stock, lean);
        INDArray stockState = states[0];
        INDArray leanState = states[1];
        Nd4j.getRandom().setSeed(4);
        INDArray stockParams = Nd4j.randn(DataType.FLOAT, 1, N);
        // The block's parameters sit inside the network's flat parameter array, 5 values in.
        INDArray network = Nd4j.zeros(DataType.FLOAT, 1, N + 5);
        INDArray leanParams = network.get(NDArrayIndex.point(0), NDArrayIndex.interval(5, N + 5)).reshape(1, N)
                .assign(stockParams);
        int[] batchSizes = {32, 7, 20, 1, 256};
        for (int step = 0; step < batchSizes.length; step++) {
            INDArray gradient = Nd4j.randn(DataType.FLOAT, 1, N).muli(step + 1);
            INDArray leanGradient = view(Nd4j.zeros(DataType.FLOAT, 1, N + 3), N).assign(gradient);
            assertThat(lean.fits(leanGradient)).isTrue();
            INDArray stockGradient = gradient.dup().divi(batchSizes[step]);
            stock.applyUpdater(stockGradient, step, 0);
            stockParams.subi(stockGradient);
            lean.step(leanGradient, Arrays4j.values(network).slice(5, N), batchSizes[step], step, 0);
            assertClose(leanParams, stockParams);
            assertClose(leanState, stockState);
            assertThat(Arrays4j.floats(leanGradient.dup())).as("the gradient is left as it was")
                    .isEqualTo(Arrays4j.floats(gradient));
        }
        assertThat(network.getFloat(0, 4)).isZero();
    }

    /** The two updaters' state, zeroed, each in a view that starts inside a larger buffer: {stock's, lean's}. */
    private static INDArray[] zeroState(GradientUpdater<?> stock, GradientUpdater<?> lean) {
        long[] shape = {1, N};
        INDArray stockState = Nd4j.zeros(DataType.FLOAT, 1, 2L * N + 11);
        INDArray leanState = stockState.dup();
        stock.setStateViewArray(view(stockState, 2 * N), shape, 'f', true);
        lean.setStateViewArray(view(leanState, 2 * N), shape, 'f', true);
        return new INDArray[] {stockState, leanState};
    }

    private static void compare(GradientUpdater<?> stock, GradientUpdater<?> lean, boolean strided) {
        INDArray[] states = zeroState(stock, lean);
        INDArray stockState = states[0];
        INDArray leanState = states[1];
        Nd4j.getRandom().setSeed(3);
        for (int step = 0; step < 5; step++) {
            INDArray values = Nd4j.randn(DataType.FLOAT, 1, N).muli(step + 1);
            INDArray stockGradient = values.dup();
            INDArray leanGradient;
            if (strided) {
                INDArray holder = Nd4j.zeros(DataType.FLOAT, N, 2);
                holder.getColumn(1).assign(values.reshape(N));
                leanGradient = holder.getColumn(1).reshape(1, N);
                assertThat(leanGradient.elementWiseStride()).isNotEqualTo(1);
            } else {
                INDArray holder = Nd4j.zeros(DataType.FLOAT, 1, N + 7);
                leanGradient = view(holder, N).assign(values);
            }
            stock.applyUpdater(stockGradient, step, 0);
            lean.applyUpdater(leanGradient, step, 0);
            assertClose(leanGradient, stockGradient);
            assertClose(leanState, stockState);
        }
    }

    /** The last {@code n} values of row vector {@code a}: a view that starts at an offset. */
    private static INDArray view(INDArray a, int n) {
        return a.get(NDArrayIndex.point(0), NDArrayIndex.interval(a.length() - n, a.length())).reshape(1, n);
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        float[] a = actual.dup().data().asFloat();
        float[] e = expected.dup().data().asFloat();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - e[i]) > 1e-6f * Math.max(1f, Math.abs(e[i]))) {
                assertThat(a[i]).as("value %d", i).isCloseTo(e[i], within(1e-6f));
            }
        }
    }
}
