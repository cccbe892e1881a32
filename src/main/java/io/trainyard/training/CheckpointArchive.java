package io.trainyard.training;

import io.trainyard.engine.Network;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    static byte[] write(byte[] network, CheckpointState state, JsonMapper json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(network.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        // Parameters are floats that deflate barely shrinks but slowly (DL4J's own model zip inside is compressed).
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry(STATE));
            zip.write(json.writeValueAsBytes(state));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(NETWORK));
            zip.write(network);
            zip.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
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
