package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The shape of one example, without the example axis.
 *
 * <ul>
 *   <li>{@code features}: {@code [F]}, a flat vector; {@code featureNames} names each entry for CSV data;</li>
 *   <li>{@code image}: {@code [C, H, W]}, channels first; a single-channel upload of {@code [N, H, W]}
 *       becomes {@code [1, H, W]};</li>
 *   <li>{@code sequence}: {@code [T, F]}, time steps then features per step; padded steps are marked by the
 *       dataset's mask.</li>
 * </ul>
 *
 * @param featureNames column names for CSV data, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputShape(Kind kind, List<Integer> shape, List<String> featureNames) {

    public enum Kind {
        @JsonProperty("features") FEATURES,
        @JsonProperty("image") IMAGE,
        @JsonProperty("sequence") SEQUENCE
    }

    public InputShape {
        shape = List.copyOf(shape);
        featureNames = featureNames == null ? null : List.copyOf(featureNames);
    }

    static InputShape of(Kind kind, int... dims) {
        return new InputShape(kind, java.util.Arrays.stream(dims).boxed().toList(), null);
    }

    /** The number of values in one example. */
    public int size() {
        int size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        return size;
    }

    public int[] dims() {
        return shape.stream().mapToInt(Integer::intValue).toArray();
    }
}
