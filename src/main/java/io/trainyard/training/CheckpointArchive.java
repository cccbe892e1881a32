package io.trainyard.training;

import io.trainyard.engine.Network;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.json.JsonMapper;

/** A checkpoint's bytes: {@code network.bin} (parameters, optimizer state, counters) and {@code state.json}. */
final class CheckpointArchive {

    private static final String NETWORK = "network.bin";
    private static final String STATE = "state.json";

    record Restored(Network network, byte[] networkBytes, CheckpointState state) {
    }

    private CheckpointArchive() {
    }

    /**
     * Streams the archive to {@code out} (left open): the network entry is never held in memory whole. Both entries
     * are stored, not deflated: parameters are floats that deflate barely shrinks, and even at level 0 the deflater
     * copies every byte through its 512-byte blocks (6-7 ms of the writer's ~29 ms of CPU for the MLP's 22.4 MB,
     * docs/performance.md). A stored entry needs its CRC-32 and size up front, so the network is written twice: once
     * into a counter (~2 ms), then into the archive.
     */
    static void write(OutputStream out, Network.Snapshot network, CheckpointState state, JsonMapper json)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        byte[] stateJson = json.writeValueAsBytes(state);
        Counter counted = new Counter();
        counted.write(stateJson);
        zip.putNextEntry(stored(STATE, counted));
        zip.write(stateJson);
        zip.closeEntry();
        counted = new Counter();
        network.save(counted);
        zip.putNextEntry(stored(NETWORK, counted));
        network.save(zip);
        zip.closeEntry();
        zip.finish();
    }

    private static ZipEntry stored(String name, Counter counted) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(counted.size);
        entry.setCompressedSize(counted.size);
        entry.setCrc(counted.crc.getValue());
        return entry;
    }

    /** Counts and checksums what is written to it, and keeps nothing. */
    private static final class Counter extends OutputStream {
        private final CRC32 crc = new CRC32();
        private long size;

        @Override
        public void write(int b) {
            crc.update(b);
            size++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            size += len;
        }
    }

    /** Reads bytes the checkpoint store has already verified against their recorded SHA-256. */
    static Restored read(InputStream in, JsonMapper json) throws IOException {
        byte[] network = null;
        CheckpointState state = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(NETWORK)) {
                    network = zip.readAllBytes();
                } else if (e.getName().equals(STATE)) {
                    state = json.readValue(zip.readAllBytes(), CheckpointState.class);
                }
            }
        }
        if (network == null || state == null) {
            throw new IOException("checkpoint archive lacks " + (network == null ? NETWORK : STATE));
        }
        return new Restored(Network.load(new ByteArrayInputStream(network)), network, state);
    }
}
