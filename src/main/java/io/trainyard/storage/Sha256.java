package io.trainyard.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The JDK's SHA-256 (SHA-NI or the CPU's vector units where it has them). */
final class Sha256 implements Hasher {

    private final MessageDigest digest;

    Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    @Override
    public void update(byte[] data, int off, int len) {
        digest.update(data, off, len);
    }

    @Override
    public byte[] digest() {
        return digest.digest();
    }

    @Override
    public String algorithm() {
        return "SHA-256";
    }
}
