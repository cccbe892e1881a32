package io.trainyard.engine;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The figures of docs/performance.md, "The bias before the product": the MLP benchmark's three pre-activations
 * ({@code [256, nIn] × W + b}) the way {@link Gemm#preOutput} computed them before (C zeroed, the product, then
 * ND4J's broadcast add of the bias) and the way it does now (C's rows set to the bias, then the product adds onto
 * it), alternating in one JVM on two threads as the engine runs them. Then the dense layers' weight gradients
 * ({@code xᵀ × delta} into DL4J's column-major gradient view), with C zeroed by {@code memset} as {@link Gemm} does
 * against OpenBLAS zeroing it itself ({@code beta = 0}).
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * unset OPENBLAS_CORETYPE; . bin/native-env.sh; . bin/java-env.sh
 * $TRAINYARD_JAVA $TRAINYARD_JAVA_FLAGS -cp "$CP" io.trainyard.engine.BiasBeforeProductBench
 * </pre>
 * A benchmark, not a test: it prints the median of the last 300 of 400 runs of each way.
 */
public final class BiasBeforeProductBench {

    private static final int RUNS = 400;
    private static final int SKIPPED = 100;

    private BiasBeforeProductBench() {
    }

    public static void main(String[] args) {
        NativeRuntime.configure();
        int rows = 256;
        for (int[] layer : new int[][] {{784, 1024}, {1024, 1024}, {1024, 10}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, rows, layer[0]);
            INDArray w = Nd4j.rand(DataType.FLOAT, layer[0], layer[1]).dup('f'); // DL4J's weight order
            INDArray b = Nd4j.rand(DataType.FLOAT, 1, layer[1]);
            INDArray z = Nd4j.create(DataType.FLOAT, rows, layer[1]);
            long[] before = new long[RUNS];
            long[] now = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                Gemm.product(x, false, w, false, z, 0f);
                z.addiRowVector(b);
                long t1 = System.nanoTime();
                Gemm.fillRows(z, b);
                Gemm.product(x, false, w, false, z, 1f);
                now[i] = System.nanoTime() - t1;
                before[i] = t1 - t0;
            }
            System.out.printf("%d×%d×%d: zeroed, product, bias added %.3f ms; bias, then product %.3f ms%n", rows,
                    layer[0], layer[1], median(before), median(now));
        }
        for (int[] layer : new int[][] {{784, 1024}, {1024, 1024}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, rows, layer[0]);
            INDArray delta = Nd4j.rand(DataType.FLOAT, rows, layer[1]);
            INDArray gradient = Nd4j.create(DataType.FLOAT, new long[] {layer[0], layer[1]}, 'f');
            long[] memset = new long[RUNS];
            long[] blas = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                Gemm.product(x, true, delta, false, gradient, 0f);
                long t1 = System.nanoTime();
                // Column-major C = xᵀ × delta: x (row-major) is xᵀ column-major; delta (row-major) is deltaᵀ.
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasColMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, layer[0], layer[1], rows, 1f, pointer(x), layer[0],
                        pointer(delta), layer[1], 0f, pointer(gradient), layer[0]);
                blas[i] = System.nanoTime() - t1;
                memset[i] = t1 - t0;
            }
            System.out.printf("weight gradient %d×%d (k = %d): memset, then product %.3f ms; OpenBLAS zeroing %.3f ms%n",
                    layer[0], layer[1], rows, median(memset), median(blas));
        }
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    private static double median(long[] nanos) {
        long[] kept = Arrays.copyOfRange(nanos, SKIPPED, nanos.length);
        Arrays.sort(kept);
        return kept[kept.length / 2] / 1e6;
    }
}
