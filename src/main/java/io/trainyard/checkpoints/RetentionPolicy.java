package io.trainyard.checkpoints;

/**
 * Which checkpoints of a job survive: the newest {@code keepLast}, plus the {@code keepBest} best by
 * {@code metric} ({@code mode} "min" for losses, "max" for accuracies). A checkpoint without the metric never
 * counts as best.
 */
public record RetentionPolicy(int keepLast, int keepBest, String metric, Mode mode) {

    public enum Mode { min, max }

    public RetentionPolicy {
        if (keepLast < 1) {
            // The newest checkpoint is what a crashed job resumes from; never delete it.
            throw new IllegalArgumentException("keepLast must be at least 1");
        }
        if (keepBest < 0) {
            throw new IllegalArgumentException("keepBest must not be negative");
        }
    }
}
