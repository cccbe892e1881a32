package io.trainyard.spec;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Operator-set ceilings on what one spec may ask for; exceeding one answers 422 naming the property.
 *
 * @param maxParameters total trainable parameters (default 50,000,000)
 * @param maxLayers     layers in {@code layers}, output layer excluded (default 64)
 * @param maxEpochs     {@code training.epochs} (default 10,000)
 * @param maxBatchSize  {@code training.batchSize} (default 8,192)
 */
@ConfigurationProperties(prefix = "trainyard.spec")
public record SpecLimits(@DefaultValue("50000000") long maxParameters, @DefaultValue("64") int maxLayers,
        @DefaultValue("10000") int maxEpochs, @DefaultValue("8192") int maxBatchSize) {

    public static SpecLimits defaults() {
        return new SpecLimits(50_000_000L, 64, 10_000, 8192);
    }
}
