package io.trainyard.engine;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Linear warm-up over the first {@code iterations} iterations, then {@code base}. Replaces DL4J's
 * RampSchedule, which 1.0.0-M2.1 can serialise but not deserialise (it has no Jackson creator), so a
 * saved network with warm-up could not be loaded again.
 */
public class WarmupSchedule implements ISchedule {

    private final ISchedule base;
    private final int iterations;

    @JsonCreator
    public WarmupSchedule(@JsonProperty("base") ISchedule base, @JsonProperty("iterations") int iterations) {
        this.base = base;
        this.iterations = iterations;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double value = base.valueAt(iteration, epoch);
        return iteration >= iterations ? value : value * (iteration + 1) / iterations;
    }

    @Override
    public ISchedule clone() {
        return new WarmupSchedule(base.clone(), iterations);
    }

    @JsonProperty("base")
    public ISchedule getBase() {
        return base;
    }

    @JsonProperty("iterations")
    public int getIterations() {
        return iterations;
    }

    // DL4J groups parameters into updater blocks by comparing updater configurations: equal schedules must be equal.
    @Override
    public boolean equals(Object other) {
        return other instanceof WarmupSchedule o && iterations == o.iterations && base.equals(o.base);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, iterations);
    }
}
