package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link Gemm} against ND4J's own product, for every storage order, transposition and kind of view. */
class GemmTest {

    /** Every combination of operand orders and transpositions, written over a result of either order. */
    @ParameterizedTest(name = "a {0} (transposed {1}), b {2} (transposed {3}), c {4}")
    @CsvSource({
        "c,false,c,false,c", "c,true,c,false,c", "c,false,c,true,c", "c,true,c,true,c",
        "f,false,f,false,f", "f,true,f,false,f", "f,false,f,true,f", "f,true,f,true,f",
        "c,false,f,false,f", "f,false,c,true,c", "c,true,f,false,f", "f,true,c,true,c",
    })
    void equalsNd4jForEveryOrderAndTransposition(char orderA, boolean transposeA, char orderB, boolean transposeB,
            char orderC) {
        equalsNd4j(37, orderA, transposeA, orderB, transposeB, orderC);
    }

    /** One row (a single prediction) goes through sgemv: the same combinations. */
    @ParameterizedTest(name = "one row: a {0} (transposed {1}), b {2} (transposed {3}), c {4}")
    @CsvSource({
        "c,false,c,false,c", "c,true,c,false,c", "c,false,c,true,c", "c,true,c,true,c",
        "f,false,f,false,f", "f,true,f,false,f", "f,false,f,true,f", "f,true,f,true,f",
        "c,false,f,false,f", "f,false,c,true,c", "c,true,f,false,f", "f,true,c,true,c",
    })
    void equalsNd4jForOneRow(char orderA, boolean transposeA, char orderB, boolean transposeB, char orderC) {
        equalsNd4j(1, orderA, transposeA, orderB, transposeB, orderC);
    }

    private static void equalsNd4j(int m, char orderA, boolean transposeA, char orderB, boolean transposeB,
            char orderC) {
        int n = 23;
        int k = 41;
        INDArray a = random(orderA, transposeA ? k : m, transposeA ? m : k, 1);
        INDArray b = random(orderB, transposeB ? n : k, transposeB ? k : n, 2);
        INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {m, n}, orderC);
        Nd4j.gemm(a, b, expected, transposeA, transposeB, 1.0, 0.0);
        INDArray actual = Nd4j.create(DataType.FLOAT, new long[] {m, n}, orderC).assign(Float.NaN);

        Gemm.product(a, transposeA, b, transposeB, actual, 0f); // beta 0: the NaNs must not leak in

