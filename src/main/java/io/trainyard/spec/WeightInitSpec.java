package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a layer's weights start. Written either as a name ({@code "xavier"}) or, for the parameterised
 * ones, as an object ({@code {"type": "normal", "std": 0.01}}); it is written back the same way, so a
 * spec round-trips unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WeightInitSpec(Type type, Double mean, Double std, Double lower, Double upper, Double value,
        @JsonIgnore String unknownName) {

    public enum Type implements SpecEnum {
        XAVIER, XAVIER_UNIFORM, HE, HE_UNIFORM, LECUN_NORMAL, LECUN_UNIFORM, NORMAL, UNIFORM, ZERO, CONSTANT;

        @Override
        public String toString() {
            return json();
        }

        /** Zero and constant weights give every unit of a layer the same gradient: they never differentiate. */
        public boolean symmetric() {
            return this == ZERO || this == CONSTANT;
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public WeightInitSpec {
    }

    /** The string shorthand. A delegating creator of the enum type would also capture objects, so parse here. */
    @JsonCreator
    static WeightInitSpec named(String name) {
        for (Type t : Type.values()) {
            if (t.json().equals(name)) {
                return of(t);
            }
        }
        // Reported by the validator, which knows the pointer (an exception here would lose it).
        return new WeightInitSpec(null, null, null, null, null, null, name);
    }

    public static WeightInitSpec of(Type type) {
        return new WeightInitSpec(type, null, null, null, null, null, null);
    }

    @JsonValue
    Object json() {
        if (type == null) {
            return unknownName;
        }
        if (mean == null && std == null && lower == null && upper == null && value == null) {
            return type;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        putIfSet(out, "mean", mean);
        putIfSet(out, "std", std);
        putIfSet(out, "lower", lower);
        putIfSet(out, "upper", upper);
        putIfSet(out, "value", value);
        return out;
    }

    private static void putIfSet(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
