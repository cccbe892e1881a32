package io.trainyard.engine;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing with warm restarts (SGDR), which DL4J 1.0.0-M2.1 lacks. Serialised by DL4J's own
 * (shaded) Jackson with the class name, so it round-trips through ModelSerializer.
 */
public class CosineSchedule implements ISchedule {

    private final ScheduleType scheduleType;
    private final double initialValue;
    private final double minValue;
    private final int period;

    @JsonCreator
    public CosineSchedule(@JsonProperty("scheduleType") ScheduleType scheduleType,
            @JsonProperty("initialValue") double initialValue, @JsonProperty("minValue") double minValue,
            @JsonProperty("period") int period) {
        this.scheduleType = scheduleType;
        this.initialValue = initialValue;
        this.minValue = minValue;
        this.period = period;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        int t = (scheduleType == ScheduleType.ITERATION ? iteration : epoch) % period;
        return minValue + 0.5 * (initialValue - minValue) * (1 + Math.cos(Math.PI * t / period));
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(scheduleType, initialValue, minValue, period);
    }

    @JsonProperty("scheduleType")
    public ScheduleType getScheduleType() {
        return scheduleType;
    }

    @JsonProperty("initialValue")
    public double getInitialValue() {
        return initialValue;
    }

    @JsonProperty("minValue")
    public double getMinValue() {
        return minValue;
    }

    @JsonProperty("period")
    public int getPeriod() {
        return period;
    }

    // DL4J groups parameters into updater blocks by comparing updater configurations: equal schedules must be equal.
    @Override
    public boolean equals(Object other) {
        return other instanceof CosineSchedule o && scheduleType == o.scheduleType && initialValue == o.initialValue && minValue == o.minValue && period == o.period;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(scheduleType, initialValue, minValue, period);
    }
}
