package io.trainyard.datasets;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form every upload is parsed into once, so training never reparses text.
 *
 * <pre>
 * "TYDS" version:int count:int kind:byte rank:int dims:int[rank] encoding:byte (0 float32, 1 uint8)
 * classCount:int (-1: no classes) names:UTF[classCount] flags:byte (1 labels, 2 targets, 4 mask)
 * features: float32[count*size] or uint8[count*size]
 * labels: int32[count]   targets: float32[count]   mask: float32[count*T]
 * </pre>
 * All numbers big-endian.
 */
final class DataFile {

    private static final int MAGIC = 0x54594453; // "TYDS"
    private static final int VERSION = 1;
    private static final int CHUNK = 1 << 16;

    private DataFile() {
    }

    static void write(Parsed data, OutputStream target) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(target, CHUNK));
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(data.count());
        out.writeByte(data.shape().kind().ordinal());
        int[] dims = data.shape().dims();
        out.writeInt(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.writeByte(data.pixels() != null ? 1 : 0);
        Labels labels = data.labels();
        out.writeInt(labels.classNames() == null ? -1 : labels.classNames().size());
        if (labels.classNames() != null) {
            for (String name : labels.classNames()) {
                out.writeUTF(name);
            }
        }
        out.writeByte((labels.classes() != null ? 1 : 0) | (labels.targets() != null ? 2 : 0)
                | (data.mask() != null ? 4 : 0));
        if (data.pixels() != null) {
            out.write(data.pixels());
        } else {
            writeFloats(out, data.features());
        }
        if (labels.classes() != null) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            for (int start = 0; start < labels.classes().length; start += CHUNK / 4) {
                int n = Math.min(CHUNK / 4, labels.classes().length - start);
                buffer.clear();
                buffer.asIntBuffer().put(labels.classes(), start, n);
                out.write(buffer.array(), 0, n * 4);
            }
        }
        if (labels.targets() != null) {
            writeFloats(out, labels.targets());
        }
        if (data.mask() != null) {
            writeFloats(out, data.mask());
        }
        out.flush();
    }

    static LoadedDataset read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    static LoadedDataset read(InputStream source) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, CHUNK));
        if (in.readInt() != MAGIC || in.readInt() != VERSION) {
            throw new IOException("Not a dataset data file of version " + VERSION);
        }
        int count = in.readInt();
        InputShape.Kind kind = InputShape.Kind.values()[in.readByte()];
        int[] dims = new int[in.readInt()];
        int size = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = in.readInt();
            size *= dims[i];
        }
        boolean pixels = in.readByte() == 1;
        int classCount = in.readInt();
        List<String> names = null;
        if (classCount >= 0) {
            names = new ArrayList<>(classCount);
            for (int i = 0; i < classCount; i++) {
                names.add(in.readUTF());
            }
        }
        int flags = in.readByte();
        float[] features = new float[Math.multiplyExact(count, size)];
        if (pixels) {
            byte[] buffer = new byte[CHUNK];
            for (int start = 0; start < features.length; start += CHUNK) {
                int n = Math.min(CHUNK, features.length - start);
                in.readFully(buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    features[start + i] = buffer[i] & 0xFF;
                }
            }
        } else {
            readFloats(in, features);
        }
        int[] labels = null;
        if ((flags & 1) != 0) {
            labels = new int[count];
            byte[] buffer = new byte[CHUNK];
            for (int start = 0; start < count; start += CHUNK / 4) {
                int n = Math.min(CHUNK / 4, count - start);
                in.readFully(buffer, 0, n * 4);
                ByteBuffer.wrap(buffer, 0, n * 4).asIntBuffer().get(labels, start, n);
            }
        }
        float[] targets = (flags & 2) != 0 ? readFloats(in, new float[count]) : null;
        float[] mask = (flags & 4) != 0 ? readFloats(in, new float[count * dims[0]]) : null;
        return new LoadedDataset(kind, dims, count, features, labels, names, targets, mask);
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        for (int start = 0; start < values.length; start += CHUNK / 4) {
            int n = Math.min(CHUNK / 4, values.length - start);
            buffer.clear();
            buffer.asFloatBuffer().put(values, start, n);
            out.write(buffer.array(), 0, n * 4);
        }
    }

    private static float[] readFloats(DataInputStream in, float[] values) throws IOException {
        byte[] buffer = new byte[CHUNK];
        for (int start = 0; start < values.length; start += CHUNK / 4) {
            int n = Math.min(CHUNK / 4, values.length - start);
            in.readFully(buffer, 0, n * 4);
            ByteBuffer.wrap(buffer, 0, n * 4).asFloatBuffer().get(values, start, n);
        }
        return values;
    }
}
