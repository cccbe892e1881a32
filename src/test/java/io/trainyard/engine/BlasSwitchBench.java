package io.trainyard.engine;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The figures of docs/performance.md, "Switching OpenBLAS's threads": one switch to a single thread and back through
 * ND4J's setter (JavaCPP's {@code blas_set_num_threads}) against {@link BlasThreads}' direct call.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * . bin/native-env.sh; java -cp "$CP" io.trainyard.engine.BlasSwitchBench
 * </pre>
 * A benchmark, not a test: it prints microseconds per switch (there and back), best of five rounds.
 */
public final class BlasSwitchBench {

    private BlasSwitchBench() {
    }

    public static void main(String[] args) {
        var blas = Nd4j.factory().blas();
        int threads = blas.getMaxThreads();
        double viaNd4j = Double.MAX_VALUE;
        double direct = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                blas.setMaxThreads(1);
                blas.setMaxThreads(threads);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                BlasThreads.enter();
                BlasThreads.exit();
            }
            long t2 = System.nanoTime();
            viaNd4j = Math.min(viaNd4j, (t1 - t0) / 500 / 1e3);
            direct = Math.min(direct, (t2 - t1) / 500 / 1e3);
        }
        System.out.printf("one switch and back: ND4J's setter %.1f us, BlasThreads (direct: %b) %.2f us%n", viaNd4j,
                BlasThreads.direct(), direct);
    }
}
