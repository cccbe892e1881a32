package io.trainyard.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * What the native numeric stack is actually running on: ND4J backend, BLAS vendor, the OpenBLAS
 * core type and thread counts, whether libnd4j has oneDNN and whether DL4J's oneDNN layer helpers are active.
 * These decide training speed more than any code (DESIGN.md §3, docs/performance.md), so they are logged at
 * startup, with a measured sgemm rate, and shown under /actuator/info.
 */
public record NativeRuntime(
        String backend,
        String blasVendor,
        String blasCoreType,
        double sgemmGflops,
        String ompWaitPolicy,
        String openblasThreadTimeout,
        int blasThreads,
        int ompThreads,
        int availableProcessors,
        String cpuVector,
        String nativeBuild,
        boolean onednn,
        String layerHelper,
        boolean slowFallback,
        String advice) {

    /** DL4J M2.1 creates no layer helper (oneDNN, cuDNN) unless this system property is "false"; its default is "true". */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    static {
        configure();
    }

    /**
     * The engine's DL4J defaults that live in system properties: switches DL4J's layer helpers on (so convolution,
     * pooling, batch normalisation and LRN layers use oneDNN). DL4J reads the property each time a layer is
     * instantiated, so this must run before the first network is initialised: every network the engine builds or
     * loads passes through {@link NetworkLayout}, whose class initialisation calls this. A value given on the
     * command line ({@code -Dorg.eclipse.deeplearning4j.helpers.disable=true}) wins. Idempotent.
     */
    public static void configure() {
        if (System.getProperty(HELPERS_DISABLE_PROPERTY) == null) {
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        }
    }

    public static NativeRuntime detect() {
        configure();
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
        String build = loadedNativeBuild();
        boolean onednn = hasOnednn();
        String helper = convolutionHelper();
        List<String> advice = new ArrayList<>();
        if ((requested == null || requested.isBlank()) && ("avx2".equals(vector) || "avx512".equals(vector))) {
            advice.add(blasAdviceFor(vector));
        } else {
            narrowerCoreAdvice(requested, vector).ifPresent(advice::add);
        }
        if (!onednn) {
            advice.add("The loaded libnd4j (" + build + ") has no oneDNN, so batch-normalisation and LRN layers (and "
                    + "convolutions, where oneDNN's own library did not load) run DL4J's built-in path, several times "
                    + "slower. Ship the nd4j-native "
                    + "'linux-x86_64-onednn' natives (pom.xml nd4j.classifier) and do not point "
                    + "org.bytedeco.javacpp.platform.extension at a build without oneDNN.");
        } else if (helper == null) {
            advice.add("libnd4j has oneDNN but DL4J created no oneDNN layer helper, so batch-normalisation and LRN "
                    + "layers (and convolutions, where oneDNN's own library did not load) run DL4J's slower built-in "
                    + "path. "
                    + (Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE_PROPERTY, "true"))
                            ? "Remove -D" + HELPERS_DISABLE_PROPERTY + "=true from the JVM options."
                            : "Check that the class org.nd4j.nativeblas.Nd4jCpu (the engine's stand-in) is on the "
                                    + "classpath."));
        }
        return new NativeRuntime(backend, vendor, core, measureSgemm(),
                System.getenv("OMP_WAIT_POLICY"), System.getenv("OPENBLAS_THREAD_TIMEOUT"), // null where unset
                blasThreads, ompThreads,
                Runtime.getRuntime().availableProcessors(), vector, build, onednn, helper, !advice.isEmpty(),
                String.join(" ", advice));
    }

    /** True when DL4J gives its layers oneDNN helpers (checked on a real convolution layer, not assumed). */
    public boolean layerHelpers() {
        return layerHelper != null;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("backend", backend);
        map.put("blasVendor", blasVendor);
        map.put("blasCoreType", blasCoreType);
        map.put("sgemmGflops", Math.round(sgemmGflops * 10) / 10.0);
        map.put("ompWaitPolicy", ompWaitPolicy);
        map.put("openblasThreadTimeout", openblasThreadTimeout);
        map.put("blasThreads", blasThreads);
        map.put("ompThreads", ompThreads);
        map.put("availableProcessors", availableProcessors);
        map.put("cpuVectorExtensions", cpuVector);
        map.put("nativeBuild", nativeBuild);
        map.put("onednn", onednn);
        map.put("layerHelpers", layerHelpers());
        map.put("engineOnednn", Dnnl.available());
        map.put("engineOnednnIsa", Dnnl.isa());
        map.put("engineLoops", Loops.describe());
        map.put("slowFallback", slowFallback);
        if (slowFallback) {
            map.put("advice", advice);
        }
        return map;
    }

    /** The libnd4j build JavaCPP loaded: the folder its library came from, e.g. linux-x86_64-onednn. */
    static String loadedNativeBuild() {
        try {
            String path = Loader.getLoadedLibraries().get("nd4jcpu");
            Path folder = path == null ? null : Path.of(path).getParent();
            return folder == null ? "unknown" : folder.getFileName().toString();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    /** True when the loaded libnd4j was built with oneDNN (its build information names HAVE_ONEDNN). */
    static boolean hasOnednn() {
        try {
            String info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            return info != null && info.contains("HAVE_ONEDNN");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * The helper DL4J gives a convolution layer in this JVM (e.g. MKLDNNConvHelper), or null when it runs the
     * built-in path: initialises a one-layer network, a few milliseconds.
     */
    static String convolutionHelper() {
        configure();
        try {
            return probeConvolutionHelper();
        } catch (RuntimeException e) {
            return null; // reported as "helpers off": the slow-fallback warning names what to check
        }
    }

    private static String probeConvolutionHelper() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        LayerHelper helper = net.getLayer(0).getHelper();
        return helper == null ? null : helper.getClass().getSimpleName();
    }

    /**
     * Advice when {@code OPENBLAS_CORETYPE} names a core with narrower kernels than the CPU has: a value set by
     * hand always wins over {@code bin/native-env.sh}'s choice, and a machine seen here presets {@code Haswell} on
     * an AVX-512 CPU (sgemm 100 against 137 GFLOP/s through ND4J; docs/performance.md).
     */
    static Optional<String> narrowerCoreAdvice(String requested, String vector) {
        if (requested == null || requested.isBlank()) {
            return Optional.empty();
        }
        String core = requested.trim();
        String better = bestCore(vector);
        boolean avx512Kernels = core.equalsIgnoreCase("SkylakeX") || core.equalsIgnoreCase("Cooperlake")
                || core.equalsIgnoreCase("SapphireRapids");
        boolean avx2Kernels = avx512Kernels || core.equalsIgnoreCase("Haswell") || core.equalsIgnoreCase("Zen");
        if (better == null || ("avx512".equals(vector) ? avx512Kernels : avx2Kernels)) {
            return Optional.empty();
        }
        return Optional.of("OPENBLAS_CORETYPE=" + core + " gives OpenBLAS narrower kernels than this "
                + vector.toUpperCase() + " CPU runs. Unset it (bin/trainyard then picks " + better + ") or set "
                + "OPENBLAS_CORETYPE=" + better + " before the JVM starts.");
    }

    /** The core type bin/native-env.sh picks for the CPU's widest vector extension; null below AVX2. */
    private static String bestCore(String vector) {
        return switch (vector) {
            case "avx512" -> "SkylakeX";
            case "avx2" -> "Haswell";
            default -> null;
        };
    }

    private static String blasAdviceFor(String vector) {
        String core = bestCore(vector);
        return "OpenBLAS runs a slow generic kernel on this " + vector.toUpperCase() + " CPU. Start the service with "
                + "bin/trainyard, or set OPENBLAS_CORETYPE=" + core + " (and OMP_WAIT_POLICY=PASSIVE) in the "
                + "environment before the JVM starts.";
    }

    /**
     * A 512x512 single-precision matrix product the way the engine's layers multiply ({@link Gemm}), best of five:
     * about 30 ms on a slow core, a few ms on a fast one.
     */
    private static double measureSgemm() {
        int n = 512;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Gemm.product(a, false, b, false, c, 0f);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Gemm.product(a, false, b, false, c, 0f);
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
