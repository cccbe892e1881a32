package io.trainyard.storage;

import java.util.HexFormat;

/** A checksum computed as bytes stream past: SHA-256 ({@link Sha256}) or BLAKE3 ({@link Blake3}). */
interface Hasher {

    void update(byte[] data, int off, int len);

    /** The checksum of everything given so far; call once. */
    byte[] digest();

    /** The name used in messages: "SHA-256" or "BLAKE3". */
    String algorithm();

    default String hex() {
        return HexFormat.of().formatHex(digest());
    }
}
