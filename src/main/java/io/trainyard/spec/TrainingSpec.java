package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * A complete, declarative description of one network and how to train it: the product's language.
 * Every field is optional at the JSON level; {@link SpecValidator} says what is missing, so that one
 * request reports all problems at once instead of the first one Jackson meets.
 *
 * @param input    the shape of one example; usually filled from the dataset ({@link #withInput})
 * @param task     what the output layer learns; appended by the engine after {@code layers}
 * @param defaults per-layer options that apply to every layer that does not set them itself
 * @param layers   the hidden layers, in order
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "A network and its training, see docs/spec.md")
public record TrainingSpec(
        InputSpec input,
        TaskSpec task,
        LayerDefaults defaults,
        List<LayerSpec> layers,
        OptimizerSpec optimizer,
        TrainingSettings training) {

    /** The spec with {@code input} set, unless the client gave one (which is then checked against it). */
    public TrainingSpec withInput(InputSpec inferred) {
        return input != null ? this : new TrainingSpec(inferred, task, defaults, layers, optimizer, training);
    }

    /** The seed that makes building deterministic: {@code training.seed}, or {@value TrainingSettings#DEFAULT_SEED}. */
    public long seedOrDefault() {
        return training == null || training.seed() == null ? TrainingSettings.DEFAULT_SEED : training.seed();
    }

    public int batchSizeOrDefault() {
        return training == null || training.batchSize() == null ? TrainingSettings.DEFAULT_BATCH_SIZE
                : training.batchSize();
    }

    public List<LayerSpec> layersOrEmpty() {
        return layers == null ? List.of() : layers;
    }

    public LayerDefaults defaultsOrEmpty() {
        return defaults == null ? LayerDefaults.NONE : defaults;
    }
}
