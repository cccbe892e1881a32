package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code C = op(A) × op(B) + beta·C} on 2-D float arrays (views included) straight through OpenBLAS's
 * {@code cblas_sgemm}, the library ND4J links, and {@code cblas_sgemv} for a single row. On a Zen 5 machine ND4J's
 * {@code mmuli} ran the dense layers' products at a fifth to a third of OpenBLAS's speed, and {@code Nd4j.gemm}
 * (oneDNN) at about half to three quarters (docs/performance.md, "Matrix products straight into OpenBLAS"). Arrays
 * whose rows or columns are not contiguous, or that are not float, go to {@code Nd4j.gemm}.
 */
final class Gemm {

    private Gemm() {
    }

    /** {@code c = op(a) × op(b) + beta·c}; {@code op} transposes where asked. */
    static void product(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, float beta) {
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lc = Layout.of(c);
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transposeA ? a.size(0) : a.size(1));
        if (la == null || lb == null || lc == null || k == 0
                || (transposeA ? a.size(1) : a.size(0)) != m || (transposeB ? b.size(0) : b.size(1)) != n
                || (transposeB ? b.size(1) : b.size(0)) != k) {
            Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, beta);
            return;
        }
        if (m == 1) {
            vectorTimesMatrix(a, transposeA, lb, transposeB, c, n, k, beta);
            return;
        }
        FloatPointer cStart = lc.pointer();
        if (beta == 0 && lc.leading() == (lc.rowMajor() ? n : m)) {
            // OpenBLAS zeroes C for beta = 0 in its own loop: 3.6-4.0 % of the MLP's samples in a perf profile,
            // against 2.5-2.6 % for memset (docs/performance.md); beta = 1 then skips OpenBLAS's loop.
            Pointer.memset(cStart, 0, (long) m * n * Float.BYTES);
            beta = 1;
        }
        // In the order C is stored in, an operand stored the other way round is its own transpose.
        boolean rowMajor = lc.rowMajor();
        openblas_nolapack.cblas_sgemm(rowMajor ? openblas_nolapack.CblasRowMajor : openblas_nolapack.CblasColMajor,
                flag(transposeA != (la.rowMajor() != rowMajor)), flag(transposeB != (lb.rowMajor() != rowMajor)),
                m, n, k, 1f, la.pointer(), la.leading(), lb.pointer(), lb.leading(), beta, cStart, lc.leading());
    }

    /** Whether {@link #preOutput} takes {@code input} and {@code w}: a 2-D input with as many columns as w has rows. */
    static boolean affineFits(INDArray input, INDArray w) {
        return input != null && input.rank() == 2 && w.rank() == 2 && input.columns() == w.rows();
    }

    /**
     * A dense or output layer's pre-activation as DL4J's {@code BaseLayer.preOutputWithPreNorm} computes it, with the
     * product through {@link #product}: {@code prepare} runs DL4J's input checks and dropout and returns the input to
     * use; then {@code input × W + b} (bias optional) in a new array of the activations workspace, through
     * {@code served} (a served layer's packed weights, else null) where it takes the input; then {@code mask}, when
     * not null. The layer's own (protected) steps come in as functions because the two layers have no common
     * superclass of ours.
     */
    static Pair<INDArray, INDArray> preOutput(Supplier<INDArray> prepare, INDArray w, INDArray bias,
            Consumer<INDArray> mask, LayerWorkspaceMgr workspaceMgr, DnnlServingProduct served) {
        INDArray x = prepare.get().castTo(w.dataType());
        INDArray z = served == null ? null : served.preOutput(x, workspaceMgr);
        if (z == null) {
            z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), x.size(0), w.size(1));
            if (fillRows(z, bias)) {
                product(x, false, w, false, z, 1f);
            } else {
                product(x, false, w, false, z, 0f);
                if (bias != null) {
                    z.addiRowVector(bias);
                }
            }
        }
        if (mask != null) {
            mask.accept(z);
        }
        return new Pair<>(z, z);
    }

    /**
     * Every row of {@code z} set to {@code bias}, so that the product can add onto it ({@code beta = 1}) as PyTorch's
     * {@code addmm} does: one pass over the pre-activation instead of zeroing it and adding the bias after the
     * product (docs/performance.md, "The bias before the product"). False, with nothing written, where the arrays
     * are not plain float rows.
     */
    static boolean fillRows(INDArray z, INDArray bias) {
        if (bias == null || z.dataType() != DataType.FLOAT || bias.dataType() != DataType.FLOAT || z.rank() != 2
                || z.length() == 0 || z.ordering() != 'c' || z.elementWiseStride() != 1 || bias.length() != z.size(1)
                || bias.elementWiseStride() != 1) {
            return false;
        }
        int n = (int) z.size(1);
        float[] row = new float[n];
        Arrays4j.values(bias).get(0, row);
        FloatBuffer out = Arrays4j.values(z);
        for (int r = 0, rows = (int) z.size(0); r < rows; r++) {
            out.put(r * n, row);
        }
        return true;
    }

    /**
     * One row times a matrix as {@code sgemv}: OpenBLAS 0.3.19's {@code sgemm} packs the whole matrix for a single
     * row, which made an unbatched server 15–20 % slower than ND4J's path did (docs/inference.md).
     */
    private static void vectorTimesMatrix(INDArray a, boolean transposeA, Layout lb, boolean transposeB, INDArray c,
            int n, int k, float beta) {
        // y[j] = sum_p x[p] op(B)[p][j]; B stored row-major with leading dimension ld is rows × cols, and a
        // column-major B is the row-major transpose: op(B) is then B's storage read as is, or transposed.
        boolean storedAsOpB = transposeB != lb.rowMajor();
        int rows = storedAsOpB ? k : n;
        int cols = storedAsOpB ? n : k;
        openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasRowMajor, flag(storedAsOpB), rows, cols, 1f,
                lb.pointer(), lb.leading(), new FloatPointer(a.data().addressPointer()),
                (int) a.stride(transposeA ? 0 : 1), beta, new FloatPointer(c.data().addressPointer()),
                (int) c.stride(1));
    }

    private static int flag(boolean transpose) {
        return transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    }

    /** Where a matrix starts in memory, and its leading dimension in row- or column-major order. */
    private record Layout(INDArray array, boolean rowMajor, int leading) {

        /** Null when BLAS cannot read the array in place. */
        static Layout of(INDArray x) {
            if (x.dataType() != DataType.FLOAT || x.rank() != 2 || x.length() == 0) {
                return null;
            }
            long rows = x.size(0);
            long cols = x.size(1);
            long s0 = x.stride(0);
            long s1 = x.stride(1);
            // A dimension of size 1 may carry any stride: only the other one matters then.
            if ((s1 == 1 || cols == 1) && s0 >= Math.max(cols, 1) && s0 <= Integer.MAX_VALUE) {
                return new Layout(x, true, (int) Math.max(s0, 1));
            }
            if ((s0 == 1 || rows == 1) && s1 >= Math.max(rows, 1) && s1 <= Integer.MAX_VALUE) {
                return new Layout(x, false, (int) Math.max(s1, 1));
            }
            return null;
        }

        FloatPointer pointer() {
            // A view's buffer is itself a view: its address is the view's first element (offset() included).
            return new FloatPointer(array.data().addressPointer());
        }
    }
}
