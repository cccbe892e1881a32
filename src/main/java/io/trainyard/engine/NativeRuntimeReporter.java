package io.trainyard.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * Logs the native runtime once at startup, warns on a slow fallback (generic BLAS kernel, libnd4j without oneDNN,
 * DL4J layer helpers off), and adds it to /actuator/info.
 */
@Component
class NativeRuntimeReporter implements InfoContributor {

    private static final Logger log = LoggerFactory.getLogger(NativeRuntimeReporter.class);

    private final NativeRuntime runtime;

    NativeRuntimeReporter() {
        // DL4J's memory crash dumps use oshi 3.4, which does not work with the JNA 5 the rest of the stack needs.
        org.deeplearning4j.util.CrashReportingUtil.crashDumpsEnabled(false);
        this.runtime = NativeRuntime.detect();
        log.info("ND4J backend {} with BLAS {} (core {}, sgemm {} GFLOP/s), {} BLAS threads, {} OpenMP threads, "
                        + "{} CPUs ({}), OMP_WAIT_POLICY={}, OPENBLAS_THREAD_TIMEOUT={}; libnd4j {} (oneDNN {}), "
                        + "DL4J layer helpers {}; the engine's own oneDNN: {}; element-wise loops: {}",
                runtime.backend(), runtime.blasVendor(), runtime.blasCoreType(),
                String.format("%.1f", runtime.sgemmGflops()), runtime.blasThreads(), runtime.ompThreads(),
                runtime.availableProcessors(), runtime.cpuVector(), unsetIfNull(runtime.ompWaitPolicy()),
                unsetIfNull(runtime.openblasThreadTimeout()), runtime.nativeBuild(), runtime.onednn() ? "yes" : "no",
                runtime.layerHelpers() ? "on (" + runtime.layerHelper() + ")" : "off", Dnnl.isa(), Loops.describe());
        Loops.advice().ifPresent(log::warn);
        if (runtime.slowFallback()) {
            log.warn(runtime.advice());
        }
        if (!Dnnl.available()) {
            log.warn("oneDNN's own library (org.bytedeco:dnnl) did not load ({}): convolution layers go through "
                    + "libnd4j's oneDNN helper, which reorders arrays on every call (LeNet training about 10 % slower). "
                    + "Ship the dnnl and opencl natives for linux-x86_64 (pom.xml) with the service.",
                    Dnnl.loadFailure());
        }
        if (!BlasThreads.direct()) {
            log.warn("openblas_set_num_threads was not found: OpenBLAS's thread count is switched through ND4J's "
                    + "setter, which reloads the library on every call (~0.4 ms); LSTM training and batched inference "
                    + "run slower. Use the OpenBLAS build from pom.xml.");
        }
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("native", runtime.asMap());
    }

    private static String unsetIfNull(String value) {
        return value == null ? "(unset)" : value;
    }
}
