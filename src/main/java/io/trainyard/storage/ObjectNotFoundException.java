package io.trainyard.storage;

import java.io.IOException;

/** The key names no object. */
public class ObjectNotFoundException extends IOException {

    public ObjectNotFoundException(String key) {
        super("No object with key '" + key + "'");
    }
}
