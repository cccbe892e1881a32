package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredZipTest {

    private static final LocalDateTime MODIFIED = LocalDateTime.of(2026, 11, 30, 7, 41, 17);

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /** Writes the entries in pieces of 1, 7 and 4,096 bytes, as the snapshot's streams do. */
    private static byte[] storedZip(List<String> names, List<byte[]> contents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoredZip zip = new StoredZip(out, MODIFIED);
        for (int i = 0; i < names.size(); i++) {
            byte[] c = contents.get(i);
            zip.entry(names.get(i), c.length, crc(c), o -> {
                int at = 0;
                for (int piece : new int[] {1, 7, 4096}) {
                    int n = Math.min(piece, c.length - at);
                    o.write(c, at, n);
                    at += n;
                }
                o.write(c, at, c.length - at);
            });
        }
        zip.finish();
        return out.toByteArray();
    }

    private static byte[] zipOutputStream(List<String> names, List<byte[]> contents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < names.size(); i++) {
                ZipEntry e = new ZipEntry(names.get(i));
                e.setMethod(ZipEntry.STORED);
                e.setSize(contents.get(i).length);
                e.setCompressedSize(contents.get(i).length);
                e.setCrc(crc(contents.get(i)));
                e.setTime(MODIFIED.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
                zip.putNextEntry(e);
                zip.write(contents.get(i));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void writesTheBytesZipOutputStreamWritesForTheSameStoredEntries() throws Exception {
        List<String> names = List.of("state.json", "network.bin", "empty");
        List<byte[]> contents = List.of("{\"epoch\":3}".getBytes(StandardCharsets.UTF_8), random(70_001, 1),
                new byte[0]);

        assertThat(storedZip(names, contents)).isEqualTo(zipOutputStream(names, contents));
    }

    @Test
    void bothKindsOfReaderReadItsEntriesBack(@TempDir Path dir) throws Exception {
        List<String> names = List.of("state.json", "network.bin");
        List<byte[]> contents = List.of(random(300, 2), random(200_000, 3));
        byte[] archive = storedZip(names, contents);

        // ZipInputStream reads the local headers and checks each stored entry's CRC-32 as it reads.
        List<String> read = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertThat(zip.readAllBytes()).isEqualTo(contents.get(read.size()));
                read.add(e.getName());
            }
        }
        assertThat(read).isEqualTo(names);
        // ZipFile reads the central directory.
        Path file = Files.write(dir.resolve("a.zip"), archive);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(zip.entries());
            assertThat(entries).extracting(ZipEntry::getName).isEqualTo(names);
            for (int i = 0; i < names.size(); i++) {
                ZipEntry e = entries.get(i);
                assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED);
                assertThat(e.getSize()).isEqualTo(contents.get(i).length);
                assertThat(e.getCrc()).isEqualTo(crc(contents.get(i)));
                try (var in = zip.getInputStream(e)) {
                    assertThat(in.readAllBytes()).isEqualTo(contents.get(i));
                }
            }
        }
    }

    /** The CRC-32 is not computed again on the way out; readers catch a wrong one. */
    @Test
    void aWrongCrcIsCaughtByTheReader() throws Exception {
        byte[] content = random(1000, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoredZip zip = new StoredZip(out, MODIFIED);
        zip.entry("network.bin", content.length, crc(content) ^ 1, o -> o.write(content));
        zip.finish();

        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            in.getNextEntry();
            assertThatThrownBy(in::readAllBytes).isInstanceOf(ZipException.class).hasMessageContaining("invalid entry CRC");
        }
    }

    @Test
    void anEntryMustHaveExactlyTheBytesItsHeaderSays() throws Exception {
        StoredZip shorter = new StoredZip(new ByteArrayOutputStream(), MODIFIED);
        assertThatThrownBy(() -> shorter.entry("network.bin", 10, 0, o -> o.write(new byte[9])))
                .isInstanceOf(IOException.class).hasMessage("entry network.bin has 9 bytes; its header says 10");

        StoredZip longer = new StoredZip(new ByteArrayOutputStream(), MODIFIED);
        assertThatThrownBy(() -> longer.entry("network.bin", 10, 0, o -> {
            o.write(new byte[10]);
            o.write(1);
        })).isInstanceOf(IOException.class).hasMessage("entry network.bin is longer than the 10 bytes its header says");
    }

    @Test
    void archivesPastFourGibibytesDoNotFit() {
        List<String> names = List.of("state.json", "network.bin");
        assertThat(StoredZip.fits(names, 22_400_000)).isTrue();
        // Headers of both entries, their central directory and the end record take 238 bytes at most.
        assertThat(StoredZip.fits(names, StoredZip.LIMIT - 239)).isTrue();
        assertThat(StoredZip.fits(names, StoredZip.LIMIT - 200)).isFalse();
        assertThat(StoredZip.fits(names, 5L << 30)).isFalse();
    }
}
