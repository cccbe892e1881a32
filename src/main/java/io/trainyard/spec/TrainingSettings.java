package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;

/**
 * How long and on what to train. The training module reads these; the engine only uses the seed.
 *
 * @param seed fixes initial parameters, dropout masks and the per-epoch shuffle
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSettings(Integer epochs, Integer batchSize, Long seed, ValidationSplit validation,
        EarlyStopping earlyStopping, CheckpointPolicy checkpoints) {

    public static final int DEFAULT_EPOCHS = 10;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final long DEFAULT_SEED = 42;

    /** Exactly one of: a {@code fraction} of the training dataset held out, or another {@code dataset}'s id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ValidationSplit(Double fraction, String dataset) {
    }

    /**
     * Stop when {@code metric} has not improved by {@code minDelta} for {@code patience} epochs, or when
     * {@code maxRuntime} has passed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EarlyStopping(Metric metric, Mode mode, Integer patience, Double minDelta, Duration maxRuntime) {

        public enum Metric implements SpecEnum {
            LOSS, VALIDATION_LOSS, ACCURACY, VALIDATION_ACCURACY;

            @Override
            public String toString() {
                return json();
            }

            public Mode naturalMode() {
                return name().endsWith("ACCURACY") ? Mode.MAX : Mode.MIN;
            }
        }

        public enum Mode implements SpecEnum {
            MIN, MAX;

            @Override
            public String toString() {
                return json();
            }
        }
    }

    /**
     * Save a checkpoint every {@code everyEpochs} epochs and/or every {@code every}; keep the newest
     * {@code keepLast} and, with {@code keepBest}, also the best by the early-stopping metric (or loss).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CheckpointPolicy(Integer everyEpochs, Duration every, Integer keepLast, Boolean keepBest) {
    }
}
