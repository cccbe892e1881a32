package io.trainyard.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes a float32 array in NumPy's .npy format (version 1.0, little-endian, C order): {@code numpy.load} reads it. */
final class NpyFloats {

    private NpyFloats() {
    }

    static void write(OutputStream out, int[] shape, float[] values) throws IOException {
        StringBuilder tuple = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            tuple.append(i > 0 ? ", " : "").append(shape[i]);
        }
        tuple.append(shape.length == 1 ? ",)" : ")");
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }");
        // magic (6) + version (2) + header length (2) + header: padded with spaces to a multiple of 64, ending in \n
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length & 0xff),
                (byte) (h.length >> 8)});
        out.write(h);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!buffer.hasRemaining()) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            buffer.putFloat(v);
        }
        out.write(buffer.array(), 0, buffer.position());
        out.flush();
    }
}
