package io.trainyard.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Bytes behind keys: datasets, checkpoints, model artifacts. Metadata lives in the database; a row is
 * the commit marker for the object it names (DESIGN.md §5).
 *
 * <p>Keys are relative slash-separated paths of letters, digits and {@code . _ - =}; empty segments,
 * {@code .} and {@code ..} are rejected ({@link InvalidKeyException}), so a key can never leave the store.
 * {@link #put} streams: implementations never hold a whole object in memory. Writing an existing key
 * replaces it atomically: a reader sees the old bytes or the new ones, never a mix.
 */
public interface ObjectStore {

    /** Streams {@code content} to {@code key}, returning its size and SHA-256 as stored. */
    default StoredObject put(String key, InputStream content) throws IOException {
        return put(key, Checksum.Algorithm.SHA256, content);
    }

    /** Streams {@code content} to {@code key}, returning its size and checksum (by {@code algorithm}) as stored. */
    StoredObject put(String key, Checksum.Algorithm algorithm, InputStream content) throws IOException;

    /** Bytes produced by writing them: a checkpoint or an archive serialised straight into the store. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** {@link #write(String, Checksum.Algorithm, Content)} with SHA-256. */
    default StoredObject write(String key, Content content) throws IOException {
        return write(key, Checksum.Algorithm.SHA256, content);
    }

    /**
     * Stores what {@code content} writes under {@code key}, like {@link #put}. By default the bytes are spooled to a
     * temporary file and then {@link #put}; a store that writes local files takes them straight into the object,
     * without the second copy. When {@code content} fails, nothing is stored and an existing object is kept.
     */
    default StoredObject write(String key, Checksum.Algorithm algorithm, Content content) throws IOException {
        Path spool = Files.createTempFile("trainyard-object-", ".spool");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
                content.writeTo(out);
            }
            try (InputStream in = Files.newInputStream(spool)) {
                return put(key, algorithm, in);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** {@link #copyVerified(String, long, Checksum, OutputStream)} against a SHA-256. */
    default void copyVerified(String key, long expectedSize, String expectedSha256, OutputStream out)
            throws IOException {
        copyVerified(key, expectedSize, Checksum.sha256(expectedSha256), out);
    }

    /**
     * Copies the object to {@code out}, checking it against the size and checksum recorded when it was stored: the
     * one way to read bytes that will be deserialised (DESIGN.md §5). Reads at most one byte past the recorded size.
     *
     * @throws CorruptObjectException when size or checksum differ (what was copied must then be discarded)
     */
    default void copyVerified(String key, long expectedSize, Checksum expected, OutputStream out)
            throws IOException {
        Hasher hasher = expected.algorithm().hasher();
        long copied = 0;
        try (InputStream in = get(key)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; copied <= expectedSize
                    && (n = in.read(buffer, 0, (int) Math.min(buffer.length, expectedSize + 1 - copied))) > 0; ) {
                hasher.update(buffer, 0, n);
                out.write(buffer, 0, n);
                copied += n;
            }
        }
        if (copied != expectedSize) {
            throw new CorruptObjectException("size " + (copied > expectedSize ? "over " + expectedSize : copied)
                    + " bytes differs from the " + expectedSize + " recorded when '" + key + "' was stored");
        }
        String actual = hasher.hex();
        if (!actual.equals(expected.hex())) {
            throw new CorruptObjectException(hasher.algorithm() + " " + actual + " differs from the "
                    + expected.hex() + " recorded when '" + key + "' was stored");
        }
    }

    /** Opens the object for reading; the caller closes the stream. */
    InputStream get(String key) throws IOException, ObjectNotFoundException;

    /** Size and last-modified time, or empty when there is no such object. */
    Optional<ObjectInfo> head(String key) throws IOException;

    /** Deletes the object; returns false when there was none. */
    boolean delete(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, sorted by key. */
    List<ObjectInfo> list(String prefix) throws IOException;

    /** Whether the store answers at all (for the readiness probe). */
    void checkAvailable() throws IOException;

    /** A short description for logs and health details, e.g. "filesystem:/data/objects". */
    String describe();
}
