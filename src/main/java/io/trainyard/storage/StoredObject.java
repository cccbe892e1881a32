package io.trainyard.storage;

/** What {@link ObjectStore#put} wrote: the key, its size in bytes and the hex SHA-256 of the bytes. */
public record StoredObject(String key, long size, String sha256) {
}
