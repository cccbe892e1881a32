package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ReLU's forward pass keeping its input against DL4J's ReLU, bit for bit, on values that tell the forms apart. */
class ReluForwardTest {

    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0xff800001), Float.intBitsToFloat(0x7f800001)};

    /** More values than one piece, a last piece cut short, split across cores; specials among them. */
    @Test
    void equalsDl4jsReluAndKeepsTheInput() {
        Random random = new Random(21);
        INDArray z = Nd4j.createUninitialized(DataType.FLOAT, 301, 517);
        for (int i = 0; i < z.length(); i++) {
            z.putScalar(i, i % 5 == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian());
        }
        float[] input = z.data().asFloat();
        float[] expected = new ActivationReLU().getActivation(z.dup(), true).data().asFloat();
        INDArray copy = Nd4j.createUninitialized(DataType.FLOAT, 301, 517);
        assertThat(ReluForward.applies(new ActivationReLU(), z)).isTrue();

        ReluForward.apply(z, copy);

        assertThat(bits(z.data().asFloat())).containsExactly(bits(expected));
        assertThat(bits(copy.data().asFloat())).containsExactly(bits(input));
    }

    /** The chunked loops' branch-free ReLU is libnd4j's {@code x < 0 ? 0 : x} for every float's bits tried. */
    @Test
    void branchFreeReluIsTheTernaryBitForBit() {
        Random random = new Random(22);
        for (int k = 0; k < 200_000; k++) {
            float x = k < SPECIAL.length ? SPECIAL[k] : Float.intBitsToFloat(random.nextInt());
            float expected = x < 0f ? 0f : x;
            assertThat(Float.floatToRawIntBits(ChunkedLoops.relu(x))).as("x=%s", x)
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void leavesOtherActivationsAndLayoutsToDl4j() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 8, 4);
        assertThat(ReluForward.applies(new ActivationLReLU(), z)).isFalse();
        assertThat(ReluForward.applies(new ActivationSigmoid(), z)).isFalse();
        assertThat(ReluForward.applies(new ActivationReLU(6.0, null, null), z)).isFalse();
        assertThat(ReluForward.applies(new ActivationReLU(), z.dup('f'))).isFalse();
        assertThat(ReluForward.applies(new ActivationReLU(), z.castTo(DataType.DOUBLE))).isFalse();
    }

    private static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
