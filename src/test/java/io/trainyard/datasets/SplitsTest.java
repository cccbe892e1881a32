package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {

    /** Iris: 150 examples, 50 per class, with class names as text. */
    private static LoadedDataset iris() throws IOException {
        Parsed parsed = CsvParser.parse(new java.io.ByteArrayInputStream(TestData.sklearnCsv("iris.csv", "species", true)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "species", null, 1000);
        return NpyParsingTest.loaded(parsed);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() throws IOException {
        LoadedDataset iris = iris();
        Splits.Split a = Splits.split(iris, 42, 0.2, 0.1, true);
        Splits.Split b = Splits.split(iris, 42, 0.2, 0.1, true);
        Splits.Split c = Splits.split(iris, 43, 0.2, 0.1, true);

        assertThat(a.train()).containsExactly(b.train());
        assertThat(a.validation()).containsExactly(b.validation());
        assertThat(a.test()).containsExactly(b.test());
        assertThat(a.validation()).isNotEqualTo(c.validation());
    }

    @Test
    void splitsAreDisjointAndCoverEveryExample() throws IOException {
        Splits.Split split = Splits.split(iris(), 7, 0.2, 0.1, false);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())),
                Arrays.stream(split.test())).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, 150).toArray());
        assertThat(split.validation()).hasSize(30);
        assertThat(split.test()).hasSize(15);
    }

    @Test
    void stratifiedSplitsKeepTheClassProportions() throws IOException {
        LoadedDataset iris = iris();
        Splits.Split split = Splits.split(iris, 1, 0.2, 0.2, true);
        for (int[] part : List.of(split.validation(), split.test())) {
            assertThat(classCounts(iris, part)).containsExactly(10, 10, 10);
        }
        assertThat(classCounts(iris, split.train())).containsExactly(30, 30, 30);
    }

    @Test
    void aTinyClassKeepsAnExampleForTraining() {
        LoadedDataset tiny = new LoadedDataset(InputShape.Kind.FEATURES, new int[] {1}, 4, new float[4],
                new int[] {0, 0, 0, 1}, List.of("a", "b"), null, null);
        Splits.Split split = Splits.split(tiny, 3, 0.4, 0.4, true);
        assertThat(classCounts(tiny, split.train())[1]).isEqualTo(1);
    }

    @Test
    void refusesImpossibleRequests() throws IOException {
        LoadedDataset unlabelled = new LoadedDataset(InputShape.Kind.FEATURES, new int[] {1}, 2, new float[2], null,
                null, null, null);
        assertThatThrownBy(() -> Splits.split(unlabelled, 1, 0.1, 0.1, true)).hasMessageContaining("class labels");
        assertThatThrownBy(() -> Splits.split(iris(), 1, 0.6, 0.4, false)).hasMessageContaining("leave some data");
    }

    private static int[] classCounts(LoadedDataset data, int[] indices) {
        int[] counts = new int[data.classCount()];
        for (int i : indices) {
            counts[data.labels()[i]]++;
        }
        return counts;
    }
}
