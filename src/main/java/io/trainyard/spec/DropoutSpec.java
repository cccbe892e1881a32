package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dropout applied to a layer's input while training. {@code rate} is the fraction of inputs dropped
 * (Keras' convention; DL4J's own {@code Dropout(p)} takes the fraction kept, the engine converts).
 * A bare number is shorthand for standard dropout at that rate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DropoutSpec(Type type, Double rate) {

    public enum Type implements SpecEnum {
        STANDARD, GAUSSIAN, ALPHA;

        @Override
        public String toString() {
            return json();
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public DropoutSpec {
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static DropoutSpec standard(double rate) {
        return new DropoutSpec(null, rate);
    }

    public Type typeOrDefault() {
        return type == null ? Type.STANDARD : type;
    }

    @JsonValue
    Object json() {
        if (type == null) {
            return rate;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", type);
        if (rate != null) {
            out.put("rate", rate);
        }
        return out;
    }
}
