package io.trainyard.training;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param progressInterval       how often a running job reports progress (epoch, samples/s, ETA) between epochs
 * @param defaultValidationFraction held out for validation when the spec names no validation data (0 for none)
 * @param defaultKeepLast        checkpoints kept when the spec's policy does not say
 * @param warmUp                 train three small networks for a few seconds once the service is ready (where it has
 *                               workers), so that the JIT has compiled the training step before the first job
 * @param compilerThreadsNice    nice value the JIT compiler threads get when a job starts (Linux; 0, the default,
 *                               leaves them as the JVM started them), so that compiling the service's colder paths
 *                               yields to training; off by default until measurements show it pays
 *                               (docs/performance.md, "Zen 5 in a PVM guest (third)")
 */
@ConfigurationProperties(prefix = "trainyard.training")
public record TrainingProperties(
        @DefaultValue("PT2S") Duration progressInterval,
        @DefaultValue("0.1") double defaultValidationFraction,
        @DefaultValue("3") int defaultKeepLast,
        @DefaultValue("true") boolean warmUp,
        @DefaultValue("0") int compilerThreadsNice) {

    public TrainingProperties {
        if (compilerThreadsNice < 0 || compilerThreadsNice > 19) {
            // Below 0 would raise the compilers above training (and needs a privilege); Linux stops at 19.
            throw new IllegalArgumentException("trainyard.training.compiler-threads-nice must be 0 (leave the JIT "
                    + "compiler threads as they are) to 19, not " + compilerThreadsNice);
        }
    }
}
