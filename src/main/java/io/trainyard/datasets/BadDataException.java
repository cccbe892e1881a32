package io.trainyard.datasets;

/**
 * The uploaded data is wrong in a way its owner can fix. {@code field} is the form field at fault
 * ({@code file}, {@code images}, {@code label}, ...); the upload answers 400 with it as the pointer.
 */
final class BadDataException extends RuntimeException {

    private final String field;

    BadDataException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
