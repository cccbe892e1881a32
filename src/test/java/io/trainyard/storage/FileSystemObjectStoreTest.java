package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemObjectStoreTest extends ObjectStoreContract {

    @TempDir
    Path root;

    private FileSystemObjectStore store;

    @BeforeEach
    void open() throws Exception {
        store = new FileSystemObjectStore(root.resolve("objects"));
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    /** The mode shows in the startup log line; switched off, objects always go through the page cache. */
    @Test
    void describesWhetherItWritesPastThePageCache() throws Exception {
        boolean takesDirect = DirectFileOutputStream.blockSizeIn(root, ".part") > 0;
        assertThat(store.describe()).contains(takesDirect ? "past the page cache" : "through the page cache");
        FileSystemObjectStore buffered = new FileSystemObjectStore(root.resolve("buffered"), false);
        assertThat(buffered.describe()).contains("through the page cache");
        buffered.put("k", stream("through"));
        try (var in = buffered.get("k")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("through");
        }
    }

    @Test
    void aFailedPutLeavesNeitherTheTargetNorATemporaryFile() throws Exception {
        store.put("k/v", stream("old"));
        java.io.InputStream failing = new java.io.InputStream() {
            private int left = 10_000;

            @Override
            public int read() throws java.io.IOException {
                if (left <= 0) {
                    throw new java.io.IOException("client went away");
                }
                left--;
                return 'x';
            }
        };

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.put("k/v", failing))
                .hasMessageContaining("client went away");

        try (var in = store.get("k/v")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("old");
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).containsExactly(root.resolve("objects/k/v"));
        }
    }

    @Test
    void deletingTheLastObjectOfAFolderRemovesTheEmptyFolders() throws Exception {
        store.put("a/b/c", stream("x"));

        store.delete("a/b/c");

        assertThat(root.resolve("objects/a")).doesNotExist();
        assertThat(root.resolve("objects")).exists();
    }
}
