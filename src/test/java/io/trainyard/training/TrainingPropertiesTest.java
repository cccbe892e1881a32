package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrainingPropertiesTest {

    private static TrainingProperties withCompilerNice(int nice) {
        return new TrainingProperties(Duration.ofSeconds(2), 0.1, 3, true, nice);
    }

    @Test
    void compilerThreadsNiceTakesZeroToNineteen() {
        assertThat(withCompilerNice(0).compilerThreadsNice()).isZero();
        assertThat(withCompilerNice(19).compilerThreadsNice()).isEqualTo(19);
        for (int bad : new int[] {-1, 20}) {
            assertThatThrownBy(() -> withCompilerNice(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trainyard.training.compiler-threads-nice must be 0")
                    .hasMessageContaining("to 19, not " + bad);
        }
    }
}
