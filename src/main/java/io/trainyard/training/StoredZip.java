package io.trainyard.training;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A zip archive of stored (uncompressed) entries whose size and CRC-32 are known before their bytes, written as
 * {@code ZipOutputStream} writes them, but without its second pass: for a stored entry it computes the CRC-32 of
 * every byte again only to compare it with the one given up front (3 ms of a checkpoint writer's ~35 ms of CPU for
 * the MLP's 22.4 MB, docs/performance.md). Readers still check each entry's CRC-32 as they read it
 * ({@code ZipInputStream} does for stored entries). No zip64: {@link #fits} says whether an archive stays under its
 * 4 GiB limits.
 */
final class StoredZip {

    /** Largest size or offset a zip without zip64 records. */
    static final long LIMIT = 0xFFFFFFFFL;
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int VERSION_STORED = 10;
    /** General purpose bit 11: names are UTF-8, as {@code ZipOutputStream} marks them. */
    private static final int UTF8_NAMES = 0x800;
    /** Per entry: its local and central headers without the name; plus the end record, counted once per entry. */
    private static final long OVERHEAD = 30 + 46 + 22;

    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Entry(byte[] name, long size, long crc32, long offset) {
    }

    private final OutputStream out;
    private final int dosTime;
    private final int dosDate;
    private final List<Entry> entries = new ArrayList<>();
    private final byte[] scratch = new byte[8];
    private long position;

    /** Entries carry {@code modified} as their time, as {@code ZipEntry.setTime} records it. */
    StoredZip(OutputStream out, LocalDateTime modified) {
        this.out = out;
        LocalDateTime t = modified.getYear() < 1980 ? LocalDateTime.of(1980, 1, 1, 0, 0) : modified;
        this.dosTime = t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() >> 1;
        this.dosDate = (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }

    /** Whether entries with these names and sizes make an archive within the limits of a zip without zip64. */
    static boolean fits(List<String> names, long totalSize) {
        long bytes = totalSize;
        for (String name : names) {
            bytes += OVERHEAD + 2L * name.getBytes(StandardCharsets.UTF_8).length;
        }
        return names.size() < 0xFFFF && totalSize >= 0 && bytes < LIMIT;
    }

    /** Writes one entry: its header, then exactly {@code size} bytes from {@code body}. */
    void entry(String name, long size, long crc32, Body body) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (size < 0 || size >= LIMIT || position >= LIMIT || n.length > 0xFFFF) {
            throw new IOException("entry " + name + " of " + size + " bytes at offset " + position
                    + " needs zip64, which this writer does not write");
        }
        entries.add(new Entry(n, size, crc32, position));
        int32(LOCAL_HEADER);
        int16(VERSION_STORED);
        int16(UTF8_NAMES);
        int16(0); // stored
        int16(dosTime);
        int16(dosDate);
        int32((int) crc32);
        int32((int) size); // compressed
        int32((int) size);
        int16(n.length);
        int16(0); // no extra field
        bytes(n);
        Exact exact = new Exact(name, size);
        body.writeTo(exact);
        exact.finish();
    }

    /** The central directory and the end record; {@code out} is left open. */
    void finish() throws IOException {
        long start = position;
        for (Entry e : entries) {
            int32(CENTRAL_HEADER);
            int16(VERSION_STORED); // made by
            int16(VERSION_STORED); // needed
            int16(UTF8_NAMES);
            int16(0);
            int16(dosTime);
            int16(dosDate);
            int32((int) e.crc32());
            int32((int) e.size());
            int32((int) e.size());
            int16(e.name().length);
            int16(0); // extra
            int16(0); // comment
            int16(0); // disk
            int16(0); // internal attributes
            int32(0); // external attributes
            int32((int) e.offset());
            bytes(e.name());
        }
        long size = position - start;
        if (position >= LIMIT) {
            throw new IOException("archive of " + position + " bytes needs zip64, which this writer does not write");
        }
        int32(END);
        int16(0);
        int16(0);
        int16(entries.size());
        int16(entries.size());
        int32((int) size);
        int32((int) start);
        int16(0); // comment
        out.flush();
    }

    private void int16(int v) throws IOException {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >>> 8);
        out.write(scratch, 0, 2);
        position += 2;
    }

    private void int32(int v) throws IOException {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >>> 8);
        scratch[2] = (byte) (v >>> 16);
        scratch[3] = (byte) (v >>> 24);
        out.write(scratch, 0, 4);
        position += 4;
    }

    private void bytes(byte[] b) throws IOException {
        out.write(b);
        position += b.length;
    }

    /** An entry's bytes, passed through: exactly as many as its header says, or an error naming the entry. */
    private final class Exact extends OutputStream {

        private final String name;
        private final long size;
        private long written;

        Exact(String name, long size) {
            this.name = name;
            this.size = size;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            count(len);
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** The entry's writer must not close the archive's stream. */
        @Override
        public void close() {
        }

        private void count(int n) throws IOException {
            if (written + n > size) {
                throw new IOException("entry " + name + " is longer than the " + size + " bytes its header says");
            }
            written += n;
            position += n;
        }

        void finish() throws IOException {
            if (written != size) {
                throw new IOException("entry " + name + " has " + written + " bytes; its header says " + size);
            }
        }
    }
}
