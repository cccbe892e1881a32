package io.trainyard.spec;

import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Collects violations under a pointer prefix, with the few message shapes the spec uses everywhere. */
final class Checks {

    private final String prefix;
    private final List<Violation> violations = new ArrayList<>();

    Checks(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    List<Violation> violations() {
        return violations;
    }

    boolean ok() {
        return violations.isEmpty();
    }

    int count() {
        return violations.size();
    }

    void add(String pointer, String message) {
        violations.add(Violation.at(prefix + pointer, message));
    }

    /** Adds "is required" when null; true when present. */
    boolean required(String pointer, Object value, String hint) {
        if (value == null) {
            add(pointer, "is required" + (hint == null ? "" : "; " + hint));
            return false;
        }
        return true;
    }

    /** Null passes (optional); true when present and in range. */
    boolean range(String pointer, Integer value, long min, long max) {
        return range(pointer, value == null ? null : value.longValue(), min, max);
    }

    boolean range(String pointer, Long value, long min, long max) {
        if (value == null) {
            return false;
        }
        if (value < min || value > max) {
            add(pointer, "must be between " + min + " and " + max + "; got " + value);
            return false;
        }
        return true;
    }

    /** Null passes; bounds inclusive unless stated. */
    boolean range(String pointer, Double value, double min, boolean minInclusive, double max, boolean maxInclusive) {
        if (value == null) {
            return false;
        }
        boolean low = minInclusive ? value >= min : value > min;
        boolean high = maxInclusive ? value <= max : value < max;
        if (!low || !high || value.isNaN()) {
            add(pointer, "must be " + (minInclusive ? ">= " : "> ") + num(min) + " and "
                    + (maxInclusive ? "<= " : "< ") + num(max) + "; got " + num(value));
            return false;
        }
        return true;
    }

    void notAllowed(String pointer, Object value, String why) {
        if (value != null) {
            add(pointer, "is not allowed " + why);
        }
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String list(Collection<?> values) {
        return values.stream().map(v -> "\"" + v + "\"").reduce((a, b) -> a + ", " + b).orElse("");
    }
}
