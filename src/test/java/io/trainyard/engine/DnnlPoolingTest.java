package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link DnnlPooling}'s serving passes against max pooling written out as loops, batch size changing per call. */
class DnnlPoolingTest {

    @Test
    void servedPassesMatchTheDefinitionAndEachBatchSizeKeepsItsPlan() {
        try (DnnlPooling pool = new DnnlPooling()) {
            int channels = 16;
            for (int batch : new int[] {4, 1, 9, 2, 4, 1, 7}) {
                Nd4j.getRandom().setSeed(batch);
                INDArray input = Nd4j.rand(DataType.FLOAT, batch, channels, 8, 8);
                INDArray out = Nd4j.createUninitialized(DataType.FLOAT, batch, channels, 4, 4);
                boolean ran = pool.forward(new DnnlPooling.Shape(batch, channels, 8, 8, 4, 4, 2, 2, 2, 2, true), input,
                        out, false);
                assumeThat(ran).as("oneDNN has a JIT kernel for NCHW pooling on this CPU").isTrue();

                float[] x = input.data().asFloat();
                float[] y = out.data().asFloat();
                for (int n = 0; n < batch; n++) {
                    for (int c = 0; c < channels; c++) {
                        for (int oh = 0; oh < 4; oh++) {
                            for (int ow = 0; ow < 4; ow++) {
                                float max = Float.NEGATIVE_INFINITY;
                                for (int kh = 0; kh < 2; kh++) {
                                    for (int kw = 0; kw < 2; kw++) {
                                        int i = ((n * channels + c) * 8 + oh * 2 + kh) * 8 + ow * 2 + kw;
                                        max = Math.max(max, x[i]);
                                    }
                                }
                                assertThat(y[((n * channels + c) * 4 + oh) * 4 + ow]).as("batch %d", batch)
                                        .isEqualTo(max);
                            }
                        }
                    }
                }
            }
            assertThat(pool.servingPlans()).as("one plan per batch size, none evicted").isEqualTo(5);
        }
    }
}
