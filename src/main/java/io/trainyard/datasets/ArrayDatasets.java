package io.trainyard.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * NPY and NPZ uploads: {@code x} with shape [N, F], [N, H, W], [N, C, H, W] or [N, T, F], optionally {@code y}
 * ([N] or [N, 1], numbers or strings) and, for sequences, {@code mask} ([N, T] of 0/1, 1 = real step).
 */
final class ArrayDatasets {

    /** How to read a 3-D {@code x}: [N, H, W] single-channel images (the default) or [N, T, F] sequences. */
    enum Layout { IMAGE, SEQUENCE }

    private static final List<String> KNOWN = List.of("x", "y", "mask");

    private ArrayDatasets() {
    }

    /** An NPZ archive (what numpy.savez / savez_compressed write), read entry by entry as it streams. */
    static Parsed npz(InputStream source, Layout layout, int maxClasses) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(source)) {
            ZipEntry entry = zip.getNextEntry();
            if (entry == null) {
                throw new BadDataException("file", "not an .npz archive (or an empty one); write it with "
                        + "numpy.savez(file, x=..., y=...)");
            }
            for (; entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName().endsWith(".npy")
                        ? entry.getName().substring(0, entry.getName().length() - 4) : entry.getName();
                names.add(name);
                if (KNOWN.contains(name)) {
                    if (arrays.containsKey(name)) {
                        throw new BadDataException("file", "the archive holds '" + name + "' twice");
                    }
                    arrays.put(name, NpyReader.read(Streams.nonClosing(zip), "file", name, name.equals("x")));
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new BadDataException("file", "not a valid .npz (zip) archive: " + e.getMessage());
        }
        if (!arrays.containsKey("x")) {
            throw new BadDataException("file", "the archive has no array named 'x'; found " + names
                    + ". Save with numpy.savez(file, x=features, y=labels)");
        }
        return build(arrays.get("x"), arrays.get("y"), arrays.get("mask"), layout, maxClasses, "file", "file");
    }

    /** A single .npy file is {@code x}; labels may come as a second .npy file in the {@code labels} field. */
    static Parsed npy(InputStream x, InputStream y, Layout layout, int maxClasses) throws IOException {
        NpyArray features = NpyReader.read(x, "file", "x", true);
        NpyArray labels = y == null ? null : NpyReader.read(y, "labels", "y", false);
        return build(features, labels, null, layout, maxClasses, "file", "labels");
    }

    static Parsed build(NpyArray x, NpyArray y, NpyArray mask, Layout layout, int maxClasses, String xField,
            String yField) {
        int[] s = x.shape();
        if (x.text() != null) {
            throw new BadDataException(xField, "x must be numeric; it has dtype '" + x.dtype() + "'");
        }
        if (s.length < 2 || s.length > 4) {
            throw new BadDataException(xField, "x has shape " + x.describeShape() + "; expected [N, F], [N, H, W], "
                    + "[N, C, H, W] or [N, T, F]");
        }
        if (s[0] == 0) {
            throw new BadDataException(xField, "x holds no examples (shape " + x.describeShape() + ")");
        }
        for (int d : s) {
            if (d == 0) {
                throw new BadDataException(xField, "x has an empty axis (shape " + x.describeShape() + ")");
            }
        }
        boolean sequence = s.length == 3 && (layout == Layout.SEQUENCE || mask != null);
        if (mask != null && layout == Layout.IMAGE) {
            throw new BadDataException("layout", "a mask marks sequence steps; it cannot go with layout=image");
        }
        if (mask != null && s.length != 3) {
            throw new BadDataException(xField, "a mask marks the steps of sequences, x of shape [N, T, F]; x has shape "
                    + x.describeShape() + ", so leave the mask out");
        }
        if (layout == Layout.SEQUENCE && s.length != 3) {
            throw new BadDataException("layout", "layout=sequence needs x of shape [N, T, F]; x has shape "
                    + x.describeShape());
        }
        InputShape shape = switch (s.length) {
            case 2 -> InputShape.of(InputShape.Kind.FEATURES, s[1]);
            case 3 -> sequence ? InputShape.of(InputShape.Kind.SEQUENCE, s[1], s[2])
                    : InputShape.of(InputShape.Kind.IMAGE, 1, s[1], s[2]);
            default -> InputShape.of(InputShape.Kind.IMAGE, s[1], s[2], s[3]);
        };
        int count = s[0];
        if (x.floats() != null) {
            int size = shape.size();
            float[] values = x.floats();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new BadDataException(xField, "x: example " + (i / size) + " holds a NaN or infinite value "
                            + "(flat index " + i + "); clean the data first");
                }
            }
        }
        Labels labels = y == null ? Labels.NONE : labels(y, count, maxClasses, yField);
        float[] maskValues = mask == null ? null : mask(mask, count, s[1], xField);
        return new Parsed(shape, count, x.floats(), x.bytes(), labels, maskValues);
    }

    private static Labels labels(NpyArray y, int count, int maxClasses, String field) {
        int[] s = y.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
            throw new BadDataException(field, "y has shape " + y.describeShape() + "; expected [N] or [N, 1], one "
                    + "label per example");
        }
        if (s[0] != count) {
            throw new BadDataException(field, "x has " + count + " examples but y has " + s[0]
                    + " labels; they must match one to one");
        }
        if (y.text() != null) {
            for (int i = 0; i < y.text().length; i++) {
                if (y.text()[i].isEmpty()) {
                    throw new BadDataException(field, "y: label " + i + " is an empty string");
                }
            }
            return Labels.ofText(y.text(), maxClasses, field, "y");
        }
        float[] values = y.floats();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BadDataException(field, "y: label " + i + " is NaN or infinite");
            }
        }
        return Labels.ofNumbers(values, maxClasses);
    }

    private static float[] mask(NpyArray mask, int count, int steps, String field) {
        if (mask.text() != null || !Arrays.equals(mask.shape(), new int[] {count, steps})) {
            throw new BadDataException(field, "mask has shape " + mask.describeShape() + " and dtype '" + mask.dtype()
                    + "'; expected numbers of shape [" + count + ", " + steps + "] (N, T of x)");
        }
        float[] values = mask.floats();
        for (int n = 0; n < count; n++) {
            boolean any = false;
            for (int t = 0; t < steps; t++) {
                float v = values[n * steps + t];
                if (v != 0f && v != 1f) {
                    throw new BadDataException(field, "mask[" + n + ", " + t + "] is " + v + "; use 1 for real "
                            + "steps and 0 for padding");
                }
                any |= v == 1f;
            }
            if (!any) {
                throw new BadDataException(field, "mask: example " + n + " has no real time step");
            }
        }
        return values;
    }
}
