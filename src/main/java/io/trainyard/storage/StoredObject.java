package io.trainyard.storage;

/** What {@link ObjectStore#put} wrote: the key, its size in bytes and the checksum of the bytes. */
public record StoredObject(String key, long size, Checksum checksum) {

    /** The hex SHA-256, for objects stored with the default algorithm (datasets, model artifacts). */
    public String sha256() {
        return checksum.sha256();
    }
}
