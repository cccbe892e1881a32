package io.trainyard.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arrays as their native bytes, copied in bulk. {@code Nd4j.write} writes one element per call (about 0.17 s of
 * CPU for a 22 MB checkpoint, on the thread that competes with training for cores); this is a memory copy.
 */
final class RawArrays {

    private static final int CHUNK = 1 << 20;

    private RawArrays() {
    }

    /** Where an array's raw bytes go: copied into the stream after its header, or only counted and checksummed. */
    @FunctionalInterface
    interface Bytes {
        void accept(ByteBuffer bytes, DataOutputStream out) throws IOException;
    }

    /** Copies the bytes into the stream, through a heap chunk (streams take arrays). */
    static final Bytes COPY = (bytes, out) -> {
        byte[] chunk = new byte[Math.min(CHUNK, Math.max(bytes.remaining(), 1))];
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            bytes.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    };

    /** The array's header into {@code out}, then its raw bytes (native memory, positioned, limited) to {@code raw}. */
    static void write(INDArray array, DataOutputStream out, Bytes raw) throws IOException {
        INDArray a = array.isView() ? array.dup() : array;
        ByteBuffer bytes = a.data().asNio().duplicate();
        long size = a.length() * a.dataType().width();
        if (bytes.remaining() < size) {
            throw new IllegalStateException("array buffer holds " + bytes.remaining() + " bytes, expected " + size);
        }
        out.writeUTF(a.dataType().name());
        out.writeChar(a.ordering());
        out.writeBoolean(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        long[] shape = a.shape();
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        out.writeLong(size);
        bytes.limit(bytes.position() + (int) size);
        raw.accept(bytes, out);
    }

    static INDArray read(DataInputStream in) throws IOException {
        DataType type = DataType.valueOf(in.readUTF());
        char order = in.readChar();
        boolean littleEndian = in.readBoolean();
        if (littleEndian != (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)) {
            throw new IOException("the arrays were written on a machine of the other byte order");
        }
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readLong();
        }
        long size = in.readLong();
        INDArray a = Nd4j.create(type, shape, order);
        if (size != a.length() * type.width()) {
            throw new IOException("array of shape " + java.util.Arrays.toString(shape) + " and type " + type
                    + " cannot hold " + size + " bytes");
        }
        ByteBuffer bytes = a.data().asNio().duplicate();
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            in.readFully(chunk, 0, n);
            bytes.put(chunk, 0, n);
            left -= n;
        }
        return a;
    }
}
