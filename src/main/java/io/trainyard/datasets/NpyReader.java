package io.trainyard.datasets;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one {@code .npy} array (format versions 1 to 3) from a stream with a bounded buffer: the magic
 * {@code \x93NUMPY}, a version, a Python-dict header with {@code descr}, {@code fortran_order} and {@code shape},
 * then the raw values. Numeric dtypes of either byte order are read (bool, int8..int64, uint8..uint64, float32,
 * float64), and fixed-width strings ({@code U}, {@code S}) for labels.
 */
final class NpyReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    // At most six digits: wider items are no dtype numpy writes for labels or features, and the width is parsed.
    private static final Pattern DTYPE = Pattern.compile("([<>|=])?([a-zA-Z])(\\d{0,6})");
    private static final int CHUNK = 1 << 16;
    /**
     * Arrays start at most this long and grow with the bytes that actually arrive, so a header announcing billions
     * of values in a small file cannot make the reader allocate them up front.
     */
    private static final int FIRST_ALLOCATION = 1 << 20;

    private NpyReader() {
    }

    /**
     * @param field     the form field the array came in, for error pointers
     * @param name      how to call the array in messages ("x", "y", or the file name)
     * @param keepBytes keep uint8 values as bytes (compact images) instead of floats
     */
    static NpyArray read(InputStream source, String field, String name, boolean keepBytes) throws IOException {
        DataInputStream in = new DataInputStream(source);
        String what = "array '" + name + "'";
        byte[] magic = in.readNBytes(MAGIC.length);
        if (magic.length == 0) {
            throw new BadDataException(field, what + ": the file is empty");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new BadDataException(field, what + ": not a .npy array (it must start with \\x93NUMPY; write it "
                    + "with numpy.save)");
        }
        String header = header(in, field, what);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find()) {
            throw new BadDataException(field, what + ": structured or unreadable dtype in header " + header.trim()
                    + "; only plain numeric arrays are supported");
        }
        if (!fortran.find() || !shapeText.find()) {
            throw new BadDataException(field, what + ": malformed .npy header " + header.trim());
        }
        int[] shape = shape(shapeText.group(1), field, what);
        Dtype dtype = Dtype.parse(descr.group(1), field, what);
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > FloatList.MAX_SIZE) {
                throw new BadDataException(field, what + ": shape " + Arrays.toString(shape)
                        + " has too many values for one dataset (at most " + FloatList.MAX_SIZE + ")");
            }
        }
        int n = (int) count;
        NpyArray array = switch (dtype.kind) {
            case 'U', 'S' -> new NpyArray(name, shape, dtype.text, null, null, readText(in, n, dtype, field, what));
            default -> keepBytes && dtype.kind == 'u' && dtype.size == 1
                    ? new NpyArray(name, shape, dtype.text, null, readBytes(in, n, field, what), null)
                    : new NpyArray(name, shape, dtype.text, readNumbers(in, n, dtype, field, what), null, null);
        };
        if (in.read() >= 0) {
            throw new BadDataException(field, what + ": there are bytes after the " + n + " values its shape "
                    + Arrays.toString(shape) + " announces");
        }
        return "True".equals(fortran.group(1)) && shape.length > 1 ? toRowMajor(array) : array;
    }

    private static String header(DataInputStream in, String field, String what) throws IOException {
        try {
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long length;
            if (major == 1) {
                length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw new BadDataException(field, what + ": unsupported .npy format version " + major);
            }
            if (length > 1 << 20) {
                throw new BadDataException(field, what + ": implausible .npy header length " + length);
            }
            byte[] bytes = new byte[(int) length];
            in.readFully(bytes);
            return new String(bytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        } catch (EOFException e) {
            throw new BadDataException(field, what + ": the file ends inside its .npy header");
        }
    }

    private static int[] shape(String text, String field, String what) {
        String[] parts = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                long d = Long.parseLong(parts[i].replace("L", ""));
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                shape[i] = (int) d;
            } catch (NumberFormatException e) {
                throw new BadDataException(field, what + ": invalid shape (" + text + ")");
            }
        }
        return shape;
    }

    private record Dtype(String text, char order, char kind, int size) {

        static Dtype parse(String text, String field, String what) {
            Matcher m = DTYPE.matcher(text);
            if (m.matches()) {
                char order = m.group(1) == null ? '=' : m.group(1).charAt(0);
                char kind = m.group(2).charAt(0);
                int size = m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3));
                boolean numeric = switch (kind) {
                    case 'f' -> size == 4 || size == 8;
                    case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                    case 'b' -> size == 1;
                    case 'U', 'S' -> size > 0 && size <= Labels.MAX_NAME_LENGTH;
                    default -> false;
                };
                if (numeric) {
                    return new Dtype(text, order, kind, size);
                }
                if ((kind == 'U' || kind == 'S') && size > Labels.MAX_NAME_LENGTH) {
                    throw new BadDataException(field, what + ": text of up to " + size + " characters (dtype '"
                            + text + "'); labels are at most " + Labels.MAX_NAME_LENGTH + " characters");
                }
                if (kind == 'O') {
                    throw new BadDataException(field, what + ": object arrays (dtype 'O', e.g. sequences of "
                            + "different lengths) cannot be read; pad sequences to [N, T, F] and send a mask [N, T]");
                }
            }
            throw new BadDataException(field, what + ": unsupported dtype '" + text + "'; use float32, float64, "
                    + "an integer type (int8..int64, uint8..uint64) or bool");
        }

        int itemSize() {
            return kind == 'U' ? size * 4 : size;
        }

        ByteOrder byteOrder() {
            return order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }
    }

    private static float[] readNumbers(DataInputStream in, int n, Dtype dtype, String field, String what)
            throws IOException {
        float[] out = new float[Math.min(n, FIRST_ALLOCATION)];
        int item = dtype.itemSize();
        byte[] buffer = new byte[CHUNK - CHUNK % item];
        int done = 0;
        while (done < n) {
            int items = Math.min(buffer.length / item, n - done);
            fill(in, buffer, items * item, done, n, field, what);
            if (done + items > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, items * item).order(dtype.byteOrder());
            for (int i = 0; i < items; i++) {
                out[done + i] = switch (dtype.kind) {
                    case 'f' -> dtype.size == 4 ? b.getFloat() : (float) b.getDouble();
                    case 'b' -> b.get() != 0 ? 1f : 0f;
                    case 'i' -> switch (dtype.size) {
                        case 1 -> b.get();
                        case 2 -> b.getShort();
                        case 4 -> b.getInt();
                        default -> b.getLong();
                    };
                    default -> switch (dtype.size) {
                        case 1 -> b.get() & 0xFF;
                        case 2 -> b.getShort() & 0xFFFF;
                        case 4 -> b.getInt() & 0xFFFFFFFFL;
                        default -> unsignedLong(b.getLong());
                    };
                };
            }
            done += items;
        }
        return out;
    }

    private static float unsignedLong(long v) {
        return v >= 0 ? v : (float) ((v >>> 1) * 2.0);
    }

    private static byte[] readBytes(DataInputStream in, int n, String field, String what) throws IOException {
        byte[] out = in.readNBytes(n);
        if (out.length < n) {
            throw truncated(out.length, n, field, what);
        }
        return out;
    }

    private static String[] readText(DataInputStream in, int n, Dtype dtype, String field, String what)
            throws IOException {
        String[] out = new String[Math.min(n, FIRST_ALLOCATION)];
        byte[] item = new byte[dtype.itemSize()];
        int[] codePoints = dtype.kind == 'U' ? new int[dtype.size] : null;
        for (int i = 0; i < n; i++) {
            fill(in, item, item.length, i, n, field, what);
            if (i == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            // NUL pads an item to the dtype's width, so only trailing ones go, as numpy strips them; one inside the
            // text is kept and refused with the labels rather than silently cutting the label short.
            if (dtype.kind == 'U') {
                ByteBuffer b = ByteBuffer.wrap(item).order(dtype.byteOrder());
                int end = 0;
                for (int c = 0; c < dtype.size; c++) {
                    codePoints[c] = b.getInt();
                    if (!Character.isValidCodePoint(codePoints[c])) {
                        throw new BadDataException(field, what + ": item " + i + " is not Unicode text (code point "
                                + Integer.toHexString(codePoints[c]) + "); write the labels with numpy's str dtype");
                    }
                    if (codePoints[c] != 0) {
                        end = c + 1;
                    }
                }
                out[i] = new String(codePoints, 0, end);
            } else {
                int end = item.length;
                while (end > 0 && item[end - 1] == 0) {
                    end--;
                }
                out[i] = new String(item, 0, end, StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    private static void fill(DataInputStream in, byte[] buffer, int length, int done, int n, String field,
            String what) throws IOException {
        int read = in.readNBytes(buffer, 0, length);
        if (read < length) {
            throw truncated(done, n, field, what);
        }
    }

    private static BadDataException truncated(int done, int n, String field, String what) {
        return new BadDataException(field, what + ": the data ends after about " + done + " of the " + n
                + " values its shape announces; was the upload truncated?");
    }

    /** Fortran-ordered data (first axis fastest) reordered to C order (last axis fastest). */
    private static NpyArray toRowMajor(NpyArray a) {
        int[] shape = a.shape();
        int n = a.length();
        int rank = shape.length;
        int[] fStride = new int[rank];
        fStride[0] = 1;
        for (int k = 1; k < rank; k++) {
            fStride[k] = fStride[k - 1] * shape[k - 1];
        }
        int[] index = new int[rank];
        int[] from = new int[n];
        int f = 0;
        for (int c = 0; c < n; c++) {
            from[c] = f;
            for (int k = rank - 1; k >= 0; k--) {
                index[k]++;
                f += fStride[k];
                if (index[k] < shape[k]) {
                    break;
                }
                f -= index[k] * fStride[k];
                index[k] = 0;
            }
        }
        float[] floats = null;
        byte[] bytes = null;
        String[] text = null;
        if (a.floats() != null) {
            floats = new float[n];
            for (int c = 0; c < n; c++) {
                floats[c] = a.floats()[from[c]];
            }
        } else if (a.bytes() != null) {
            bytes = new byte[n];
            for (int c = 0; c < n; c++) {
                bytes[c] = a.bytes()[from[c]];
            }
        } else {
            text = new String[n];
            for (int c = 0; c < n; c++) {
                text[c] = a.text()[from[c]];
            }
        }
        return new NpyArray(a.name(), shape, a.dtype(), floats, bytes, text);
    }
}
