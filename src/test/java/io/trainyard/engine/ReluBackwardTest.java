package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The fused ReLU backward pass and bias gradient against DL4J's activation backprop and sum, with enough rows to be
 * split across cores (uneven slices) and arrays that are views into larger buffers. {@code LeanLayersTest} covers
 * it inside whole training steps, with batches too small to split.
 */
class ReluBackwardTest {

    @Test
    void equalsDl4jsBackpropAndBiasSumOnSplitRowsAndOffsetViews() {
        Nd4j.getRandom().setSeed(5);
        int rows = 301;
        int units = 37;
        INDArray z = Nd4j.randn(DataType.FLOAT, rows, units);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, rows, units);
        INDArray expected = new ActivationReLU().backprop(z.dup(), epsilon.dup()).getFirst();
        INDArray expectedBias = expected.sum(0);

        INDArray zView = Nd4j.zeros(DataType.FLOAT, rows + 3, units)
                .get(NDArrayIndex.interval(3, rows + 3), NDArrayIndex.all()).assign(z);
        INDArray biasHolder = Nd4j.zeros(DataType.FLOAT, 1, units + 5);
        INDArray bias = biasHolder.get(NDArrayIndex.point(0), NDArrayIndex.interval(5, units + 5)).reshape(1, units);
        assertThat(ReluBackward.applies(new ActivationReLU(), zView, epsilon, bias)).isTrue();
        ReluBackward.apply(zView, epsilon, bias);

        assertThat(zView.dup().data().asFloat()).containsExactly(expected.dup().data().asFloat());
        assertThat(bias.dup().data().asFloat()).containsExactly(expectedBias.dup().data().asFloat(), within(1e-5f));
        assertThat(biasHolder.getFloat(0, 4)).isZero();
    }

    /** The branch-free gradient is the ternary's, bit for bit: zeros of both signs, subnormals, infinities, NaN. */
    @Test
    void branchFreeGradientIsTheTernaryBitForBit() {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xffc00000)};
        java.util.Random random = new java.util.Random(3);
        float[] values = new float[special.length + 2000];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            values[i] = i % 2 == 0 ? random.nextFloat() - 0.5f : Float.intBitsToFloat(random.nextInt());
        }
        for (float z : values) {
            for (int k = 0; k < special.length + 20; k++) {
                float epsilon = k < special.length ? special[k] : values[random.nextInt(values.length)];
                float expected = z > 0f ? epsilon : 0f;
                assertThat(Float.floatToRawIntBits(ReluBackward.gradient(z, epsilon)))
                        .as("z=%s epsilon=%s", z, epsilon).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    /** A convolution's activations: more values than one chunk, a last chunk cut short, split across cores. */
    @Test
    void overwriteEqualsDl4jsBackpropElementByElement() {
        Nd4j.getRandom().setSeed(6);
        INDArray z = Nd4j.randn(DataType.FLOAT, 7, 5, 37, 41);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 7, 5, 37, 41);
        INDArray expected = new ActivationReLU().backprop(z.dup(), epsilon.dup()).getFirst();
        assertThat(ReluBackward.appliesElementwise(new ActivationReLU(), z, epsilon)).isTrue();

        ReluBackward.overwrite(z, epsilon);

        assertThat(z.data().asFloat()).containsExactly(expected.data().asFloat());
        assertThat(ReluBackward.appliesElementwise(new ActivationLReLU(), z, epsilon)).isFalse();
        assertThat(ReluBackward.appliesElementwise(new ActivationReLU(), z.permute(0, 1, 3, 2), epsilon)).isFalse();
        assertThat(ReluBackward.appliesElementwise(new ActivationReLU(), z, epsilon.reshape(35, 37, 41))).isFalse();
    }

    @Test
    void leavesOtherActivationsAndLayoutsToDl4j() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 8, 4);
        INDArray bias = Nd4j.zeros(DataType.FLOAT, 1, 4);
        assertThat(ReluBackward.applies(new ActivationLReLU(), z, z, bias)).isFalse();
        assertThat(ReluBackward.applies(new ActivationReLU(1.0, null, null), z, z, bias)).isFalse();
        assertThat(ReluBackward.applies(new ActivationReLU(), z.dup('f'), z, bias)).isFalse();
        assertThat(ReluBackward.applies(new ActivationReLU(), z.castTo(DataType.DOUBLE), z, bias)).isFalse();
    }
}
