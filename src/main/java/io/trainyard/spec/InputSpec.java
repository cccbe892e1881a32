package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** The shape of one example, without the batch dimension. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = InputSpec.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(InputSpec.Features.class),
        @JsonSubTypes.Type(InputSpec.Image.class),
        @JsonSubTypes.Type(InputSpec.Sequence.class),
        @JsonSubTypes.Type(InputSpec.Tokens.class)})
public sealed interface InputSpec {

    /** A flat vector of {@code size} numbers. */
    @JsonTypeName("features")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Features(Integer size) implements InputSpec {
    }

    /** An image, channels last in the spec's vocabulary (the engine feeds DL4J channels first). */
    @JsonTypeName("image")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Image(Integer height, Integer width, Integer channels) implements InputSpec {
    }

    /** A sequence of {@code features}-wide vectors; {@code length} null means variable length. */
    @JsonTypeName("sequence")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Sequence(Integer features, Integer length) implements InputSpec {
    }

    /** A sequence of integer token ids in {@code [0, vocabulary)}; needs an {@code embedding} layer first. */
    @JsonTypeName("tokens")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Tokens(Integer vocabulary, Integer length) implements InputSpec {
    }

    /** A missing or unknown {@code type}: kept so the validator can name the allowed ones with a pointer. */
    record Unknown() implements InputSpec {
    }
}
