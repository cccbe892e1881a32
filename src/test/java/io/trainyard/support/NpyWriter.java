package io.trainyard.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes .npy arrays and .npz archives the way numpy does, for tests. */
public final class NpyWriter {

    private NpyWriter() {
    }

    /** {@code values} in C order, encoded as {@code descr} (e.g. "<f4", ">i8", "|u1", "|b1"). */
    public static byte[] npy(String descr, int[] shape, double[] values) {
        return npy(descr, shape, false, encode(descr, values));
    }

    public static byte[] npy(String descr, int[] shape, boolean fortranOrder, byte[] data) {
        StringBuilder shapeText = new StringBuilder("(");
        for (int d : shape) {
            shapeText.append(d).append(", ");
        }
        if (shape.length > 1) {
            shapeText.setLength(shapeText.length() - 2);
        } else if (shape.length == 1) {
            shapeText.setLength(shapeText.length() - 1);
        }
        shapeText.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shapeText + ", }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xFF);
        out.write(header.length() >>> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Strings as numpy's {@code <U<width>} (UTF-32 little-endian, NUL-padded). */
    public static byte[] npyText(int[] shape, int width, String... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) {
            int[] cps = v.codePoints().toArray();
            for (int i = 0; i < width; i++) {
                b.putInt(i < cps.length ? cps[i] : 0);
            }
        }
        return npy("<U" + width, shape, false, b.array());
    }

    public static byte[] encode(String descr, double[] values) {
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.charAt(1);
        int size = Integer.parseInt(descr.substring(2));
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(order);
        for (double v : values) {
            switch (kind) {
                case 'f' -> {
                    if (size == 4) {
                        b.putFloat((float) v);
                    } else {
                        b.putDouble(v);
                    }
                }
                case 'b' -> b.put((byte) (v != 0 ? 1 : 0));
                default -> {
                    long l = (long) v;
                    switch (size) {
                        case 1 -> b.put((byte) l);
                        case 2 -> b.putShort((short) l);
                        case 4 -> b.putInt((int) l);
                        default -> b.putLong(l);
                    }
                }
            }
        }
        return b.array();
    }

    /** A zip of {@code name.npy} entries, deflated like savez_compressed or stored like savez. */
    public static byte[] npz(Map<String, byte[]> arrays, boolean compressed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : arrays.entrySet()) {
                ZipEntry e = new ZipEntry(entry.getKey() + ".npy");
                if (!compressed) {
                    CRC32 crc = new CRC32();
                    crc.update(entry.getValue());
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(entry.getValue().length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static double[] range(int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }
}
