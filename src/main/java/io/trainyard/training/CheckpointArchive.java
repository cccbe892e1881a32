package io.trainyard.training;

import io.trainyard.engine.Network;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDateTime;
import java.util.List;
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
     * docs/performance.md). A stored entry needs its CRC-32 and size up front: the snapshot computes them over its
     * arrays where they lie, without serialising them a first time, and {@link StoredZip} writes the bytes through
     * without computing the CRC-32 a second time. An archive past 4 GiB goes through {@code ZipOutputStream}, which
     * writes zip64.
     */
    static void write(OutputStream out, Network.Snapshot snapshot, CheckpointState state, JsonMapper json)
            throws IOException {
        write(out, snapshot, state, json, StoredZip.LIMIT);
    }

    /** {@link #write}, through {@code ZipOutputStream} where the archive's data would reach {@code storedZipLimit}. */
    static void write(OutputStream out, Network.Snapshot snapshot, CheckpointState state, JsonMapper json,
            long storedZipLimit) throws IOException {
        byte[] stateJson = json.writeValueAsBytes(state);
        CRC32 stateCrc = new CRC32();
        stateCrc.update(stateJson);
        Network.Checksum network = snapshot.checksum();
        long data = stateJson.length + network.size();
        if (data < storedZipLimit && StoredZip.fits(List.of(STATE, NETWORK), data)) {
            StoredZip zip = new StoredZip(out, LocalDateTime.now());
            zip.entry(STATE, stateJson.length, stateCrc.getValue(), o -> o.write(stateJson));
            zip.entry(NETWORK, network.size(), network.crc32(), snapshot::save);
            zip.finish();
            return;
        }
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(stored(STATE, stateJson.length, stateCrc.getValue()));
        zip.write(stateJson);
        zip.closeEntry();
        zip.putNextEntry(stored(NETWORK, network.size(), network.crc32()));
        snapshot.save(zip);
        zip.closeEntry();
        zip.finish();
    }

    private static ZipEntry stored(String name, long size, long crc32) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc32);
        return entry;
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
