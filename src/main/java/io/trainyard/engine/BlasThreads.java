package io.trainyard.engine;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs work with single-threaded OpenBLAS products. OpenBLAS's thread count is process-wide, so callers share one
 * reference-counted switch: the LSTM while its slices run side by side (each product must stay on its own core),
 * and inference batches while requests arrive concurrently (a second BLAS thread then only contends with the HTTP
 * threads for the cores; docs/inference.md). Other work running meanwhile gets single-threaded products for those
 * milliseconds, which costs speed, never correctness.
 */
public final class BlasThreads {

    private static int active;
    private static int saved;

    private BlasThreads() {
    }

    /** {@code work}'s result, its matrix products computed on the calling thread alone. */
    public static <T> T single(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    static synchronized void enter() {
        if (active++ == 0) {
            saved = Nd4j.factory().blas().getMaxThreads();
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    static synchronized void exit() {
        if (--active == 0) {
            Nd4j.factory().blas().setMaxThreads(saved);
        }
    }

    /** The thread count products use now (1 inside {@link #single}). */
    static int current() {
        return Nd4j.factory().blas().getMaxThreads();
    }
}
