package io.trainyard.system;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs the Java runtime at startup and warns when it is older than the one the service ships with. The jar is Java
 * 17 bytecode and runs there, but Java 25's JIT served about 20 % more inference requests per second on the benchmark
 * machine (docs/inference.md, "Java 25"), and the engine's element-wise training loops use its Vector API; the Docker
 * image and {@code bin/trainyard} run it on 25.
 */
@Component
class JavaRuntimeCheck {

    static final int SHIPPED_FEATURE = 25;

    private static final Logger log = LoggerFactory.getLogger(JavaRuntimeCheck.class);

    JavaRuntimeCheck() {
        Runtime.Version version = Runtime.version();
        log.info("Java {} ({}, {})", version, System.getProperty("java.vendor"), System.getProperty("java.home"));
        advice(version.feature()).ifPresent(log::warn);
    }

    static Optional<String> advice(int feature) {
        if (feature >= SHIPPED_FEATURE) {
            return Optional.empty();
        }
        return Optional.of("Running on Java " + feature + ": Java " + SHIPPED_FEATURE + " served about 20 % more "
                + "prediction requests per second on the benchmark machine (docs/inference.md, \"Java 25\"), and only "
                + "there do Adam's update and ReLU's backward pass run through the Vector API, about twice as fast "
                + "(docs/performance.md). Start the "
                + "service with bin/trainyard, which picks the newest JDK under /usr/lib/jvm, or set JAVA_HOME to a JDK "
                + SHIPPED_FEATURE + "; the Docker image already runs on " + SHIPPED_FEATURE + ".");
    }
}
