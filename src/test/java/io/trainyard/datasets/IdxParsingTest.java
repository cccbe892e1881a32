package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST files from Debian's dataset-fashion-mnist. */
class IdxParsingTest {

    @Test
    void readsTheFashionMnistTrainingSet() throws IOException {
        Parsed train = parse("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");

        assertThat(train.count()).isEqualTo(60_000);
        assertThat(train.shape().kind()).isEqualTo(InputShape.Kind.IMAGE);
        assertThat(train.shape().shape()).containsExactly(1, 28, 28);
        assertThat(train.pixels()).hasSize(60_000 * 784);
        assertThat(train.labels().classes()).startsWith(9, 0, 0, 3, 0, 2, 7, 2, 5, 5);
        TaskHints hints = train.labels().hints(null);
        assertThat(hints.classes()).hasSize(10).allSatisfy(c -> assertThat(c.count()).isEqualTo(6_000));
        long firstImage = 0;
        for (int i = 0; i < 784; i++) {
            firstImage += train.pixels()[i] & 0xFF;
        }
        assertThat(firstImage).isEqualTo(76_247); // numpy: images[0].sum()
    }

    @Test
    void readsTheTestSetWithPlainAndGzippedFilesMixed() throws IOException {
        byte[] plainLabels;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.fashion("t10k-labels-idx1-ubyte.gz")))) {
            plainLabels = in.readAllBytes();
        }
        Parsed test;
        try (InputStream images = Files.newInputStream(TestData.fashion("t10k-images-idx3-ubyte.gz"))) {
            test = IdxParser.parse(images, new ByteArrayInputStream(plainLabels), 1000);
        }
        assertThat(test.count()).isEqualTo(10_000);
        assertThat(test.labels().classes()).startsWith(9, 2, 1, 1, 6, 1, 4, 6, 5, 7);
        assertThat(test.labels().classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    @Test
    void refusesImagesAndLabelsOfDifferentCounts() {
        assertThatThrownBy(() -> parse("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"))
                .isInstanceOf(BadDataException.class)
                .hasMessageContaining("60000 images").hasMessageContaining("10000 labels")
                .extracting(e -> ((BadDataException) e).field()).isEqualTo("labels");
    }

    @Test
    void namesSwappedFiles() {
        assertThatThrownBy(() -> parse("t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"))
                .isInstanceOf(BadDataException.class)
                .hasMessageContaining("looks like a labels file");
    }

    @Test
    void refusesATruncatedImagesFile() throws IOException {
        byte[] images;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(TestData.fashion("t10k-images-idx3-ubyte.gz")))) {
            images = in.readNBytes(16 + 784 * 10);
        }
        try (InputStream labels = Files.newInputStream(TestData.fashion("t10k-labels-idx1-ubyte.gz"))) {
            assertThatThrownBy(() -> IdxParser.parse(new ByteArrayInputStream(images), labels, 1000))
                    .isInstanceOf(BadDataException.class)
                    .hasMessageContaining("ends after 7840 of the 7840000 bytes");
        }
    }

    private static Parsed parse(String images, String labels) throws IOException {
        try (InputStream i = Files.newInputStream(TestData.fashion(images));
             InputStream l = Files.newInputStream(TestData.fashion(labels))) {
            return IdxParser.parse(i, l, 1000);
        }
    }
}
