package io.trainyard.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.presets.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * oneDNN's own library (JavaCPP's {@code org.bytedeco:dnnl} preset), which {@link DnnlConvolution},
 * {@link DnnlPooling} and {@link DnnlServingProduct} call: its CPU engine, whether it loaded, the instruction set its
 * kernels use, and the calling thread's OpenMP thread count, which is the number of threads its primitives run on.
 */
final class Dnnl {

    private static final Logger log = LoggerFactory.getLogger(Dnnl.class);
    /** Why the library did not load, or null when it did. */
    private static String loadFailure;
    static final engine ENGINE = cpuEngine();
    private static final SetThreads SET_THREADS = ENGINE == null ? null : lookUpSetThreads();

    private Dnnl() {
    }

    /** Whether the library loaded on this machine. */
    static boolean available() {
        return ENGINE != null;
    }

    /** Why the library did not load ({@link #available} false), for the startup warning. */
    static String loadFailure() {
        return loadFailure;
    }

    /**
     * Whether oneDNN runs AVX-512 kernels here (the CPU has them, and {@code ONEDNN_MAX_CPU_ISA} does not rule them
     * out). Some primitives are only faster than the engine's own code with them.
     */
    static boolean avx512() {
        int avx512 = dnnl.cpu_isa.avx512_core.value;
        return ENGINE != null && (dnnl.dnnl_get_effective_cpu_isa() & avx512) == avx512;
    }

    /**
     * The instruction set oneDNN's kernels use here ("avx512_core_bf16", "avx2", …), or "none" where the library did
     * not load; for the startup log and /actuator/info.
     */
    static String isa() {
        if (ENGINE == null) {
            return "none";
        }
        int effective = dnnl.dnnl_get_effective_cpu_isa();
        for (dnnl.cpu_isa isa : dnnl.cpu_isa.values()) {
            if (isa.value == effective) {
                return isa.name();
            }
        }
        return "0x" + Integer.toHexString(effective);
    }

    /** An INDArray's first element, for oneDNN (a view's buffer starts at the view's first element). */
    static Pointer address(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    /**
     * Sets how many threads the calling thread's next primitives run on. OpenMP keeps this count per thread
     * ({@code omp_set_num_threads}), so it changes nothing for other threads. Nothing where the setter was not found.
     */
    static void threads(int count) {
        if (SET_THREADS != null) {
            SET_THREADS.call(count);
        }
    }

    /**
     * Gives the calling thread's next primitives as many threads as OpenBLAS's products get now: one inside
     * {@link BlasThreads#single} (a served batch with company, the LSTM's slices), else all. Without it a thread
     * keeps whatever count it last set, so a served CNN's convolutions would follow its dense layers' last call.
     */
    static void matchBlasThreads() {
        threads(BlasThreads.current());
    }

    private static engine cpuEngine() {
        try {
            return new engine(engine.kind.cpu, 0);
        } catch (RuntimeException | LinkageError e) {
            loadFailure = e.toString(); // reported once, at startup (NativeRuntimeReporter)
            log.debug("oneDNN's own library did not load", e);
            return null;
        }
    }

    private static SetThreads lookUpSetThreads() {
        try {
            Pointer address = Loader.addressof("omp_set_num_threads");
            return address == null || address.isNull() ? null : new SetThreads(address);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Native objects made together (one plan's primitives, memories and argument maps), closed together, the last
     * made first. JavaCPP's {@code PointerScope} would attach every pointer the thread allocates while it is open,
     * so a plan that lives on cannot use one.
     */
    static class Owned implements AutoCloseable {
        private final List<Pointer> pointers = new ArrayList<>();

        /** {@code p}, to be closed with this. */
        final <P extends Pointer> P own(P p) {
            pointers.add(p);
            return p;
        }

        @Override
        public void close() {
            for (int i = pointers.size() - 1; i >= 0; i--) {
                pointers.get(i).close();
            }
            pointers.clear();
        }
    }

    /**
     * Plans for the last {@code capacity} keys (shapes), the least recently used closed when another is made. A null
     * plan (a shape oneDNN is not used for) is remembered like any other. A layer's plans also hold the plan of its
     * last training forward pass, which its backward pass reads ({@link #pend}): a new pass forgets it, so eviction
     * never closes a plan a backward pass is still to use.
     */
    static final class Plans<K, P extends Owned> implements AutoCloseable {
        private final int capacity;
        private final Map<K, P> plans = new LinkedHashMap<>(16, 0.75f, true);
        private P pending;

        Plans(int capacity) {
            this.capacity = capacity;
        }

        /** The plan for {@code key}, made by {@code make} if it is not kept. */
        P get(K key, Supplier<P> make) {
            if (plans.containsKey(key)) {
                return plans.get(key); // access order: now the most recently used
            }
            if (plans.size() >= capacity) {
                K eldest = plans.keySet().iterator().next();
                P old = plans.remove(eldest);
                if (old != null) {
                    old.close();
                }
            }
            P plan = make.get();
            plans.put(key, plan);
            return plan;
        }

        /** How many plans are kept. */
        int size() {
            return plans.size();
        }

        /** The plan for a forward pass: forgets the pending one first, since making this one may close it. */
        P forPass(K key, Supplier<P> make) {
            pending = null;
            return get(key, make);
        }

        /** Keeps {@code plan}, which just ran a training forward pass, for the backward pass. */
        void pend(P plan) {
            pending = plan;
        }

        /** The plan of the last training forward pass, null when no backward pass is to follow. */
        P pending() {
            return pending;
        }

        /** The pending plan for the backward pass, forgotten here; oneDNN's threads matched to OpenBLAS's. */
        P takePending() {
            P plan = pending;
            pending = null;
            matchBlasThreads();
            return plan;
        }

        /** No backward pass follows (the layer was cleared). */
        void forget() {
            pending = null;
        }

        @Override
        public void close() {
            pending = null;
            plans.values().forEach(p -> {
                if (p != null) {
                    p.close();
                }
            });
            plans.clear();
        }
    }

    /** {@code void omp_set_num_threads(int)}, bound through a preset's function-pointer type of that signature. */
    private static final class SetThreads extends openblas_nolapack.SetNumThreads {
        SetThreads(Pointer address) {
            super();
            put(address);
        }
    }
}
