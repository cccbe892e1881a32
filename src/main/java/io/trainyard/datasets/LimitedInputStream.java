package io.trainyard.datasets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes as they stream and fails once more than {@code remaining} have passed. */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private long remaining;

    LimitedInputStream(InputStream in, long remaining, long limit) {
        super(in);
        this.remaining = remaining;
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long n) throws UploadTooLargeException {
        remaining -= n;
        if (remaining < 0) {
            throw new UploadTooLargeException(limit);
        }
    }
}
