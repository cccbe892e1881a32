package io.trainyard.spec;

import java.util.List;

/**
 * What a valid spec resolves to, computed by Trainyard itself (no DL4J involved): the layer table with
 * the output layer the task appends, and estimates for capacity planning.
 *
 * @param estimatedTrainingMemoryBytes parameters, gradients and optimizer state, plus activations and
 *                                     their gradients for one batch of {@code batchSize}; a lower bound
 *                                     that ignores DL4J workspaces' slack
 * @param bottleneckIndex              index into {@code layers} of the latent code (autoencoders), else null
 */
public record NetworkPlan(Shape input, Shape output, List<PlannedLayer> layers, long totalParameters,
        long flopsPerExample, int batchSize, long estimatedTrainingMemoryBytes, Integer bottleneckIndex) {

    /**
     * One row of the layer table. {@code index} is the position in the spec's {@code layers}; the
     * appended output layer has index {@code layers.size()} and type {@code output}.
     */
    public record PlannedLayer(int index, String name, String type, Shape outputShape, long parameters,
            long flopsPerExample) {
    }
}
