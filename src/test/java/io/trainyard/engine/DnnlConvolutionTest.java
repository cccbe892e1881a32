package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link DnnlConvolution} against a convolution written out as loops: forward, input, weight and bias gradients, with
 * stride, padding (the right edge truncated) and dilation, over more batch sizes than one instance keeps training
 * primitives for. {@code LeanLayersTest} compares whole layers with DL4J's.
 */
class DnnlConvolutionTest {

    @Test
    void oneDnnsOwnLibraryLoads() {
        assertThat(Dnnl.available()).isTrue();
    }

    /** {@code WEIGHTS}: a first layer's backward pass, without the input's gradient. */
    @ParameterizedTest
    @EnumSource(value = DnnlConvolution.Backward.class, names = {"ALL", "WEIGHTS"})
    void passesMatchTheDefinitionAcrossBatchSizes(DnnlConvolution.Backward backward) {
        // With stride 2 the last input row is not reached: a right padding of 0 against 1 on the left.
        passesMatchTheDefinition(backward, 3, 4, 10, 8, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
                new int[] {1, 2});
    }

    @ParameterizedTest
    @EnumSource(value = DnnlConvolution.Backward.class, names = {"ALL", "WEIGHTS"})
    void aTruncatedInputGivesANegativeRightPadding(DnnlConvolution.Backward backward) {
        // 10 inputs, kernel 3, stride 4: two outputs, and the last three inputs unread (right padding -3).
        passesMatchTheDefinition(backward, 2, 3, 10, 10, new int[] {3, 3}, new int[] {4, 4}, new int[] {0, 0},
                new int[] {1, 1});
    }

    @Test
    void aForwardOnlyLayerCannotGoBack() {
        int[] one = {1, 1};
        DnnlConvolution.Shape shape = new DnnlConvolution.Shape(2, 1, 4, 4, 2, 2, 2, new int[] {3, 3}, one,
                new int[] {0, 0}, one, false);
        try (DnnlConvolution conv = new DnnlConvolution(DnnlConvolution.Backward.NONE)) {
            conv.forward(shape, Nd4j.rand(DataType.FLOAT, 2, 1, 4, 4), Nd4j.rand(DataType.FLOAT, 2, 1, 3, 3), null,
                    Nd4j.createUninitialized(DataType.FLOAT, 2, 2, 2, 2), true);
            assertThat(conv.canGoBack(shape)).isFalse();
        }
    }

    private static void passesMatchTheDefinition(DnnlConvolution.Backward backward, int inDepth, int outDepth,
            int inH, int inW, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        int outH = (inH + 2 * padding[0] - (kernel[0] - 1) * dilation[0] - 1) / stride[0] + 1;
        int outW = (inW + 2 * padding[1] - (kernel[1] - 1) * dilation[1] - 1) / stride[1] + 1;
        try (DnnlConvolution conv = new DnnlConvolution(backward)) {
            // Six shapes, trained and served, through one instance, which keeps two training plans: evicted plans are
            // closed and made again. Serving plans are all kept, sharing buffers that grow with the batch: the plans
            // for 5 and 1 run again after they grew.
            for (int batch : new int[] {5, 1, 3, 7, 2, 6, 5, 1}) {
                Nd4j.getRandom().setSeed(batch);
                INDArray input = Nd4j.rand(DataType.FLOAT, batch, inDepth, inH, inW).subi(0.5);
                INDArray weights = Nd4j.rand(DataType.FLOAT, outDepth, inDepth, kernel[0], kernel[1]).subi(0.5);
                INDArray bias = Nd4j.rand(DataType.FLOAT, 1, outDepth).subi(0.5);
                DnnlConvolution.Shape shape = new DnnlConvolution.Shape(batch, inDepth, inH, inW, outDepth, outH, outW,
                        kernel, stride, padding, dilation, true);
                // Serving's plan (the forward pass only) first, then training's.
                INDArray served = Nd4j.createUninitialized(DataType.FLOAT, batch, outDepth, outH, outW);
                conv.forward(shape, input, weights, bias, served, false);
                assertThat(conv.canGoBack(shape)).isFalse();
                INDArray z = Nd4j.createUninitialized(DataType.FLOAT, batch, outDepth, outH, outW);
                conv.forward(shape, input, weights, bias, z, true);
                assertThat(conv.canGoBack(shape)).isTrue();

                INDArray delta = Nd4j.rand(DataType.FLOAT, batch, outDepth, outH, outW).subi(0.5);
                INDArray epsilonNext = backward == DnnlConvolution.Backward.ALL
                        ? Nd4j.createUninitialized(DataType.FLOAT, batch, inDepth, inH, inW) : null;
                INDArray weightGrad = Nd4j.createUninitialized(DataType.FLOAT, outDepth, inDepth, kernel[0], kernel[1]);
                INDArray biasGrad = Nd4j.createUninitialized(DataType.FLOAT, 1, outDepth);
                conv.backward(input, weights, delta, epsilonNext, weightGrad, biasGrad);
                assertThat(conv.canGoBack(shape)).isFalse();

                float[] x = input.data().asFloat();
                float[] w = weights.data().asFloat();
                float[] d = delta.data().asFloat();
                float[] expectedZ = new float[batch * outDepth * outH * outW];
                float[] expectedEps = new float[x.length];
                float[] expectedW = new float[w.length];
                float[] expectedB = new float[outDepth];
                for (int n = 0; n < batch; n++) {
                    for (int oc = 0; oc < outDepth; oc++) {
                        for (int oh = 0; oh < outH; oh++) {
                            for (int ow = 0; ow < outW; ow++) {
                                int o = ((n * outDepth + oc) * outH + oh) * outW + ow;
                                float sum = bias.getFloat(oc);
                                expectedB[oc] += d[o];
                                for (int ic = 0; ic < inDepth; ic++) {
                                    for (int kh = 0; kh < kernel[0]; kh++) {
                                        for (int kw = 0; kw < kernel[1]; kw++) {
                                            int ih = oh * stride[0] - padding[0] + kh * dilation[0];
                                            int iw = ow * stride[1] - padding[1] + kw * dilation[1];
                                            if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) {
                                                continue;
                                            }
                                            int i = ((n * inDepth + ic) * inH + ih) * inW + iw;
                                            int k = ((oc * inDepth + ic) * kernel[0] + kh) * kernel[1] + kw;
                                            sum += x[i] * w[k];
                                            expectedEps[i] += d[o] * w[k];
                                            expectedW[k] += d[o] * x[i];
                                        }
                                    }
                                }
                                expectedZ[o] = sum;
                            }
                        }
                    }
                }
                assertClose(served, expectedZ, "z served, batch " + batch);
                assertClose(z, expectedZ, "z, batch " + batch);
                if (epsilonNext != null) {
                    assertClose(epsilonNext, expectedEps, "input gradient, batch " + batch);
                }
                assertClose(weightGrad, expectedW, "weight gradient, batch " + batch);
                assertClose(biasGrad, expectedB, "bias gradient, batch " + batch);
            }
            assertThat(conv.servingPlans()).as("serving plans kept, one per batch size").isEqualTo(6);
        }
    }

    private static void assertClose(INDArray actual, float[] expected, String what) {
        float[] a = actual.data().asFloat();
        assertThat(a).as(what).hasSize(expected.length);
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("%s [%d]", what, i).isCloseTo(expected[i], offset(1e-4));
        }
    }
}
