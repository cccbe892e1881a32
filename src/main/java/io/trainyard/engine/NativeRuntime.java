package io.trainyard.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the native numeric stack is actually running on: ND4J backend, BLAS vendor, the OpenBLAS
 * core type and thread counts. The core type decides training speed more than any code
 * (DESIGN.md §3), so it is logged at startup, with a measured sgemm rate, and shown under /actuator/info.
 */
public record NativeRuntime(
        String backend,
        String blasVendor,
        String blasCoreType,
        double sgemmGflops,
        String ompWaitPolicy,
        int blasThreads,
        int ompThreads,
        int availableProcessors,
        String cpuVector,
        boolean slowFallback,
        String advice) {

    public static NativeRuntime detect() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        String vendor = String.valueOf(env.getOrDefault("blas.vendor", "unknown"));
        String requested = System.getenv("OPENBLAS_CORETYPE");
        // OpenBLAS 0.3.19's JavaCPP preset does not expose openblas_get_corename(): report what it was told to
        // use, and let a measured sgemm rate show what that is worth.
        String core = requested == null || requested.isBlank() ? "auto-detected" : requested;
        int blasThreads = intOf(env.get("blas.threads"));
        int ompThreads = intOf(env.get("omp.threads"));
        String vector = CpuFlags.best();
        boolean slow = (requested == null || requested.isBlank()) && ("avx2".equals(vector) || "avx512".equals(vector));
        String advice = slow ? adviceFor(vector) : "";
        return new NativeRuntime(backend, vendor, core, measureSgemm(),
                String.valueOf(System.getenv("OMP_WAIT_POLICY")), blasThreads, ompThreads,
                Runtime.getRuntime().availableProcessors(), vector, slow, advice);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("backend", backend);
        map.put("blasVendor", blasVendor);
        map.put("blasCoreType", blasCoreType);
        map.put("sgemmGflops", Math.round(sgemmGflops * 10) / 10.0);
        map.put("ompWaitPolicy", ompWaitPolicy);
        map.put("blasThreads", blasThreads);
        map.put("ompThreads", ompThreads);
        map.put("availableProcessors", availableProcessors);
        map.put("cpuVectorExtensions", cpuVector);
        map.put("slowFallback", slowFallback);
        if (slowFallback) {
            map.put("advice", advice);
        }
        return map;
    }

    private static String adviceFor(String vector) {
        String core = "avx512".equals(vector) ? "SkylakeX" : "Haswell";
        return "OpenBLAS runs a slow generic kernel on this " + vector.toUpperCase() + " CPU. Start the service with "
                + "bin/trainyard, or set OPENBLAS_CORETYPE=" + core + " (and OMP_WAIT_POLICY=PASSIVE) in the "
                + "environment before the JVM starts.";
    }

    /** A 512x512 single-precision matrix product, best of five: about 30 ms on a slow core, a few ms on a fast one. */
    private static double measureSgemm() {
        int n = 512;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        a.mmuli(b, c);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            a.mmuli(b, c);
            best = Math.min(best, System.nanoTime() - start);
        }
        return 2.0 * n * n * n / best;
    }

    private static int intOf(Object value) {
        try {
            return value == null ? -1 : Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
