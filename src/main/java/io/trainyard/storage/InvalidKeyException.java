package io.trainyard.storage;

/** A key that could escape the store or that no backend can hold. Keys are built by our code, so this is a bug. */
public class InvalidKeyException extends IllegalArgumentException {

    public InvalidKeyException(String key, String reason) {
        super("Invalid object key '" + key + "': " + reason);
    }
}
