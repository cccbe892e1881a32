package io.trainyard.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The figures of docs/performance.md, "The first convolution's weight gradient through OpenBLAS": the product
 * {@link ConvolutionWeightGradient} ends with, for LeNet's first layer ({@code delta [20, 36864] × columnsᵀ
 * [36864, 25]}), through {@code Nd4j.gemm} (ND4J's matmul op, which this build hands to oneDNN) and through
 * {@code mmuli}, and through {@link Gemm} ({@code cblas_sgemm} directly), all on two threads as the engine runs them.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * . bin/native-env.sh; OMP_NUM_THREADS=2 java -cp "$CP" io.trainyard.engine.WeightGradientProductBench
 * </pre>
 * A benchmark, not a test: it prints the best time of 60 alternating rounds and the largest difference between the
 * two results, relative to the largest value.
 */
public final class WeightGradientProductBench {

    private WeightGradientProductBench() {
    }

    public static void main(String[] args) {
        INDArray delta = Nd4j.rand(DataType.FLOAT, 20, 36864);
        INDArray columns = Nd4j.rand(DataType.FLOAT, 25, 36864);
        INDArray viaGemm = Nd4j.create(DataType.FLOAT, 20, 25);
        INDArray viaMmul = Nd4j.create(DataType.FLOAT, 20, 25);
        INDArray viaBlas = Nd4j.create(DataType.FLOAT, 20, 25);
        double gemm = Double.MAX_VALUE;
        double mmul = Double.MAX_VALUE;
        double blas = Double.MAX_VALUE;
        for (int round = 0; round < 60; round++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(delta, columns, viaGemm, false, true, 1.0, 0.0);
            long t1 = System.nanoTime();
            delta.mmuli(columns.transpose(), viaMmul);
            long t2 = System.nanoTime();
            Gemm.product(delta, false, columns, true, viaBlas, 0f);
            long t3 = System.nanoTime();
            gemm = Math.min(gemm, (t1 - t0) / 1e6);
            mmul = Math.min(mmul, (t2 - t1) / 1e6);
            blas = Math.min(blas, (t3 - t2) / 1e6);
        }
        double difference = viaGemm.sub(viaMmul).amaxNumber().doubleValue() / viaGemm.amaxNumber().doubleValue();
        double blasDifference = viaBlas.sub(viaMmul).amaxNumber().doubleValue() / viaGemm.amaxNumber().doubleValue();
        System.out.printf("20x36864 by 36864x25: Nd4j.gemm (oneDNN) %.3f ms, mmuli %.3f ms (%.2fx), Gemm (cblas_sgemm) "
                + "%.3f ms; relative difference %.1e, %.1e%n", gemm, mmul, gemm / mmul, blas, difference, blasDifference);
    }
}
