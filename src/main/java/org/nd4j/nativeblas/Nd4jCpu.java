package org.nd4j.nativeblas;

/**
 * Works around a DL4J 1.0.0-M2.1 bug that keeps every oneDNN layer helper off.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} looks up the class
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name and calls {@code getInstance().isUseMKLDNN()}. That was
 * the class's pre-M2 location; M2.1 moved it to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu}, so the
 * lookup fails, the check answers false and DL4J removes the oneDNN helper from every convolution, pooling,
 * batch-normalisation and LRN layer ("Removed helper ... as not supported"): the CNN then runs DL4J's own
 * im2col + gemm path, 2-3x slower (docs/performance.md §3).
 *
 * <p>This stand-in answers what the old class did: whether the loaded native build has oneDNN. It lives outside
 * {@code io.trainyard} because DL4J finds it by this exact name; nothing in the service calls it directly
 * ({@code io.trainyard.engine.NativeRuntime} checks that the helpers really appear). Remove it when DL4J is upgraded
 * to a release that looks the class up in its new place.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the loaded libnd4j was built with oneDNN (its build flags name HAVE_ONEDNN). */
        public boolean isUseMKLDNN() {
            try {
                String flags = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
                return flags != null && flags.contains("HAVE_ONEDNN");
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}
