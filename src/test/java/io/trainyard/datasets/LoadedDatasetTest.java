package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Another dataset's classes, numbered by their own names' order, take the training dataset's numbers by name. */
class LoadedDatasetTest {

    private static LoadedDataset withLabels(List<String> names, int... labels) {
        return new LoadedDataset(InputShape.Kind.FEATURES, new int[] {1}, labels.length, new float[labels.length],
                labels, names, null, null);
    }

    @Test
    void aSubsetOfTheClassesKeepsTheirMeaning() {
        // Without "cat", the validation data numbers dog 0 and fish 1; training numbers them 1 and 2.
        LoadedDataset validation = withLabels(List.of("dog", "fish"), 0, 1, 1, 0);

        LoadedDataset renumbered = validation.withClassesOf(List.of("cat", "dog", "fish"));

        assertThat(renumbered.labels()).containsExactly(1, 2, 2, 1);
        assertThat(renumbered.classNames()).containsExactly("cat", "dog", "fish");
    }

    @Test
    void theSameClassesAreLeftAsTheyAre() {
        LoadedDataset same = withLabels(List.of("a", "b"), 1, 0);
        assertThat(same.withClassesOf(List.of("a", "b"))).isSameAs(same);
    }

    @Test
    void aClassTrainingNeverSawIsNamed() {
        assertThatThrownBy(() -> withLabels(List.of("bird"), 0).withClassesOf(List.of("cat", "dog")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bird'");
    }
}
