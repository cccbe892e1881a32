package io.trainyard.datasets;

import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** NPY/NPZ files written by the test itself for every dtype and shape, plus a few written by numpy. */
class NpyParsingTest {

    private static final String[] DTYPES = {"<f4", ">f4", "<f8", ">f8", "|i1", "<i2", "<i4", "<i8", ">i8", "|u1",
        "<u2", "<u4", "<u8", "|b1"};

    /** x shape, layout, expected kind, expected example shape. */
    static Stream<Arguments> dtypesAndShapes() {
        Object[][] shapes = {
            {new int[] {6, 3}, null, InputShape.Kind.FEATURES, new int[] {3}},
            {new int[] {6, 4, 5}, null, InputShape.Kind.IMAGE, new int[] {1, 4, 5}},
            {new int[] {6, 2, 4, 5}, null, InputShape.Kind.IMAGE, new int[] {2, 4, 5}},
            {new int[] {6, 4, 5}, ArrayDatasets.Layout.SEQUENCE, InputShape.Kind.SEQUENCE, new int[] {4, 5}},
        };
        return Arrays.stream(DTYPES).flatMap(dtype -> Arrays.stream(shapes)
                .map(s -> Arguments.of(dtype, s[0], s[1], s[2], s[3])));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("dtypesAndShapes")
    void readsEveryDtypeAndShape(String dtype, int[] shape, ArrayDatasets.Layout layout, InputShape.Kind kind,
            int[] exampleShape) throws IOException {
        int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = dtype.equals("|b1") ? i % 2 : i % 100;
        }
        double[] y = {2, 0, 1, 1, 0, 2};
        byte[] npz = NpyWriter.npz(Map.of("x", NpyWriter.npy(dtype, shape, values),
                "y", NpyWriter.npy("<i8", new int[] {6}, y)), dtype.startsWith("<"));

        Parsed parsed = ArrayDatasets.npz(new ByteArrayInputStream(npz), layout, 1000);

        assertThat(parsed.count()).isEqualTo(6);
        assertThat(parsed.shape().kind()).isEqualTo(kind);
        assertThat(parsed.shape().dims()).containsExactly(exampleShape);
        assertThat(loaded(parsed).features()).containsExactly(toFloats(values));
        assertThat(parsed.labels().classes()).containsExactly(2, 0, 1, 1, 0, 2);
        assertThat(parsed.pixels() != null).as("uint8 stays one byte per value").isEqualTo(dtype.equals("|u1"));
    }

