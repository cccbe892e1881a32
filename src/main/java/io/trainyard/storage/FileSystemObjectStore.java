package io.trainyard.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects as files under one root folder. A put writes a temporary file in the same folder, forces it
 * to disk and renames it over the target, so a crash leaves either the old object or the new one.
 */
public class FileSystemObjectStore implements ObjectStore {

    /** Temporary files carry this suffix; listings skip them. */
    private static final String TEMP_SUFFIX = ".part";
    private static final int BUFFER = 1 << 20;

    private final Path root;
    /** The block size for writes past the page cache, or 0 where the file system does not take them. */
    private final int directBlock;

    public FileSystemObjectStore(Path root) throws IOException {
        this(root, true);
    }

    /** {@code directWrites}: past the page cache where the file system takes it; false always buffers. */
    public FileSystemObjectStore(Path root, boolean directWrites) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.directBlock = directWrites ? DirectFileOutputStream.blockSizeIn(this.root, TEMP_SUFFIX) : 0;
    }

    @Override
    public StoredObject put(String key, Checksum.Algorithm algorithm, InputStream content) throws IOException {
        return write(key, algorithm, content::transferTo);
    }

    /** Written straight into the temporary file that becomes the object: no spool, no second copy. */
    @Override
    public StoredObject write(String key, Checksum.Algorithm algorithm, Content content) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        Hasher hasher = algorithm.hasher();
        long size;
        try {
            try (OutputStream out = new HashingOutputStream(open(temp), hasher)) {
                content.writeTo(out);
            }
            size = Files.size(temp);
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return new StoredObject(key, size, new Checksum(algorithm, hasher.hex()));
    }

    /**
     * Buffered either way: a zip writer hands over 512-byte pieces, one system call each without a buffer (43,000
     * for a 22 MB checkpoint, most of the background writer's CPU). Past the page cache where the file system allows.
     */
    private OutputStream open(Path temp) throws IOException {
        if (directBlock > 0) {
            return DirectFileOutputStream.create(temp, directBlock, BUFFER);
        }
        return new BufferedOutputStream(Files.newOutputStream(temp), BUFFER);
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
        Path path = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Path path = resolve(key);
        if (Files.isDirectory(path)) {
            return false;
        }
        boolean deleted = Files.deleteIfExists(path);
        pruneEmptyParents(path.getParent());
        return deleted;
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String checked = ObjectKeys.checkPrefix(prefix);
        // Walk only the deepest folder the prefix names in full; filter the rest by string prefix.
        int slash = checked.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(checked.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<ObjectInfo> result = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(checked) && !file.getFileName().toString().endsWith(TEMP_SUFFIX)) {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    result.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        }
        result.sort(Comparator.comparing(ObjectInfo::key));
        return result;
    }

    @Override
    public void checkAvailable() throws IOException {
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new IOException("Object store folder " + root + " is missing or not writable");
        }
    }

    @Override
    public String describe() {
        return "filesystem:" + root + (directBlock > 0 ? " (writes past the page cache, in blocks of " + directBlock
                + " bytes)" : " (writes through the page cache)");
    }

    private Path resolve(String key) {
        Path path = root.resolve(ObjectKeys.check(key)).normalize();
        // ObjectKeys already forbids '..'; this second check guards against anything it missed.
        if (!path.startsWith(root) || path.equals(root)) {
            throw new InvalidKeyException(key, "resolves outside the store");
        }
        return path;
    }

    private void pruneEmptyParents(Path dir) {
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try {
                Files.delete(dir);
            } catch (IOException notEmptyOrGone) {
                return;
            }
            dir = dir.getParent();
        }
    }
}
