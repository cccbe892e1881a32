package org.nd4j.nativeblas;

/**
 * Works around a DL4J 1.0.0-M2.1 bug that keeps every oneDNN layer helper off: BaseMKLDNNHelper.mklDnnEnabled()
 * looks up this class by name (its pre-M2 location; M2.1 moved it to
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu), fails, and reports oneDNN as unavailable. This stand-in
 * answers what the old class did: whether the loaded native build has oneDNN.
 * Only used by bench/run's "tuned" column; see docs/performance.md.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** True when the loaded libnd4j was built with oneDNN (its build flags name HAVE_ONEDNN). */
        public boolean isUseMKLDNN() {
            try {
                Object ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
                String flags = (String) ops.getClass().getMethod("buildInfo").invoke(ops);
                return flags != null && flags.contains("HAVE_ONEDNN");
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
    }
}
