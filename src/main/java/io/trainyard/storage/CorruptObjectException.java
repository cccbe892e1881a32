package io.trainyard.storage;

import java.io.IOException;

/** The stored bytes no longer match the size or SHA-256 recorded when they were written. */
public class CorruptObjectException extends IOException {

    public CorruptObjectException(String message) {
        super(message);
    }
}
