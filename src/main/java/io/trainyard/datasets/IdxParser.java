package io.trainyard.datasets;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST, plain or gzip'd: an images file (magic 0x00000803: unsigned bytes,
 * [N, H, W]) and a labels file (magic 0x00000801: unsigned bytes, [N]). Big-endian header, then raw bytes.
 */
final class IdxParser {

    private static final int UBYTE = 0x08;

    private IdxParser() {
    }

    record Header(int type, int[] dims) {
    }

    static Parsed parse(InputStream imagesSource, InputStream labelsSource, int maxClasses) throws IOException {
        DataInputStream images = new DataInputStream(open(imagesSource, "images"));
        DataInputStream labels = new DataInputStream(open(labelsSource, "labels"));
        int[] imageDims = header(images, "images", 3).dims();
        int[] labelDims = header(labels, "labels", 1).dims();
        if (imageDims[0] != labelDims[0]) {
            throw new BadDataException("labels", "the images file has " + imageDims[0] + " images but the labels file "
                    + "has " + labelDims[0] + " labels; they must match one to one");
        }
        int count = imageDims[0];
        if (count == 0) {
            throw new BadDataException("images", "the images file holds no images");
        }
        // Each factor is below 2^31, so neither product overflows a long once the first is bounded.
        long perImage = (long) imageDims[1] * imageDims[2];
        long size = perImage > FloatList.MAX_SIZE ? Long.MAX_VALUE : count * perImage;
        if (size > FloatList.MAX_SIZE) {
            throw new BadDataException("images", "the header announces " + count + " images of " + imageDims[1]
                    + "x" + imageDims[2] + ", too many pixels for one dataset (at most " + FloatList.MAX_SIZE + ")");
        }
        byte[] pixels = body(images, (int) size, "images", count + " images of " + imageDims[1] + "x" + imageDims[2]);
        byte[] labelBytes = body(labels, count, "labels", count + " labels");
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = labelBytes[i] & 0xFF;
        }
        InputShape shape = InputShape.of(InputShape.Kind.IMAGE, 1, imageDims[1], imageDims[2]);
        return new Parsed(shape, count, null, pixels, Labels.ofNumbers(values, maxClasses), null);
    }

    private static InputStream open(InputStream source, String field) throws IOException {
        try {
            return Streams.maybeGunzip(source);
        } catch (ZipException | EOFException e) {
            throw new BadDataException(field, "the file starts like gzip but is not a valid gzip stream: "
                    + e.getMessage());
        }
    }

    private static Header header(DataInputStream in, String field, int rank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new BadDataException(field, "the file is empty or shorter than an IDX header");
        } catch (ZipException e) {
            throw new BadDataException(field, "corrupt gzip data: " + e.getMessage());
        }
        int type = (magic >>> 8) & 0xFF;
        int actualRank = magic & 0xFF;
        if ((magic >>> 16) != 0 || actualRank < 1 || actualRank > 4) {
            throw new BadDataException(field, "not an IDX file: it must start with the magic number 0x00000"
                    + (rank == 3 ? "803" : "801") + String.format(" (found 0x%08X)", magic));
        }
        if (actualRank != rank) {
            String swapped = rank == 3 && actualRank == 1 ? "; this looks like a labels file, send it as 'labels'"
                    : rank == 1 && actualRank == 3 ? "; this looks like an images file, send it as 'images'" : "";
            throw new BadDataException(field, "expected an IDX file with " + rank + " dimension" + (rank > 1 ? "s" : "")
                    + String.format(" (magic 0x%08X), found %d (magic 0x%08X)", 0x800 | rank, actualRank, magic)
                    + swapped);
        }
        if (type != UBYTE) {
            throw new BadDataException(field, String.format("unsupported IDX data type 0x%02X; only unsigned bytes "
                    + "(0x08) are supported", type));
        }
        int[] dims = new int[rank];
        try {
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                    throw new BadDataException(field, "invalid dimension " + dims[i] + " in the IDX header");
                }
            }
        } catch (EOFException e) {
            throw new BadDataException(field, "the file ends inside its IDX header");
        }
        return new Header(type, dims);
    }

    private static byte[] body(DataInputStream in, int size, String field, String what) throws IOException {
        byte[] bytes;
        try {
            bytes = in.readNBytes(size);
        } catch (ZipException | EOFException e) {
            throw new BadDataException(field, "corrupt gzip data: " + e.getMessage());
        }
        if (bytes.length < size) {
            throw new BadDataException(field, "the file ends after " + bytes.length + " of the " + size
                    + " bytes its header announces (" + what + "); was the upload truncated?");
        }
        if (in.read() >= 0) {
            throw new BadDataException(field, "the file has bytes after the " + what + " its header announces");
        }
        return bytes;
    }
}
