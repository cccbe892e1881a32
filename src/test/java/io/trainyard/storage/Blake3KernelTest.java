package io.trainyard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where checkpoints get BLAKE3's lanes, and the startup advice where they could but do not. */
class Blake3KernelTest {

    @Test
    void theSwitchTurnsTheLanesOffWithoutAdvice() {
        Blake3Kernel.Choice choice = Blake3Kernel.choose("false", 25, true);

        assertThat(choice.lanes()).isNull();
        assertThat(choice.why()).contains("trainyard.storage.blake3-lanes=false");
        assertThat(choice.advice()).isEmpty();
    }

    @Test
    void anOlderJavaHasNoLanesAndNoAdvice() {
        Blake3Kernel.Choice choice = Blake3Kernel.choose(null, 17, false);

        assertThat(choice.lanes()).isNull();
        assertThat(choice.why()).isEqualTo("Java 17");
        assertThat(choice.advice()).isEmpty();
    }

    @Test
    void java25WithoutTheModuleIsToldToAddIt() {
        Blake3Kernel.Choice choice = Blake3Kernel.choose(null, 25, false);

        assertThat(choice.lanes()).isNull();
        assertThat(choice.advice()).hasValueSatisfying(advice -> assertThat(advice)
                .contains("--add-modules=jdk.incubator.vector").contains("SHA-256").contains("BLAKE3"));
    }

    @Test
    void thisJvmsChoiceMatchesWhatItReports() {
        Blake3Kernel.Choice choice = Blake3Kernel.choose(null, Runtime.version().feature(),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());

        assertThat(choice.lanes() != null).isEqualTo(Blake3Kernel.available());
        assertThat(choice.advice()).isEmpty(); // the test JVMs add the module on Java 25 (pom.xml)
    }
}
