package io.trainyard.storage;

import java.time.Instant;

/** An object's key, size in bytes and last-modified time. */
public record ObjectInfo(String key, long size, Instant lastModified) {
}
