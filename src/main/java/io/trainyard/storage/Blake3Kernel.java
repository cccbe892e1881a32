package io.trainyard.storage;

import java.util.function.Supplier;

/**
 * Picks BLAKE3's chunk lanes once per JVM, like the engine's element-wise loops: {@code Blake3Lanes} (Java 25
 * classes in this jar, built on a JDK 25) where Java 25 runs with {@code jdk.incubator.vector} added and its
 * preferred int vectors have 16 lanes (AVX-512). {@code -Dtrainyard.storage.blake3-lanes=false} turns them off
 * (for comparisons); checkpoints are then checked with SHA-256 ({@link Checksum.Algorithm#forCheckpoints}).
 */
final class Blake3Kernel {

    static final String SWITCH = "trainyard.storage.blake3-lanes";
    private static final String MODULE = "jdk.incubator.vector";
    private static final int JAVA = 25;

    /** {@code lanes} null with {@code why}, or lanes and a null {@code why}. */
    record Choice(Supplier<Blake3.Lanes> lanes, String why) {

        /** What to do about SHA-256 checkpoints where adding the module would bring the lanes; else empty. */
        java.util.Optional<String> advice() {
            if (lanes != null || !(MODULE + " not added").equals(why)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("Checkpoints are checked with SHA-256: add the JVM option --add-modules="
                    + MODULE + " (bin/trainyard, the Docker image and the chart do) to check them with BLAKE3, more "
                    + "than twice as fast on CPUs with AVX-512.");
        }
    }

    private static final Choice CHOICE = choose(System.getProperty(SWITCH), Runtime.version().feature(),
            ModuleLayer.boot().findModule(MODULE).isPresent());

    private Blake3Kernel() {
    }

    /** New lanes for one hasher, or null where this JVM has none. */
    static Blake3.Lanes lanes() {
        return CHOICE.lanes() == null ? null : CHOICE.lanes().get();
    }

    static boolean available() {
        return CHOICE.lanes() != null;
    }

    /** What to do about SHA-256 checkpoints on this JVM, for the startup log; empty where nothing would help. */
    static java.util.Optional<String> advice() {
        return CHOICE.advice();
    }

    /** "16 lanes" or why there are none, for the startup log. */
    static String describe() {
        return CHOICE.why() == null ? Blake3.LANES + " lanes (Vector API)" : "none (" + CHOICE.why() + ")";
    }

    /** The lanes for this switch value ({@link #SWITCH}), Java feature version and presence of the module. */
    static Choice choose(String switchValue, int feature, boolean module) {
        if ("false".equalsIgnoreCase(switchValue)) {
            return new Choice(null, "-D" + SWITCH + "=false");
        }
        if (feature < JAVA) {
            return new Choice(null, "Java " + feature);
        }
        if (!module) {
            return new Choice(null, MODULE + " not added");
        }
        try {
            var constructor = Class.forName("io.trainyard.storage.Blake3Lanes").getDeclaredConstructor();
            constructor.newInstance(); // throws where the vectors are too narrow
            return new Choice(() -> newLanes(constructor), null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return new Choice(null, e.getCause().getMessage());
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Choice(null, "no Blake3Lanes in this build: " + e);
        }
    }

    private static Blake3.Lanes newLanes(java.lang.reflect.Constructor<?> constructor) {
        try {
            return (Blake3.Lanes) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Blake3Lanes could be made once but not again", e);
        }
    }
}
