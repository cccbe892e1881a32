package io.trainyard.training;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param progressInterval       how often a running job reports progress (epoch, samples/s, ETA) between epochs
 * @param defaultValidationFraction held out for validation when the spec names no validation data (0 for none)
 * @param defaultKeepLast        checkpoints kept when the spec's policy does not say
 */
@ConfigurationProperties(prefix = "trainyard.training")
public record TrainingProperties(
        @DefaultValue("PT2S") Duration progressInterval,
        @DefaultValue("0.1") double defaultValidationFraction,
        @DefaultValue("3") int defaultKeepLast) {
}
