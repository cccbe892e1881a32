package io.trainyard.engine;

import java.util.Arrays;
import java.util.function.Supplier;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The figures behind {@link DnnlServingProduct}'s batch sizes (docs/performance.md, "Zen 4 (third)"): a served MLP
 * layer's product ({@code [rows, nIn]} by DL4J's column-major {@code [nIn, nOut]} weights) through
 * {@link DnnlServingProduct} (packed regardless of what oneDNN would choose) and through {@link Gemm}, on one thread
 * (inside {@link BlasThreads#single}, as the batcher runs a batch with company) and on two (a lone request),
 * in alternating blocks in one JVM, up to 256 rows (served layers take up to {@link DnnlServingProduct#MAX_ROWS} on
 * one thread and {@link DnnlServingProduct#MAX_ROWS_THREADED} on more). It first prints whether oneDNN blocks the
 * weights on this machine or keeps them plain, and the batch sizes served layers take through it here.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * unset OPENBLAS_CORETYPE; . bin/native-env.sh; . bin/java-env.sh
 * $TRAINYARD_JAVA $TRAINYARD_JAVA_FLAGS -cp "$CP" io.trainyard.engine.ServingProductBench
 * </pre>
 * A benchmark, not a test: it prints the median of the last 150 of 200 calls of each way.
 */
public final class ServingProductBench {

    private static final int RUNS = 200;
    private static final int SKIPPED = 50;
    private static final int BLOCK = 25;

    private ServingProductBench() {
    }

    public static void main(String[] args) {
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        for (int[] layer : new int[][] {{784, 1024}, {1024, 1024}}) {
            int k = layer[0];
            int n = layer[1];
            Nd4j.getRandom().setSeed(1);
            INDArray w = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5).dup('f');
            INDArray b = Nd4j.rand(DataType.FLOAT, 1, n);
            try (DnnlServingProduct chosen = DnnlServingProduct.pack(w, b, false);
                    DnnlServingProduct packed = DnnlServingProduct.pack(w, b, true, 256, 256)) {
                System.out.printf("%d x %d: oneDNN %s the weights on this machine; served batches of up to %d rows "
                        + "(one thread) and %d (two) come here%n", k, n,
                        chosen.plainLayout() ? "keeps a plain layout of" : "blocks", chosen.maxRows(false),
                        chosen.maxRows(true));
                for (int rows : new int[] {2, 8, 12, 16, 24, 32, 64, 96, 128, 256}) {
                    INDArray x = Nd4j.rand(DataType.FLOAT, rows, k);
                    INDArray z = Nd4j.create(DataType.FLOAT, rows, n);
                    Supplier<INDArray> gemm = () -> {
                        Gemm.fillRows(z, b);
                        Gemm.product(x, false, w, false, z, 1f);
                        return z;
                    };
                    // Up to 256 rows, past the MAX_ROWS served layers use, to show where the limit comes from.
                    Supplier<INDArray> dnnl = () -> packed.preOutput(x, none);
                    double[] one = medians(() -> BlasThreads.single(dnnl), () -> BlasThreads.single(gemm));
                    double[] two = medians(dnnl, gemm);
                    System.out.printf("  %3d rows: one thread oneDNN %.3f ms, OpenBLAS %.3f ms (%.2fx); "
                            + "two threads oneDNN %.3f ms, OpenBLAS %.3f ms (%.2fx)%n", rows, one[0], one[1],
                            one[1] / one[0], two[0], two[1], two[1] / two[0]);
                }
            }
        }
    }

    /**
     * Median milliseconds of {@code a} and {@code b}, in alternating blocks of {@value #BLOCK} calls: each way
     * finds the caches as its own previous call left them, as consecutive batches of a served model do, while
     * the two still share the machine's drift.
     */
    private static double[] medians(Supplier<?> a, Supplier<?> b) {
        double[] ta = new double[RUNS];
        double[] tb = new double[RUNS];
        for (int start = 0; start < RUNS; start += BLOCK) {
            time(a, ta, start);
            time(b, tb, start);
        }
        return new double[] {median(ta), median(tb)};
    }

    private static void time(Supplier<?> work, double[] into, int start) {
        for (int i = start; i < start + BLOCK; i++) {
            long t0 = System.nanoTime();
            work.get();
            into[i] = (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double median(double[] t) {
        double[] kept = Arrays.copyOfRange(t, SKIPPED, t.length);
        Arrays.sort(kept);
        return kept[kept.length / 2];
    }
}
