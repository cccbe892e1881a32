package io.trainyard.training;

import io.trainyard.engine.Network;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
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

    /** Streams the archive to {@code out} (left open): the network entry is never held in memory whole. */
    static void write(OutputStream out, Network.Snapshot network, CheckpointState state, JsonMapper json)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        // Parameters are floats that deflate barely shrinks but slowly: store them.
        zip.setLevel(Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(STATE));
        zip.write(json.writeValueAsBytes(state));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(NETWORK));
        network.save(zip);
        zip.closeEntry();
        zip.finish();
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
