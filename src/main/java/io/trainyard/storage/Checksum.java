package io.trainyard.storage;

import java.util.Locale;
import java.util.Objects;

/** What an object's bytes hashed to when it was stored, and with which algorithm; {@code hex} in lower case. */
public record Checksum(Algorithm algorithm, String hex) {

    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        hex = Objects.requireNonNull(hex, "hex").toLowerCase(Locale.ROOT);
    }

    public enum Algorithm {
        SHA256, BLAKE3;

        /**
         * Checkpoints are written every epoch beside training: BLAKE3 where this JVM hashes it 16 chunks at a
         * time (more than twice SHA-256's speed on AVX-512), SHA-256 elsewhere, where BLAKE3 would be the slower.
         */
        public static Algorithm forCheckpoints() {
            return Blake3Kernel.available() ? BLAKE3 : SHA256;
        }

        Hasher hasher() {
            return this == SHA256 ? new Sha256() : new Blake3();
        }
    }

    public static Checksum sha256(String hex) {
        return new Checksum(Algorithm.SHA256, hex);
    }

    public static Checksum blake3(String hex) {
        return new Checksum(Algorithm.BLAKE3, hex);
    }

    /** The checksum's value where it is a SHA-256, for callers that only ever store with SHA-256. */
    public String sha256() {
        if (algorithm != Algorithm.SHA256) {
            throw new IllegalStateException("a " + algorithm + " checksum, not SHA-256");
        }
        return hex;
    }

    /**
     * Hashes up to 128 MB of zeros with the checkpoints' algorithm where that is BLAKE3, until {@code stop} says
     * so: the JIT compiles the vector lanes only after ~100 MB, and interpreted they would take about a second of the
     * first checkpoint's writer. Returns the megabytes hashed.
     */
    public static int warmUpForCheckpoints(java.util.function.BooleanSupplier stop) {
        if (Algorithm.forCheckpoints() != Algorithm.BLAKE3) {
            return 0;
        }
        byte[] piece = new byte[1 << 20];
        int megabytes = 0;
        for (; megabytes < 128 && !stop.getAsBoolean(); megabytes += 4) {
            Hasher hasher = Algorithm.BLAKE3.hasher();
            for (int i = 0; i < 4; i++) {
                hasher.update(piece, 0, piece.length);
            }
            hasher.digest();
        }
        return megabytes;
    }

    /** "BLAKE3, 16 lanes (Vector API)" or "SHA-256; BLAKE3 lanes: none (why)", for the startup log. */
    static String describeForCheckpoints() {
        return Algorithm.forCheckpoints() == Algorithm.BLAKE3 ? "BLAKE3, " + Blake3Kernel.describe()
                : "SHA-256; BLAKE3 lanes: " + Blake3Kernel.describe();
    }
}
