package io.trainyard.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A new file written with {@code O_DIRECT}: whole aligned blocks go from one buffer of ours to the disk, past the
 * page cache. A 22.4 MB checkpoint costs the writing thread about half the CPU of a buffered write (no copy into
 * the page cache, no dirty pages for the kernel to write back while training runs beside it) and leaves the page
 * cache to the data that is read (docs/performance.md, "The checkpoint writer: stored entries, and past the page
 * cache"). The tail is padded to a whole block and the file truncated to its length on close.
 */
final class DirectFileOutputStream extends OutputStream {

    /** Buffers of closed streams, for the next ones: a new one is zeroed and faulted in (1 MB) and freed only by GC. */
    private static final Queue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
    private static final int KEPT = 4;

    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final int size;
    private final int block;
    private long length;
    private boolean closed;

    private DirectFileOutputStream(FileChannel channel, int block, int capacity) {
        this.channel = channel;
        this.block = block;
        this.size = Math.max(block, capacity / block * block);
        this.buffer = buffer(size, block).limit(size);
    }

    private static ByteBuffer buffer(int size, int block) {
        for (ByteBuffer b = FREE.poll(); b != null; b = FREE.poll()) {
            if (b.capacity() >= size && b.alignmentOffset(0, block) == 0) {
                return b.clear();
            }
        }
        return ByteBuffer.allocateDirect(size + block).alignedSlice(block);
    }

    /** Creates {@code file} (it must not exist) for writing past the page cache, in blocks of {@code block} bytes. */
    static DirectFileOutputStream create(Path file, int block, int capacity) throws IOException {
        return new DirectFileOutputStream(FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT), block, capacity);
    }

    /**
     * The block size to write {@code folder}'s files in without the page cache, or 0 where its file system refuses
     * ({@code tmpfs} on older kernels, some network and FUSE file systems): tried once with a file of one block.
     */
    static int blockSizeIn(Path folder, String tempSuffix) {
        Path probe = folder.resolve(".direct-io-probe-" + UUID.randomUUID() + tempSuffix);
        try {
            int block = (int) Files.getFileStore(folder).getBlockSize();
            if (block <= 0 || Integer.bitCount(block) != 1) {
                return 0;
            }
            try (DirectFileOutputStream out = create(probe, block, block)) {
                out.write(new byte[block + 1]);
            }
            return Files.size(probe) == block + 1 ? block : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a probe left behind is harmless: it carries the store's temporary suffix, which listings skip
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        length++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
            length += n;
        }
    }

    /** Writes the buffer, which holds whole blocks unless this is the file's tail. */
    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear().limit(size);
    }

    /** Its buffer may serve another stream once this one is closed. */
    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            int tail = buffer.position() % block;
            if (tail != 0) {
                buffer.put(new byte[block - tail]);
            }
            drain();
            channel.truncate(length);
        } finally {
            if (FREE.size() < KEPT) {
                FREE.offer(buffer);
            }
        }
    }
}
