package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused ReLU gives libnd4j's values and leaves the pre-activation alone. */
class ReluForwardTest {

    @Test
    void matchesDl4jsReluAndKeepsTheInput() {
        Nd4j.getRandom().setSeed(3);
        // More values than one slice, so both cores write; infinities pass through as libnd4j's do.
        INDArray z = Nd4j.randn(DataType.FLOAT, 300, 257);
        z.putScalar(0, 1, Float.NEGATIVE_INFINITY);
        z.putScalar(0, 2, Float.POSITIVE_INFINITY);
        z.putScalar(0, 3, 0f);
        INDArray before = z.dup();
        INDArray expected = new ActivationReLU().getActivation(z.dup(), true);

        INDArray out = ReluForward.apply(z, Nd4j.createUninitialized(DataType.FLOAT, z.shape()));

        assertThat(z).isEqualTo(before);
        assertThat(out).isEqualTo(expected);
        assertThat(out.minNumber().floatValue()).isZero();
    }

    @Test
    void notANumberStaysOne() {
        INDArray z = Nd4j.createFromArray(new float[] {Float.NaN, -1f, 2f});
        INDArray out = ReluForward.apply(z, Nd4j.createUninitialized(DataType.FLOAT, 3));
        assertThat(Float.isNaN(out.getFloat(0))).isTrue();
        assertThat(out.getFloat(1)).isZero();
        assertThat(out.getFloat(2)).isEqualTo(2f);
    }

    @Test
    void takesOnlyContiguousFloatArrays() {
        assertThat(ReluForward.applies(Nd4j.create(DataType.FLOAT, 4, 5))).isTrue();
        assertThat(ReluForward.applies(Nd4j.create(DataType.FLOAT, 4, 5).transpose())).isFalse();
        assertThat(ReluForward.applies(Nd4j.create(DataType.DOUBLE, 4, 5))).isFalse();
    }
}
