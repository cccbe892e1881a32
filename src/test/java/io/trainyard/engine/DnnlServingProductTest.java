package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import org.bytedeco.dnnl.memory;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link DnnlServingProduct} against the product written out as loops, and a network readied for serving against the
 * same parameters served the plain way, before and after it is trained again. Every batch size is taken
 * ({@code evenIfPlain}), also on machines where oneDNN keeps the weights in a plain layout (AVX2).
 */
class DnnlServingProductTest {

    @ParameterizedTest
    @ValueSource(chars = {'f', 'c'})
    void productMatchesTheDefinitionForEveryBatchSize(char order) {
        int k = 37;
        int n = 70;
        Nd4j.getRandom().setSeed(7);
        INDArray w = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5).dup(order);
        // A view into a larger buffer, as DL4J's bias is a view into the parameters.
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, n + 5);
        INDArray bias = params.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(5, n + 5)).reshape(1, n);
        try (DnnlServingProduct withBias = DnnlServingProduct.pack(w, bias, true);
                DnnlServingProduct noBias = DnnlServingProduct.pack(w, null, true)) {
            assertThat(withBias).isNotNull();
            for (int m = DnnlServingProduct.MIN_ROWS; m <= DnnlServingProduct.MAX_ROWS; m += 5) {
                for (int again = 0; again < 2; again++) { // the second time through the kept primitive
                    INDArray x = Nd4j.rand(DataType.FLOAT, m, k).subi(0.5);
                    check(BlasThreads.single(() -> withBias.preOutput(x, LayerWorkspaceMgr.noWorkspaces())), x, w,
                            bias);
                    check(BlasThreads.single(() -> noBias.preOutput(x, LayerWorkspaceMgr.noWorkspaces())), x, w,
                            null);
                    if (m <= DnnlServingProduct.MAX_ROWS_THREADED) {
                        check(withBias.preOutput(x, LayerWorkspaceMgr.noWorkspaces()), x, w, bias);
                    }
                }
            }
            // Inputs it does not take: the caller keeps its own path (one row goes to sgemv).
            assertThat(withBias.preOutput(Nd4j.rand(DataType.FLOAT, 1, k), LayerWorkspaceMgr.noWorkspaces())).isNull();
            INDArray tooMany = Nd4j.rand(DataType.FLOAT, DnnlServingProduct.MAX_ROWS + 1, k);
            assertThat(BlasThreads.single(() -> withBias.preOutput(tooMany, LayerWorkspaceMgr.noWorkspaces())))
                    .isNull();
            assertThat(withBias.preOutput(Nd4j.rand(DataType.FLOAT, DnnlServingProduct.MAX_ROWS_THREADED + 1, k),
                    LayerWorkspaceMgr.noWorkspaces())).as("on two threads").isNull();
            assertThat(withBias.preOutput(Nd4j.rand(DataType.FLOAT, 4, k + 1), LayerWorkspaceMgr.noWorkspaces()))
                    .isNull();
            assertThat(withBias.preOutput(Nd4j.rand(DataType.FLOAT, k, 4).transpose(),
                    LayerWorkspaceMgr.noWorkspaces())).isNull();
            assertThat(withBias.preOutput(Nd4j.rand(DataType.DOUBLE, 4, k), LayerWorkspaceMgr.noWorkspaces()))
                    .isNull();
        }
    }

    @Test
    void aPlainLayoutIsToldFromABlockedOne() {
        memory.data_type f32 = memory.data_type.f32;
        try (memory.desc rowMajor = new memory.desc(new long[] {64, 128}, f32, memory.format_tag.ab);
                memory.desc columnMajor = new memory.desc(new long[] {64, 128}, f32, new long[] {1, 64});
                memory.desc blocked = new memory.desc(new long[] {64, 128}, f32, memory.format_tag.BA16a64b)) {
            assertThat(DnnlServingProduct.plain(rowMajor)).isTrue();
            assertThat(DnnlServingProduct.plain(columnMajor)).isTrue();
            assertThat(DnnlServingProduct.plain(blocked)).isFalse();
        }
    }

    /** On a machine where oneDNN keeps the weights plain (AVX2) a served layer takes only small batches through it. */
    @Test
    void plainWeightsTakeOnlySmallBatches() {
        int k = 37;
        INDArray w = Nd4j.rand(DataType.FLOAT, k, 70).dup('f');
        try (DnnlServingProduct product = DnnlServingProduct.pack(w, null, false)) {
            int most = product.plainLayout() ? DnnlServingProduct.MAX_ROWS_PLAIN : DnnlServingProduct.MAX_ROWS;
            assertThat(product.maxRows(false)).isEqualTo(most);
            assertThat(product.maxRows(true)).isLessThanOrEqualTo(most);
            if (product.plainLayout()) { // blocked layouts' sizes are checked above, every fifth up to MAX_ROWS
                assertThat(BlasThreads.single(() -> product.preOutput(Nd4j.rand(DataType.FLOAT, most, k),
                        LayerWorkspaceMgr.noWorkspaces()))).isNotNull();
            }
            assertThat(BlasThreads.single(() -> product.preOutput(Nd4j.rand(DataType.FLOAT, most + 1, k),
                    LayerWorkspaceMgr.noWorkspaces()))).isNull();
        }
    }

    @Test
    void aNetworkServesTheSameOutputsFromPackedWeightsAndDropsThemWhenTrained() throws Exception {
        // ReLU and tanh dense layers (one with dropout, which inference skips) and a softmax output layer.
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier"));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 24, 3);
        net.fitBatch(batch);
        float[] plain = net.output(batch.features()).data();

        net.forServing(true);
        EngineNetwork engine = (EngineNetwork) net.dl4j();
        assertThat(engine.servedLayers()).isEqualTo(3);
        assertThat(net.output(batch.features()).data()).containsExactly(plain, offset(1e-5f));
        Tensor one = Synthetic.batch(spec, plan, 1, 5).features();
        assertThat(net.output(one).data()).containsExactly(Network.load(new java.io.ByteArrayInputStream(
                net.toBytes())).output(one).data(), offset(1e-5f));

        // Training again must not leave inference on the old weights.
        net.fitBatch(batch);
        assertThat(engine.servedLayers()).isZero();
        float[] trained = net.output(batch.features()).data();
        assertThat(trained).isNotEqualTo(plain);
        float[] fresh = Network.load(new java.io.ByteArrayInputStream(net.toBytes())).output(batch.features()).data();
        assertThat(trained).containsExactly(fresh, offset(1e-6f));
    }

    private static void check(INDArray z, INDArray x, INDArray w, INDArray bias) {
        assertThat(z).isNotNull();
        int m = (int) x.size(0);
        int n = (int) w.size(1);
        assertThat(z.shape()).containsExactly((long) m, (long) n);
        float[][] xs = x.toFloatMatrix();
        float[][] ws = w.toFloatMatrix();
        float[][] zs = z.toFloatMatrix();
        float[] b = bias == null ? null : bias.toFloatVector();
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                double sum = b == null ? 0 : b[c];
                for (int p = 0; p < ws.length; p++) {
                    sum += (double) xs[r][p] * ws[p][c];
                }
                assertThat((double) zs[r][c]).as("row %d of %d, column %d", r, m, c).isCloseTo(sum, offset(1e-4));
            }
        }
    }
}
