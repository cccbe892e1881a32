package io.trainyard.datasets;

import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.storage.ObjectInfo;
import io.trainyard.storage.ObjectStore;
import io.trainyard.support.Http;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every way an upload can be wrong: the answer is a 4xx problem+json naming the field and saying what to fix,
 * and nothing is left behind, neither a row nor an object.
 */
@DatasetsIntegrationTest
class MalformedUploadTest {

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @Autowired
    JdbcClient jdbc;

    static Stream<Arguments> malformedUploads() {
        byte[] x = NpyWriter.npy("<f4", new int[] {2, 2}, new double[] {1, 2, 3, 4});
        return Stream.of(
                row("ragged CSV row", () -> csv("a,b,y\n1,2,0\n3,4\n"), 400, "file",
                        "line 3: expected 3 values (one per header column), found 2"),
                row("non-numeric CSV value", () -> csv("a,b,y\n1,2,0\n3,x4,1\n"), 400, "file",
                        "line 3, column 'b': 'x4' is not a number"),
                row("Java's float suffixes are not CSV numbers", () -> csv("a,b,y\n1f,2,0\n3,4,1\n"), 400, "file",
                        "line 2, column 'a': '1f' is not a number"),
                row("nor are hex floats", () -> csv("a,b,y\n1,0x1p3,0\n3,4,1\n"), 400, "file",
                        "line 2, column 'b': '0x1p3' is not a number"),
                row("a column name repeated in the header", () -> csv("a, a ,y\n1,2,0\n"), 400, "file",
                        "line 1 (header): column 'a' appears more than once; column names must be unique"),
                row("label column not in the header", () -> new Multipart().field("label", "target")
                        .file("file", "d.csv", "a,b,y\n1,2,0\n"), 400, "label",
                        "column 'target' is not in the header; available columns: [a, b, y]"),
                row("no label column named", () -> new Multipart().file("file", "d.csv", "a,b,y\n1,2,0\n"), 400,
                        "label", "required for CSV: name the label column; available columns: [a, b, y]"),
                row("feature column not in the header", () -> csv("a,b,y\n1,2,0\n").field("features", "a,c"), 400,
                        "features", "column 'c' is not in the header"),
                row("empty file", () -> new Multipart().field("label", "y").file("file", "d.csv", new byte[0]), 400,
                        "file", "the file 'd.csv' is empty"),
                row("IDX images and labels counts differ", () -> new Multipart()
                        .file("images", "i-idx3-ubyte", idx(0x803, new int[] {3, 2, 2}, 12))
                        .file("labels", "l-idx1-ubyte", idx(0x801, new int[] {2}, 2)), 400, "labels",
                        "the images file has 3 images but the labels file has 2 labels"),
                row("IDX labels sent as images", () -> new Multipart()
                        .file("images", "l-idx1-ubyte", idx(0x801, new int[] {2}, 2))
                        .file("labels", "l2-idx1-ubyte", idx(0x801, new int[] {2}, 2)), 400, "images",
                        "this looks like a labels file"),
                row("IDX without labels", () -> new Multipart()
                        .file("images", "i-idx3-ubyte", idx(0x803, new int[] {1, 1, 1}, 1)), 400, "labels",
                        "required: the IDX labels file"),
                row("corrupt gzip", () -> new Multipart()
                        .file("images", "i-idx3-ubyte.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3})
                        .file("labels", "l-idx1-ubyte", idx(0x801, new int[] {1}, 1)), 400, "images", "gzip"),
                row("gzip'd CSV cut off", () -> new Multipart().field("label", "y").file("file", "d.csv.gz",
                        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b}), 400, "file",
                        "the file is corrupt or cut off"),
                row("NPZ without x", () -> new Multipart().file("file", "d.npz", NpyWriter.npz(Map.of("X", x), true)),
                        400, "file", "the archive has no array named 'x'; found [X]"),
                row("unsupported dtype", () -> new Multipart().file("file", "d.npy",
                        NpyWriter.npy("<c8", new int[] {1, 1}, false, new byte[8])), 400, "file",
                        "unsupported dtype '<c8'; use float32, float64, an integer type"),
                row("ragged sequences as an object array", () -> new Multipart().file("file", "d.npy",
                        NpyWriter.npy("|O", new int[] {2}, false, new byte[16])), 400, "file",
                        "pad sequences to [N, T, F] and send a mask [N, T]"),
                row("NPY labels of another length", () -> new Multipart().file("file", "x.npy", x)
                        .file("labels", "y.npy", NpyWriter.npy("<i4", new int[] {3}, new double[3])), 400, "labels",
                        "x has 2 examples but y has 3 labels"),
                row("IDX header whose sizes overflow a long", () -> new Multipart()
                        .file("images", "i-idx3-ubyte", idx(0x803, new int[] {3, Integer.MAX_VALUE, Integer.MAX_VALUE}, 3))
                        .file("labels", "l-idx1-ubyte", idx(0x801, new int[] {3}, 3)), 400, "images",
                        "too many pixels for one dataset"),
                row("dtype width past any integer", () -> new Multipart().file("file", "d.npy",
                        NpyWriter.npy("<f99999999999", new int[] {1, 1}, false, new byte[4])), 400, "file",
                        "unsupported dtype '<f99999999999'"),
                row("text labels wider than a class name", () -> new Multipart().file("file", "x.npy", x)
                        .file("labels", "y.npy", NpyWriter.npy("<U5000", new int[] {2}, false, new byte[40_000])),
                        400, "labels", "labels are at most 1000 characters"),
                row("a header announcing 2e9 values in a small file", () -> new Multipart().file("file", "d.npy",
                        NpyWriter.npy("<f4", new int[] {1_000_000_000, 2}, false, new byte[64])), 400, "file",
                        "the data ends after about 0 of the 2000000000 values its shape announces"),
                row("NPY text labels with a NUL inside", () -> new Multipart().file("file", "x.npy", x)
                        .file("labels", "y.npy", NpyWriter.npyText(new int[] {2}, 6, "cat\u0000A", "cat\u0000B")), 400,
                        "labels", "has a text label with a NUL character"),
                row("NPY text that is not Unicode", () -> new Multipart().file("file", "x.npy", x)
                        .file("labels", "y.npy", NpyWriter.npy("<U1", new int[] {2}, false,
                                new byte[] {0, 0, 0x20, 0, 0x61, 0, 0, 0})), 400, "labels", "is not Unicode text"),
                row("CSV label longer than a class name", () -> csv("a,y\n1,0\n2," + "z".repeat(70_000) + "\n"), 400,
                        "label", "has a text label of 70000 characters"),
                row("CSV label with a NUL", () -> csv("a,y\n1,cat\n2,d\u0000g\n"), 400, "label",
                        "has a text label with a NUL character"),
                row("dataset name with a control character", () -> csv("a,y\n1,0\n2,1\n").field("name", "a\u0000b"),
                        400, "name", "no control characters"),
                row("a mask beside features", () -> new Multipart().file("file", "d.npz", NpyWriter.npz(Map.of(
                        "x", x, "mask", NpyWriter.npy("<f4", new int[] {2, 2}, new double[] {1, 1, 1, 0})), true)),
                        400, "file", "a mask marks the steps of sequences, x of shape [N, T, F]; x has shape [2, 2]"),
                row("unknown format value", () -> csv("a,y\n1,0\n").field("format", "xlsx"), 400, "format",
                        "must be one of csv, idx, npz, npy; got 'xlsx'"),
                row("format not inferable", () -> new Multipart().file("file", "data.bin", x), 400, "format",
                        "cannot tell the format from the file name 'data.bin'"),
                row("unknown form field", () -> csv("a,y\n1,0\n").field("lable", "y"), 400, "lable",
                        "unknown field; allowed: [features, file, format, images, label, labels, layout, name]"),
                row("no file at all", () -> new Multipart().field("name", "nothing"), 400, "file",
                        "required: the dataset file"),
                row("bad layout", () -> new Multipart().field("layout", "video").file("file", "x.npy", x), 400,
                        "layout", "must be 'image'"),
                row("larger than trainyard.datasets.max-upload-size", () -> new Multipart().field("label", "y")
                        .file("file", "big.csv", new byte[9 * 1024 * 1024]), 413, null,
                        "larger than the configured maximum of 8388608 bytes (trainyard.datasets.max-upload-size)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedUploads")
    void answersWithAProblemAndLeavesNothingBehind(String title, Supplier<Multipart> form, int status,
            String pointer, String message) throws IOException {
        long rowsBefore = rows();
        List<ObjectInfo> objectsBefore = store.list("datasets/");

        Http http = new Http(port);
        Http.Response response = http.send(form.get().post(http.uri("/api/v1/datasets")));

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        if (pointer != null) {
            assertThat(response.json().at("/errors/0/pointer").asString()).isEqualTo(pointer);
            assertThat(response.json().at("/errors/0/message").asString()).contains(message);
        } else {
            assertThat(response.json().get("detail").asString()).contains(message);
        }
        assertThat(rows()).as("no row").isEqualTo(rowsBefore);
        assertThat(store.list("datasets/")).as("no orphan object").isEqualTo(objectsBefore);
    }

    @org.junit.jupiter.api.Test
    void aLongFileNameIsNoReasonToRefuseAnUpload() {
        Http http = new Http(port);
        String longName = "x".repeat(600) + ".csv";
        Http.Response named = http.send(new Multipart().field("label", "y").field("name", "long-file")
                .file("file", longName, "a,y\n1,0\n2,1\n").post(http.uri("/api/v1/datasets")));
        assertThat(named.status()).as(named.body()).isEqualTo(201);
        assertThat(named.json().at("/files/0/fileName").asString()).isEqualTo(longName);
    }

    static Stream<Arguments> unreadableMultipartBodies() {
        return Stream.of(
                Arguments.of("no boundary", "multipart/form-data",
                        "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na\r\n--x--\r\n"),
                Arguments.of("cut off", "multipart/form-data; boundary=x",
                        "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n\r\na,y"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableMultipartBodies")
    void anUnreadableMultipartBodyIs400(String title, String contentType, String body) throws IOException {
        long rowsBefore = rows();
        Http http = new Http(port);
        Http.Response response = http.send("POST", "/api/v1/datasets", contentType, body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("multipart/form-data body could not be read");
        assertThat(rows()).as("no row").isEqualTo(rowsBefore);
    }

    private static Arguments row(String title, Supplier<Multipart> form, int status, String pointer, String message) {
        return Arguments.of(title, form, status, pointer, message);
    }

    private static Multipart csv(String content) {
        return new Multipart().field("label", "y").file("file", "d.csv", content);
    }

    /** An IDX file: magic, dimensions, then {@code values} zero bytes. */
    private static byte[] idx(int magic, int[] dims, int values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values);
        b.putInt(magic);
        Arrays.stream(dims).forEach(b::putInt);
        return b.array();
    }

    private long rows() {
        return jdbc.sql("SELECT COUNT(*) FROM datasets").query(Long.class).single();
    }
}
