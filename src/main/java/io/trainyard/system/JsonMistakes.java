package io.trainyard.system;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What a Jackson reading error says about the document, in the user's terms: the field as a JSON pointer and what
 * is allowed there. Used for request bodies ({@link ProblemHandler}) and for documents read inside one (a job's
 * spec), so both answer the same mistake with the same words.
 */
public final class JsonMistakes {

    private JsonMistakes() {
    }

    /** @param detail the sentence for a problem's {@code detail} */
    public record Mistake(Violation violation, String detail) {
    }

    /**
     * The mistake {@code error} (or an exception it wraps) reports, pointers under {@code prefix}; null when no
     * Jackson exception is among its causes.
     */
    public static Mistake of(Throwable error, String prefix) {
        // The Jackson exception carries the path; its own cause (a DateTimeParseException, an exception thrown in
        // a record constructor) may carry the better message.
        Throwable innermost = error;
        JacksonException cause = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JacksonException j) {
                cause = j;
            }
            innermost = t;
        }
        if (cause == null) {
            return null;
        }
        String at = prefix + Problems.pointer(cause);
        if (cause instanceof UnrecognizedPropertyException u) {
            String allowed = u.getKnownPropertyIds() == null ? "" : "; allowed: " + sorted(u.getKnownPropertyIds());
            return new Mistake(Violation.at(at, "unknown field '" + u.getPropertyName() + "'" + allowed),
                    "Unknown field '" + u.getPropertyName() + "' at " + at + ".");
        }
        if (cause instanceof InvalidFormatException f) {
            String expected = describe(f.getTargetType());
            return new Mistake(Violation.at(at, "must be " + expected + "; got " + quoted(f.getValue())),
                    "Wrong value at " + at + ": must be " + expected + ".");
        }
        if (cause instanceof InvalidNullException) {
            return new Mistake(Violation.at(at, "must not be null"), "Missing value at " + at + ".");
        }
        if (cause instanceof MismatchedInputException m) {
            String expected = m.getTargetType() == null ? "a different JSON type" : describe(m.getTargetType());
            return new Mistake(Violation.at(at, "must be " + expected),
                    "Wrong JSON type at " + at + ": must be " + expected + ".");
        }
        if (cause instanceof InputCoercionException c) {
            return new Mistake(Violation.at(at, "must be " + range(c.getTargetType())),
                    "Number out of range at " + at + ": " + c.getOriginalMessage() + ".");
        }
        if (cause instanceof StreamReadException r) {
            String where = r.getLocation() == null ? ""
                    : " at line " + r.getLocation().getLineNr() + ", column " + r.getLocation().getColumnNr();
            return new Mistake(Violation.at(prefix, "malformed JSON" + where + ": " + r.getOriginalMessage()),
                    "The body is not valid JSON" + where + ". Send a well-formed JSON document.");
        }
        String message = innermost != cause && innermost.getMessage() != null ? innermost.getMessage()
                : cause.getOriginalMessage();
        return new Mistake(Violation.at(at, message), "The body could not be read at " + at + ": " + message);
    }

    private static String range(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (type == Long.class || type == long.class) {
            return "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        return type == null ? "a smaller number" : describe(type);
    }

    /** "an integer", "one of [red, green]", "a UUID" ...: what a value of {@code type} looks like in JSON. */
    static String describe(Class<?> type) {
        if (type.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : type.getEnumConstants()) {
                names.add(c.toString());
            }
            return "one of " + names;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == java.time.Duration.class) {
            return "an ISO-8601 duration such as PT30S";
        }
        return "an object";
    }

    private static String quoted(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }

    static String sorted(java.util.Collection<?> values) {
        return values.stream().map(String::valueOf).sorted().toList().toString();
    }
}