    @Test
    void aSingleNpyFileWithLabelsInASecondFile() throws IOException {
        byte[] x = NpyWriter.npy("<f4", new int[] {4, 2}, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        byte[] y = NpyWriter.npy("<f8", new int[] {4, 1}, new double[] {0.5, 1.5, 2.5, 3.5});

        Parsed parsed = ArrayDatasets.npy(new ByteArrayInputStream(x), new ByteArrayInputStream(y), null, 1000);

        assertThat(parsed.labels().classes()).as("fractional labels are not classes").isNull();
        assertThat(parsed.labels().targets()).containsExactly(0.5f, 1.5f, 2.5f, 3.5f);
        assertThat(parsed.labels().hints(null).target().mean()).isEqualTo(2.0);
    }

    @Test
    void withoutLabelsTheDatasetIsForAutoencoders() throws IOException {
        byte[] x = NpyWriter.npy("<f4", new int[] {2, 2}, new double[] {1, 2, 3, 4});
        Parsed parsed = ArrayDatasets.npy(new ByteArrayInputStream(x), null, null, 1000);
        assertThat(parsed.labels().present()).isFalse();
        assertThat(parsed.labels().hints(null).labelled()).isFalse();
    }

    @Test
    void textLabelsBecomeClassesInAlphabeticalOrder() throws IOException {
        byte[] npz = NpyWriter.npz(Map.of(
                "x", NpyWriter.npy("<f4", new int[] {3, 1}, new double[] {1, 2, 3}),
                "y", NpyWriter.npyText(new int[] {3}, 5, "zebra", "ant", "zebra")), true);
        Parsed parsed = ArrayDatasets.npz(new ByteArrayInputStream(npz), null, 1000);
        assertThat(parsed.labels().classNames()).containsExactly("ant", "zebra");
        assertThat(parsed.labels().classes()).containsExactly(1, 0, 1);
    }

    @Test
    void paddedSequencesCarryTheirMask() throws IOException {
        double[] mask = {1, 1, 1, 1, 0, 0};
        byte[] npz = NpyWriter.npz(Map.of(
                "x", NpyWriter.npy("<f4", new int[] {2, 3, 2}, NpyWriter.range(12)),
                "mask", NpyWriter.npy("|b1", new int[] {2, 3}, mask)), false);
        Parsed parsed = ArrayDatasets.npz(new ByteArrayInputStream(npz), null, 1000);
        assertThat(parsed.shape().kind()).as("a mask implies sequences").isEqualTo(InputShape.Kind.SEQUENCE);
        assertThat(parsed.mask()).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(loaded(parsed).mask()).containsExactly(1, 1, 1, 1, 0, 0);
    }

    @Test
    void fortranOrderIsReorderedToRowMajor() throws IOException {
        // [[0, 1, 2], [3, 4, 5]] in column-major order is 0 3 1 4 2 5.
        byte[] x = NpyWriter.npy("<f4", new int[] {2, 3}, true, NpyWriter.encode("<f4",
                new double[] {0, 3, 1, 4, 2, 5}));
        Parsed parsed = ArrayDatasets.npy(new ByteArrayInputStream(x), null, null, 1000);
        assertThat(parsed.features()).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void filesWrittenByNumpy() throws IOException {
        Parsed images = ArrayDatasets.npz(fixture("numpy-images.npz"), null, 1000);
        assertThat(images.shape().dims()).containsExactly(1, 4, 3);
        assertThat(images.features()[13]).isEqualTo(1.3f);
        assertThat(images.labels().classNames()).containsExactly("bird", "cat", "dog");
        assertThat(images.labels().classes()).containsExactly(1, 2, 1, 0, 2);

        Parsed sequences = ArrayDatasets.npz(fixture("numpy-sequences.npz"), null, 1000);
        assertThat(sequences.shape().kind()).isEqualTo(InputShape.Kind.SEQUENCE);
        assertThat(sequences.shape().dims()).containsExactly(4, 2);
        assertThat(sequences.mask()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0);
        assertThat(sequences.labels().classes()).containsExactly(0, 1, 0);

        Parsed fortran = ArrayDatasets.npy(fixture("numpy-fortran.npy"), null, null, 1000);
        assertThat(fortran.features()).containsExactly(toFloats(NpyWriter.range(12)));
    }

    @Test
    void clearMessagesForWhatCannotBeRead() {
        byte[] x = NpyWriter.npy("<f4", new int[] {2, 2}, new double[] {1, 2, 3, 4});
        assertThatThrownBy(() -> npz(Map.of("features", x)))
                .hasMessageContaining("no array named 'x'; found [features]");
        assertThatThrownBy(() -> npz(Map.of("x", NpyWriter.npy("<c8", new int[] {1, 1}, false, new byte[8]))))
                .hasMessageContaining("unsupported dtype '<c8'");
        assertThatThrownBy(() -> npz(Map.of("x", NpyWriter.npy("|O", new int[] {2}, false, new byte[16]))))
                .hasMessageContaining("object arrays").hasMessageContaining("pad sequences to [N, T, F]");
        assertThatThrownBy(() -> npz(Map.of("x", x, "y", NpyWriter.npy("<i8", new int[] {3}, new double[3]))))
                .hasMessageContaining("x has 2 examples but y has 3 labels");
        assertThatThrownBy(() -> npz(Map.of("x", NpyWriter.npy("<f4", new int[] {4}, new double[4]))))
                .hasMessageContaining("x has shape [4]; expected [N, F], [N, H, W], [N, C, H, W] or [N, T, F]");
        assertThatThrownBy(() -> npz(Map.of("x", NpyWriter.npy("<f4", new int[] {1, 2}, new double[] {1, Double.NaN}))))
                .hasMessageContaining("example 0 holds a NaN");
        assertThatThrownBy(() -> npz(Map.of("x", Arrays.copyOf(x, x.length - 3))))
                .hasMessageContaining("was the upload truncated?");
        assertThatThrownBy(() -> npz(Map.of("x", NpyWriter.npy("<f4", new int[] {1, 2, 2}, new double[4]),
                "mask", NpyWriter.npy("<f4", new int[] {1, 2}, new double[] {1, 0.5}))))
                .hasMessageContaining("mask[0, 1] is 0.5");
        assertThatThrownBy(() -> ArrayDatasets.npz(new ByteArrayInputStream("not a zip".getBytes()), null, 1000))
                .hasMessageContaining("not an .npz archive");
    }

    @Test
    void theCompactFormRoundTrips() throws IOException {
        Parsed parsed = new Parsed(InputShape.of(InputShape.Kind.SEQUENCE, 2, 1), 2, new float[] {1, 2, 3, 4}, null,
                Labels.ofNumbers(new float[] {1, 0}, 10), new float[] {1, 1, 1, 0});
        LoadedDataset loaded = loaded(parsed);
        assertThat(loaded.kind()).isEqualTo(InputShape.Kind.SEQUENCE);
        assertThat(loaded.exampleShape()).containsExactly(2, 1);
        assertThat(loaded.features()).containsExactly(1, 2, 3, 4);
        assertThat(loaded.labels()).containsExactly(1, 0);
        assertThat(loaded.targets()).containsExactly(1, 0);
        assertThat(loaded.classNames()).containsExactly("0", "1");
        assertThat(loaded.mask()).containsExactly(1, 1, 1, 0);
    }

    private static Parsed npz(Map<String, byte[]> arrays) throws IOException {
        return ArrayDatasets.npz(new ByteArrayInputStream(NpyWriter.npz(new LinkedHashMap<>(arrays), true)), null, 1000);
    }

    static LoadedDataset loaded(Parsed parsed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataFile.write(parsed, out);
        return DataFile.read(new ByteArrayInputStream(out.toByteArray()));
    }

    private static InputStream fixture(String name) throws IOException {
        return NpyParsingTest.class.getResourceAsStream("/datasets/" + name);
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
