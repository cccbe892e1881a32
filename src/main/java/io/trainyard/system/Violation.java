package io.trainyard.system;

/**
 * One problem with a request: where it is (an RFC 6901 JSON pointer into the request body, or the
 * name of a query parameter, header or form field) and what is allowed there.
 */
public record Violation(String pointer, String message) {

    public static Violation at(String pointer, String message) {
        return new Violation(pointer, message);
    }
}
