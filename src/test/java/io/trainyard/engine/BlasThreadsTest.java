package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The process-wide single-threaded BLAS switch: shared by nested and concurrent users, always restored. */
class BlasThreadsTest {

    @Test
    void theSwitchCallsOpenBlasDirectly() {
        // Else every switch would pay JavaCPP's Loader.load through ND4J's setter (BlasSwitchBench).
        assertThat(BlasThreads.direct()).isTrue();
    }

    @Test
    void productsInsideTheSwitchEqualProductsOutsideIt() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 300, 500);
        INDArray b = Nd4j.rand(DataType.FLOAT, 500, 200);
        INDArray outside = a.mmul(b);
        INDArray inside = BlasThreads.single(() -> a.mmul(b));
        assertThat(inside.equalsWithEps(outside, 1e-3)).isTrue();
        assertThat(outside.sumNumber().doubleValue()).isPositive();
    }

    @Test
    void singleRunsOnOneThreadAndRestoresTheCountAfterNestingAndFailures() {
        int before = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(2);
        try {
            int inner = BlasThreads.single(() -> {
                int nested = BlasThreads.single(BlasThreads::current);
                // the nested exit must not restore the count while the outer call still runs
                return nested * 10 + BlasThreads.current();
            });
            assertThat(inner).isEqualTo(11);
            assertThat(BlasThreads.current()).isEqualTo(2);
            assertThatThrownBy(() -> BlasThreads.single(() -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(BlasThreads.current()).isEqualTo(2);
        } finally {
            Nd4j.factory().blas().setMaxThreads(before);
        }
    }
}
