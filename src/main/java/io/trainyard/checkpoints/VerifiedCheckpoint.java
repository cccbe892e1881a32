package io.trainyard.checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint whose bytes were downloaded to a local file and matched the size and SHA-256 recorded at
 * commit. {@code skipped} lists newer checkpoints that failed verification, newest first, with the reason.
 * Close it to delete the local copy.
 */
public record VerifiedCheckpoint(CheckpointInfo info, Path file, List<Skipped> skipped) implements AutoCloseable {

    public record Skipped(CheckpointInfo info, String reason) {
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }
}
