package io.trainyard.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** Spec enums are written in lower snake case in JSON; {@code toString} is that name, for error messages. */
interface SpecEnum {

    String name();

    @JsonValue
    default String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
