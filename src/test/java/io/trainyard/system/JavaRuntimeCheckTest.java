package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaRuntimeCheckTest {

    @Test
    void anOlderRuntimeGetsAdviceThatNamesItAndSaysWhatToDo() {
        assertThat(JavaRuntimeCheck.advice(17)).hasValueSatisfying(advice -> assertThat(advice)
                .contains("Java 17").contains("JAVA_HOME").contains("bin/trainyard"));
        assertThat(JavaRuntimeCheck.advice(JavaRuntimeCheck.SHIPPED_FEATURE - 1)).isPresent();
    }

    @Test
    void theShippedRuntimeAndNewerOnesGetNone() {
        assertThat(JavaRuntimeCheck.advice(JavaRuntimeCheck.SHIPPED_FEATURE)).isEmpty();
        assertThat(JavaRuntimeCheck.advice(JavaRuntimeCheck.SHIPPED_FEATURE + 1)).isEmpty();
    }
}
