package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/** The fused softmax cross-entropy gives DL4J's LossMCXENT gradient and loss. */
class SoftmaxCrossEntropyTest {

    /** Logits of growing spread: at 60 the softmax underflows to 0 for most classes and the clip takes over. */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 4, 60})
    void matchesDl4jsGradientAndLoss(double spread) {
        Nd4j.getRandom().setSeed(11);
        INDArray z = Nd4j.randn(DataType.FLOAT, 37, 10).muli(spread);
        INDArray labels = oneHot(37, 10);
        assertMatches(z, labels, new LossMCXENT());
    }

    @Test
    void softLabelsAndAnotherClipMatchToo() {
        Nd4j.getRandom().setSeed(12);
        INDArray z = Nd4j.randn(DataType.FLOAT, 16, 7).muli(3);
        INDArray labels = Nd4j.rand(DataType.FLOAT, 16, 7);
        labels.diviColumnVector(labels.sum(1));
        assertMatches(z, labels, new LossMCXENT(1e-3, null));
    }

    @Test
    void takesOnlyThePlainCase() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 4, 3);
        INDArray labels = oneHot(4, 3);
        ActivationSoftmax softmax = new ActivationSoftmax();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMCXENT(), z, labels, null)).isTrue();
        assertThat(SoftmaxCrossEntropy.applies(new ActivationReLU(), new LossMCXENT(), z, labels, null)).isFalse();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMSE(), z, labels, null)).isFalse();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMCXENT(Nd4j.ones(DataType.FLOAT, 3)), z, labels,
                null)).isFalse();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMCXENT(), z, labels,
                Nd4j.ones(DataType.FLOAT, 4, 1))).isFalse();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMCXENT(), z.dup('f'), labels, null)).isFalse();
        assertThat(SoftmaxCrossEntropy.applies(softmax, new LossMCXENT(), z, oneHot(4, 2), null)).isFalse();
    }

    private static void assertMatches(INDArray z, INDArray labels, LossMCXENT loss) {
        ActivationSoftmax softmax = new ActivationSoftmax();
        INDArray expected = loss.computeGradient(labels, z.dup(), softmax, null);
        double expectedLoss = loss.computeScore(labels, z.dup(), softmax, null, false);
        INDArray zBefore = z.dup();
        INDArray gradient = Nd4j.createUninitialized(DataType.FLOAT, z.shape());

        double actualLoss = SoftmaxCrossEntropy.apply(z, labels, loss, gradient);

        assertThat(z).isEqualTo(zBefore);
        assertThat(gradient.sub(expected).amaxNumber().doubleValue()).as("largest gradient difference")
                .isLessThan(1e-6);
        assertThat(actualLoss).isCloseTo(expectedLoss, within(1e-5 * Math.abs(expectedLoss)));
    }

    private static INDArray oneHot(int rows, int classes) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int i = 0; i < rows; i++) {
            labels.putScalar(i, (i * 7) % classes, 1f);
        }
        return labels;
    }
}
