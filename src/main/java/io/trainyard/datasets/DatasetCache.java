package io.trainyard.datasets;

import io.trainyard.storage.CorruptObjectException;
import io.trainyard.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Local copies of parsed datasets, one file per content checksum ({@code <sha256>.bin}), so a worker reads the
 * object store once per dataset rather than once per job. The folder is disposable: anything missing is
 * downloaded again and verified against its checksum before use.
 */
@Component
class DatasetCache {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final ObjectStore store;

    DatasetCache(DatasetsProperties properties, ObjectStore store) {
        this.store = store;
        try {
            this.dir = Files.createDirectories(properties.cacheDir()).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the dataset cache folder " + properties.cacheDir()
                    + " (trainyard.datasets.cache-dir)", e);
        }
    }

    /** A fresh temporary file in the cache folder, so {@link #adopt} is a rename on the same file system. */
    Path newTempFile() throws IOException {
        return Files.createTempFile(dir, ".upload-", ".part");
    }

    /** Moves a data file whose checksum is known into the cache. */
    void adopt(Path file, String sha256) throws IOException {
        move(file, path(sha256));
    }

    /** The local file holding {@code key}'s bytes, downloading and verifying them when not cached yet. */
    Path fetch(String key, long size, String sha256) throws IOException {
        Path target = path(sha256);
        if (Files.isRegularFile(target) && Files.size(target) == size) {
            return target;
        }
        Path temp = Files.createTempFile(dir, ".fetch-" + UUID.randomUUID(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.copyVerified(key, size, sha256, out);
            } catch (CorruptObjectException e) {
                throw new CorruptObjectException("Stored object " + key + " is damaged (" + e.getMessage()
                        + "): refusing to use it");
            }
            move(temp, target);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    void evict(String sha256) throws IOException {
        Files.deleteIfExists(path(sha256));
    }

    Path dir() {
        return dir;
    }

    private Path path(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("Not a SHA-256 hex digest: " + sha256);
        }
        return dir.resolve(sha256 + ".bin");
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
