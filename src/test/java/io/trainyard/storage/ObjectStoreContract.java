package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ObjectStore} must have, run against each implementation (JobRunr's
 * StorageProviderTest pattern). Each test works under its own random prefix, so backends can be shared.
 */
abstract class ObjectStoreContract {

    protected abstract ObjectStore store();

    private String prefix;

    @BeforeEach
    void newPrefix() {
        prefix = "contract/" + UUID.randomUUID() + "/";
    }

    @Test
    void putReturnsSizeAndSha256OfWhatWasStoredAndGetReturnsTheSameBytes() throws Exception {
        byte[] data = "hello, trainyard".getBytes(StandardCharsets.UTF_8);

        StoredObject stored = store().put(prefix + "greeting.txt", new ByteArrayInputStream(data));

        assertThat(stored.key()).isEqualTo(prefix + "greeting.txt");
        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.sha256()).isEqualTo(sha256(data));
        try (InputStream in = store().get(prefix + "greeting.txt")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(store().head(prefix + "greeting.txt")).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(data.length);
            assertThat(info.lastModified()).isNotNull();
        });
    }

    @Test
    void writeStoresWhatTheContentWritesLikePut() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(1).nextBytes(data);

        StoredObject stored = store().write(prefix + "written.bin", out -> {
            out.write(data, 0, 1000);
            out.write(data[1000]);
            out.write(data, 1001, data.length - 1001);
        });

        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.sha256()).isEqualTo(sha256(data));
        try (InputStream in = store().get(prefix + "written.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aWriteThatFailsStoresNothingAndKeepsTheOldObject() throws Exception {
        store().put(prefix + "kept.bin", stream("old"));

        assertThatThrownBy(() -> store().write(prefix + "kept.bin", out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("serialisation failed");
        })).isInstanceOf(IOException.class).hasMessageContaining("serialisation failed");
        assertThatThrownBy(() -> store().write(prefix + "never.bin", out -> {
            throw new IOException("nothing written");
        })).isInstanceOf(IOException.class);

        try (InputStream in = store().get(prefix + "kept.bin")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("old");
        }
        assertThat(store().list(prefix)).extracting(ObjectInfo::key).containsExactly(prefix + "kept.bin");
    }

    @Test
    void emptyObjectsAreObjectsToo() throws Exception {
        StoredObject stored = store().put(prefix + "empty", InputStream.nullInputStream());

        assertThat(stored.size()).isZero();
        assertThat(stored.sha256()).isEqualTo(sha256(new byte[0]));
        assertThat(store().head(prefix + "empty")).hasValueSatisfying(info -> assertThat(info.size()).isZero());
    }

    @Test
    void missingKeysAreReportedAsMissing() throws Exception {
        String key = prefix + "nothing-here";

        assertThatThrownBy(() -> store().get(key)).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining(key);
        assertThat(store().head(key)).isEmpty();
        assertThat(store().delete(key)).isFalse();
        assertThat(store().list(prefix)).isEmpty();
    }

    @Test
    void putOverAnExistingKeyReplacesItWhole() throws Exception {
        store().put(prefix + "model.zip", stream("a much longer first version of the object"));

        StoredObject second = store().put(prefix + "model.zip", stream("v2"));

        assertThat(second.size()).isEqualTo(2);
        try (InputStream in = store().get(prefix + "model.zip")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("v2");
        }
        assertThat(store().list(prefix)).extracting(ObjectInfo::key).containsExactly(prefix + "model.zip");
    }

    @Test
    void deleteRemovesTheObjectAndReportsThatItExisted() throws Exception {
        store().put(prefix + "a/b/c.bin", stream("x"));

        assertThat(store().delete(prefix + "a/b/c.bin")).isTrue();

        assertThat(store().head(prefix + "a/b/c.bin")).isEmpty();
        assertThat(store().list(prefix)).isEmpty();
        assertThat(store().delete(prefix + "a/b/c.bin")).isFalse();
    }

    @Test
    void listReturnsEveryObjectUnderThePrefixSortedByKeyAndNothingElse() throws Exception {
        store().put(prefix + "jobs/1/epoch-2.zip", stream("22"));
        store().put(prefix + "jobs/1/epoch-1.zip", stream("1"));
        store().put(prefix + "jobs/10/epoch-1.zip", stream("333"));
        store().put(prefix + "jobs/2/epoch-1.zip", stream("4444"));
        store().put(prefix + "other/x", stream("55555"));

        assertThat(store().list(prefix + "jobs/1/")).extracting(ObjectInfo::key, ObjectInfo::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple(prefix + "jobs/1/epoch-1.zip", 1L),
                org.assertj.core.groups.Tuple.tuple(prefix + "jobs/1/epoch-2.zip", 2L));
        // A prefix is a string prefix, not a folder: "jobs/1" also matches "jobs/10/...".
        assertThat(store().list(prefix + "jobs/1")).extracting(ObjectInfo::key).containsExactly(
                prefix + "jobs/1/epoch-1.zip", prefix + "jobs/1/epoch-2.zip", prefix + "jobs/10/epoch-1.zip");
        assertThat(store().list(prefix)).hasSize(5);
        assertThat(store().list(prefix + "nope/")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../escape", "/absolute", "a//b", "a/./b", "trailing/", "", "sp ace",
            "back\\slash", "nul\u0000byte"})
    void keysThatCouldEscapeTheStoreOrDoNotTravelAreRejected(String key) {
        assertThatThrownBy(() -> store().put(key, stream("x"))).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().get(key)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().head(key)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().delete(key)).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void prefixesCannotClimbOutOfTheStore() {
        assertThatThrownBy(() -> store().list("../")).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().list("a/../..")).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    void largeObjectsStreamThroughInBothDirections() throws Exception {
        long size = 70L * 1024 * 1024 + 12_345; // over 64 MB and not a multiple of any part size
        GeneratedStream source = new GeneratedStream(size, 42);

        StoredObject stored = store().put(prefix + "large.bin", source);

        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.sha256()).isEqualTo(source.sha256());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read;
        try (InputStream in = new DigestInputStream(store().get(prefix + "large.bin"), digest)) {
            read = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(stored.sha256());
        assertThat(store().head(prefix + "large.bin")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(size));
        store().delete(prefix + "large.bin");
    }

    @Test
    void verifiedCopiesRefuseBytesThatNoLongerMatchWhatWasStored() throws Exception {
        StoredObject stored = store().put(prefix + "model.zip", stream("the real bytes"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        store().copyVerified(stored.key(), stored.size(), stored.sha256(), out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("the real bytes");

        store().put(prefix + "model.zip", stream("the fake bytes")); // same size, other content
        assertThatThrownBy(() -> store().copyVerified(stored.key(), stored.size(), stored.sha256(),
                java.io.OutputStream.nullOutputStream())).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("SHA-256");
        store().put(prefix + "model.zip", stream("the real bytes and then some"));
        assertThatThrownBy(() -> store().copyVerified(stored.key(), stored.size(), stored.sha256(),
                java.io.OutputStream.nullOutputStream())).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("size");
        assertThatThrownBy(() -> store().copyVerified(prefix + "gone", 1, stored.sha256(),
                java.io.OutputStream.nullOutputStream())).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void objectsWrittenWithBlake3AreCheckedWithBlake3() throws Exception {
        byte[] data = new byte[12 * 1024 * 1024 + 1]; // past an S3 part, and many of BLAKE3's 256-chunk subtrees
        new java.util.Random(3).nextBytes(data);
        String key = prefix + "checkpoint.zip";

        StoredObject written = store().write(key, Checksum.Algorithm.BLAKE3, out -> out.write(data));
        StoredObject put = store().put(prefix + "put.zip", Checksum.Algorithm.BLAKE3, new ByteArrayInputStream(data));

        Checksum expected = Checksum.blake3(Blake3.hex(data));
        assertThat(written.checksum()).isEqualTo(expected);
        assertThat(put.checksum()).isEqualTo(expected);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        store().copyVerified(key, data.length, written.checksum(), out);
        assertThat(out.toByteArray()).isEqualTo(data);

        data[data.length / 3] ^= 1;
        store().put(key, new ByteArrayInputStream(data));
        assertThatThrownBy(() -> store().copyVerified(key, data.length, written.checksum(),
                java.io.OutputStream.nullOutputStream())).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("BLAKE3").hasMessageContaining(expected.hex());
    }

    @Test
    void theStoreReportsItselfAvailable() throws IOException {
        store().checkAvailable();
        assertThat(store().describe()).isNotBlank();
    }

    static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /**
     * Pseudo-random bytes produced on demand and hashed as they are read, so a test can send tens of
     * megabytes without ever holding them.
     */
    static final class GeneratedStream extends InputStream {
        private final long size;
        private final java.util.SplittableRandom random;
        private final MessageDigest digest;
        private long position;

        GeneratedStream(long size, long seed) throws Exception {
            this.size = size;
            this.random = new java.util.SplittableRandom(seed);
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) random.nextInt(256);
            }
            digest.update(b, off, n);
            position += n;
            return n;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
