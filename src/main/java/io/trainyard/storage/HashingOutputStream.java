package io.trainyard.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Hashes what it passes on; like {@link java.security.DigestOutputStream}, for any {@link Hasher}. */
final class HashingOutputStream extends FilterOutputStream {

    private final Hasher hasher;
    private final byte[] one = new byte[1];

    HashingOutputStream(OutputStream out, Hasher hasher) {
        super(out);
        this.hasher = hasher;
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        hasher.update(b, off, len);
        out.write(b, off, len);
    }
}