        assertClose(actual, expected);
    }

    @ParameterizedTest
    @CsvSource({"c", "f"})
    void zeroesALargeViewAndNothingAroundIt(char order) {
        // beta 0: Gemm zeroes C itself; the view sits between guard values in its buffer.
        int m = 1000;
        int n = 600;
        int k = 9;
        INDArray buffer = Nd4j.create(DataType.FLOAT, 13L + m * n + 17).assign(Float.NaN);
        INDArray c = buffer.get(NDArrayIndex.interval(13, 13 + m * n)).reshape(order, m, n);
        assertThat(c.offset()).isEqualTo(13);
        INDArray a = random('c', m, k, 3);
        INDArray b = random('f', k, n, 4);
        INDArray expected = Nd4j.create(DataType.FLOAT, new long[] {m, n}, order);
        Nd4j.gemm(a, b, expected, false, false, 1.0, 0.0);

        Gemm.product(a, false, b, false, c, 0f);

        assertClose(c, expected);
        float[] all = buffer.data().asFloat();
        for (int i : new int[] {0, 12, 13 + m * n, all.length - 1}) {
            assertThat(all[i]).as("guard value %d", i).isNaN();
        }
    }

    @Test
    void readsAndWritesViewsWhereTheyLieInTheirBuffers() {
        // As DL4J lays out a dense layer: weights and their gradient are 'f' views into one flat buffer, at an offset.
        INDArray params = Nd4j.rand(DataType.FLOAT, 3, 700).reshape(2100);
        INDArray weights = params.get(NDArrayIndex.interval(7, 7 + 30 * 20)).reshape('f', 30, 20);
        INDArray gradients = Nd4j.zeros(DataType.FLOAT, 2100);
        INDArray weightGrad = gradients.get(NDArrayIndex.interval(11, 11 + 30 * 20)).reshape('f', 30, 20);
        INDArray input = random('c', 16, 30, 3);
        INDArray delta = random('c', 16, 20, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 16, 20);

        Gemm.product(input, false, weights, false, out, 0f);
        Gemm.product(input, true, delta, false, weightGrad, 0f);

        assertClose(out, input.mmul(weights));
        assertClose(weightGrad, input.transpose().mmul(delta));
        // Nothing outside the gradient's view was written.
        assertThat(gradients.get(NDArrayIndex.interval(0, 11)).sumNumber().doubleValue()).isZero();
        assertThat(gradients.get(NDArrayIndex.interval(11 + 600, 2100)).sumNumber().doubleValue()).isZero();
    }

    @Test
    void readsSubMatricesWithALeadingDimensionWiderThanTheirRows() {
        INDArray wide = random('c', 12, 50, 5);
        INDArray left = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 20)); // rows 50 apart, 17 wide
        INDArray b = random('c', 17, 9, 6);
        INDArray out = Nd4j.create(DataType.FLOAT, 12, 9);

        Gemm.product(left, false, b, false, out, 0f);

        assertClose(out, left.dup().mmul(b));
    }

    @Test
    void readsARowOfALargerMatrixThroughItsStride() {
        INDArray matrix = random('f', 5, 40, 12); // a row of a column-major matrix: its values lie 5 apart
        INDArray row = matrix.get(NDArrayIndex.interval(2, 3), NDArrayIndex.all());
        INDArray b = random('c', 40, 7, 13);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 7);

        Gemm.product(row, false, b, false, out, 0f);

        assertThat(row.stride(1)).isEqualTo(5);
        assertClose(out, row.dup().mmul(b));
    }

    @Test
    void addsToTheResultWithBetaOne() {
        INDArray a = random('c', 8, 5, 7);
        INDArray b = random('c', 5, 6, 8);
        INDArray c = random('c', 8, 6, 9);
        INDArray expected = a.mmul(b).addi(c);

        Gemm.product(a, false, b, false, c, 1f);

        assertClose(c, expected);
    }

    @Test
    void leavesArraysBlasCannotReadToNd4j() {
        INDArray doubles = Nd4j.rand(DataType.DOUBLE, 6, 4);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 4, 3);
        INDArray out = Nd4j.create(DataType.DOUBLE, 6, 3);
        INDArray strided = random('c', 6, 8, 10).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 8));
        INDArray floatB = random('c', 4, 3, 11);
        INDArray floatOut = Nd4j.create(DataType.FLOAT, 6, 3);

        Gemm.product(doubles, false, b, false, out, 0f);
        Gemm.product(strided, false, floatB, false, floatOut, 0f);

        assertThat(out.equalsWithEps(doubles.mmul(b), 1e-9)).isTrue();
        assertClose(floatOut, strided.dup().mmul(floatB));
    }

    /** The pre-activation starts from the bias and the product adds onto it: the same as x·W, then + b. */
    @ParameterizedTest(name = "{0} rows")
    @CsvSource({"37", "1"})
    void preOutputAddsTheProductOntoTheBias(int rows) {
        INDArray x = random('c', rows, 41, 12);
        // W and b as DL4J keeps them: views into one flat parameter buffer, b after W, at an offset.
        INDArray params = random('c', 1, 3 + 41 * 23 + 23, 13);
        INDArray w = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + 41 * 23)).reshape('f', 41, 23);
        INDArray b = params.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(3 + 41 * 23, 3 + 41 * 23 + 23));
        INDArray expected = x.mmul(w).addiRowVector(b);
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();

        INDArray actual = Gemm.preOutput(() -> x, w, b, null, none, null).getFirst();

        assertClose(actual, expected);
        try (DnnlServingProduct served = DnnlServingProduct.pack(w, b, true)) {
            assertClose(Gemm.preOutput(() -> x, w, b, null, none, served).getFirst(), expected);
        }
        assertThat(Gemm.fillRows(Nd4j.create(DataType.FLOAT, rows, 23), b)).isTrue();
    }

    @Test
    void leavesTheBiasToNd4jWhereRowsAreNotPlainFloats() {
        INDArray bias = random('c', 1, 5, 14);

        assertThat(Gemm.fillRows(Nd4j.create(DataType.FLOAT, new long[] {4, 5}, 'f'), bias)).isFalse();
        assertThat(Gemm.fillRows(Nd4j.create(DataType.DOUBLE, 4, 5), bias)).isFalse();
        assertThat(Gemm.fillRows(Nd4j.create(DataType.FLOAT, 4, 6), bias)).isFalse();
        assertThat(Gemm.fillRows(Nd4j.create(DataType.FLOAT, 4, 5), null)).isFalse();
        assertThat(Gemm.fillRows(Nd4j.create(DataType.FLOAT, 0, 5), bias)).isFalse();
        INDArray doubles = Nd4j.rand(DataType.DOUBLE, 4, 3);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 3, 5);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 1, 5);

        INDArray z = Gemm.preOutput(() -> doubles, w, b, null, LayerWorkspaceMgr.noWorkspaces(), null)
                .getFirst();

        assertThat(z.equalsWithEps(doubles.mmul(w).addiRowVector(b), 1e-9)).isTrue();
    }

    private static INDArray random(char order, int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5).dup(order);
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double scale = expected.norm2Number().doubleValue();
        assertThat(scale).isPositive();
        double error = actual.sub(expected).norm2Number().doubleValue();
        assertThat(error / scale).as("relative error").isLessThan(1e-6);
    }
}
