package io.trainyard.engine;

import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs work with single-threaded OpenBLAS products. OpenBLAS's thread count is process-wide, so callers share one
 * reference-counted switch: the LSTM while its slices run side by side (each product must stay on its own core),
 * and inference batches while requests arrive concurrently (a second BLAS thread then only contends with the HTTP
 * threads for the cores; docs/inference.md). Other work running meanwhile gets single-threaded products for those
 * milliseconds, which costs speed, never correctness.
 *
 * <p>The switch calls {@code openblas_set_num_threads} through a function pointer looked up once. ND4J's setter
 * goes through JavaCPP's {@code blas_set_num_threads}, which runs {@code Loader.load} (resource and file lookups,
 * inside the packaged jar through Spring Boot's URL handler) and four symbol lookups on every call: 350–430 µs a
 * switch and back ({@code BlasSwitchBench}), once per inference batch on the batcher's one thread and once per
 * parallel LSTM pass (docs/performance.md, "Switching OpenBLAS's threads"). ND4J's own count
 * ({@code getMaxThreads}) is left as it was set, which is what the switch restores.
 */
public final class BlasThreads {

    private static final Setter DIRECT = lookUp();

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
            set(1);
        }
    }

    static synchronized void exit() {
        if (--active == 0) {
            set(saved);
        }
    }

    /** The thread count products use now (1 inside {@link #single}). */
    static synchronized int current() {
        return active > 0 ? 1 : Nd4j.factory().blas().getMaxThreads();
    }

    /** Whether the switch calls OpenBLAS directly (else through ND4J's setter). */
    static boolean direct() {
        return DIRECT != null;
    }

    private static void set(int threads) {
        if (DIRECT != null) {
            DIRECT.call(threads);
        } else {
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }

    private static Setter lookUp() {
        try {
            Nd4j.factory().blas(); // the backend first: it decides which OpenBLAS build is loaded
            Loader.load(openblas_nolapack.class); // as the preset's own setter does, once
            Pointer address = Loader.addressof("openblas_set_num_threads");
            return address == null || address.isNull() ? null : new Setter(address);
        } catch (RuntimeException | LinkageError e) {
            return null; // another BLAS, or another preset version: ND4J's setter still works
        }
    }

    /** {@code void openblas_set_num_threads(int)}, bound through the preset's own function-pointer type. */
    private static final class Setter extends openblas_nolapack.SetNumThreads {
        Setter(Pointer address) {
            super();
            put(address);
        }
    }
}
