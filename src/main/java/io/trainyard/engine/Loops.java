package io.trainyard.engine;

import java.util.Optional;

/**
 * Picks the {@link ElementwiseLoops} once per JVM: the Vector API's where Java 25 runs with
 * {@code jdk.incubator.vector} added and the jar has {@code VectorLoops} (built on a JDK 25), the chunked copies
 * otherwise. {@code -Dtrainyard.engine.vector-loops=false} forces the chunked ones (for comparisons).
 */
final class Loops {

    static final String SWITCH = "trainyard.engine.vector-loops";
    private static final String MODULE = "jdk.incubator.vector";
    private static final int JAVA = 25;

    private static final Choice CHOICE = choose(System.getProperty(SWITCH), Runtime.version().feature(),
            ModuleLayer.boot().findModule(MODULE).isPresent());

    private Loops() {
    }

    /** The loops the training step runs. */
    static ElementwiseLoops get() {
        return CHOICE.loops();
    }

    /** "vector" or "chunked (why)", for the startup log and /actuator/info. */
    static String describe() {
        return CHOICE.why() == null ? "vector" : "chunked (" + CHOICE.why() + ")";
    }

    /** What to do about chunked loops on a Java that could run the faster ones; empty where they run or cannot. */
    static Optional<String> advice() {
        return Optional.ofNullable(CHOICE.advice());
    }

    /** {@code why} is null for the vector loops; {@code advice} is null too where adding the module would not help. */
    record Choice(ElementwiseLoops loops, String why, String advice) {
    }

    /** The loops for this switch value ({@link #SWITCH}), Java feature version and presence of the module. */
    static Choice choose(String switchValue, int feature, boolean module) {
        if ("false".equalsIgnoreCase(switchValue)) {
            return new Choice(new ChunkedLoops(), "-D" + SWITCH + "=false", null);
        }
        if (feature < JAVA) {
            // The service's Java check (system.JavaRuntimeCheck) already warns about the older Java.
            return new Choice(new ChunkedLoops(), "Java " + feature + "; the Vector API's loops need Java " + JAVA,
                    null);
        }
        if (!module) {
            return new Choice(new ChunkedLoops(), MODULE + " not added",
                    "Add the JVM option --add-modules=" + MODULE + " (bin/trainyard, the Docker image and the chart "
                            + "do): Adam's update and ReLU's backward pass run about twice as fast through it.");
        }
        try {
            Object loops = Class.forName("io.trainyard.engine.VectorLoops").getDeclaredConstructor().newInstance();
            return new Choice((ElementwiseLoops) loops, null, null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Choice(new ChunkedLoops(), "no VectorLoops in this build: " + e,
                    "This jar was built without the Vector API's loops (build it on JDK " + JAVA + " or later: "
                            + "./mvnw package picks one under /usr/lib/jvm).");
        }
    }
}
