package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The startup warning for an OPENBLAS_CORETYPE set by hand to a core with narrower kernels than the CPU's. */
class NarrowerCoreAdviceTest {

    @Test
    void namesTheBetterCoreWhenTheSetOneIsNarrowerThanTheCpu() {
        assertThat(NativeRuntime.narrowerCoreAdvice("Haswell", "avx512")).hasValueSatisfying(advice -> assertThat(advice)
                .contains("OPENBLAS_CORETYPE=Haswell").contains("AVX512").contains("OPENBLAS_CORETYPE=SkylakeX"));
        assertThat(NativeRuntime.narrowerCoreAdvice("Prescott", "avx2")).hasValueSatisfying(advice -> assertThat(advice)
                .contains("OPENBLAS_CORETYPE=Haswell"));
        assertThat(NativeRuntime.narrowerCoreAdvice(" sandybridge ", "avx512")).isPresent();
    }

    @Test
    void staysQuietWhenTheSetCoreUsesWhatTheCpuHas() {
        assertThat(NativeRuntime.narrowerCoreAdvice("SkylakeX", "avx512")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice("cooperlake", "avx512")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice("Haswell", "avx2")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice("Zen", "avx2")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice("Prescott", "sse3")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice(null, "avx512")).isEmpty();
        assertThat(NativeRuntime.narrowerCoreAdvice("", "avx512")).isEmpty();
    }
}
