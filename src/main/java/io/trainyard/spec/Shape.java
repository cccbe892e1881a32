package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of one example at some point of the network, without the batch dimension.
 * {@code dims}: features {@code [size]}, image {@code [height, width, channels]}, sequence
 * {@code [features, length]} (length null when variable), tokens {@code [vocabulary, length]}.
 */
public record Shape(Kind kind, List<Integer> dims) {

    public enum Kind implements SpecEnum {
        FEATURES, IMAGE, SEQUENCE, TOKENS;

        @Override
        public String toString() {
            return json();
        }
    }

    public static Shape features(int size) {
        return new Shape(Kind.FEATURES, List.of(size));
    }

    public static Shape image(int height, int width, int channels) {
        return new Shape(Kind.IMAGE, List.of(height, width, channels));
    }

    public static Shape sequence(int features, Integer length) {
        return new Shape(Kind.SEQUENCE, Arrays.asList(features, length));
    }

    public static Shape tokens(int vocabulary, Integer length) {
        return new Shape(Kind.TOKENS, Arrays.asList(vocabulary, length));
    }

    /** Features per time step for sequences; per example otherwise (images flattened). */
    @JsonIgnore
    public long width() {
        return switch (kind) {
            case FEATURES -> dims.get(0);
            case IMAGE -> (long) dims.get(0) * dims.get(1) * dims.get(2);
            case SEQUENCE, TOKENS -> dims.get(0);
        };
    }

    /** Time steps for sequence shapes (1 when variable: estimates are per step then). */
    @JsonIgnore
    public long steps() {
        return (kind == Kind.SEQUENCE || kind == Kind.TOKENS) && dims.get(1) != null ? dims.get(1) : 1;
    }

    /** Numbers per example, for memory estimates. */
    @JsonIgnore
    public long elements() {
        return kind == Kind.TOKENS ? steps() : width() * steps();
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FEATURES -> "features[" + dims.get(0) + "]";
            case IMAGE -> "image[" + dims.get(0) + "x" + dims.get(1) + "x" + dims.get(2) + "]";
            case SEQUENCE -> "sequence[" + dims.get(0) + " features x " + length() + " steps]";
            case TOKENS -> "tokens[vocabulary " + dims.get(0) + " x " + length() + " steps]";
        };
    }

    private String length() {
        return dims.get(1) == null ? "variable" : String.valueOf(dims.get(1));
    }
}
