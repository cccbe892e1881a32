package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A learning-rate schedule; it starts from the optimizer's {@code learningRate}. {@code unit} says
 * whether {@code step}, {@code period}, ... count iterations (default) or epochs. {@code warmup} ramps
 * the rate linearly from learningRate/warmup to the schedule's value over the first {@code warmup}
 * iterations, and combines with every type.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleSpec(Type type, Unit unit, Double gamma, Double power, Integer step, Integer maxIterations,
        Double maxLearningRate, Integer cycleLength, Integer annealingLength, Double annealingDecay,
        Integer period, Double minLearningRate, Integer warmup) {

    public enum Type implements SpecEnum {
        /** The learning rate itself (use with {@code warmup}). */
        CONSTANT,
        /** lr · gamma^floor(t / step). */
        STEP,
        /** lr · gamma^t. */
        EXPONENTIAL,
        /** lr / (1 + gamma·t)^power. */
        INVERSE,
        /** lr · (1 − t/maxIterations)^power. */
        POLY,
        /** One-cycle policy (DL4J CycleSchedule): up to maxLearningRate and back, then annealing. */
        CYCLE,
        /** Cosine annealing from lr to minLearningRate over {@code period}, restarting each period. */
        COSINE;

        @Override
        public String toString() {
            return json();
        }
    }

    public enum Unit implements SpecEnum {
        ITERATION, EPOCH;

        @Override
        public String toString() {
            return json();
        }
    }

    public Unit unitOrDefault() {
        return unit == null ? Unit.ITERATION : unit;
    }
}
