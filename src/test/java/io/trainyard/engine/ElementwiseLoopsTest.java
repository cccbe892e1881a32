package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API's loops against the chunked ones, bit for bit, over lengths and offsets that leave partial vectors and
 * partial chunks, with zeros of both signs, subnormals, infinities and NaN among the values. The chunked loops are
 * checked against DL4J's own ops by {@code LeanAdamUpdaterTest}, {@code ReluBackwardTest} and {@code LeanLayersTest}
 * (which, on Java 25 with the module added, run the vector loops too).
 */
class ElementwiseLoopsTest {

    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -3e-8f};
    private static final int[][] RANGES = {{0, 1}, {0, 15}, {0, 16}, {3, 20}, {0, 1023}, {1, 1025}, {17, 4099},
        {0, 9000}};

    private final ChunkedLoops chunked = new ChunkedLoops();

    /** Where the build and the Java can run them, they are what the engine runs: a lost profile or flag shows here. */
    @Test
    void theEngineRunsTheVectorLoopsOnJava25WithTheModule() {
        assumeTrue(Runtime.version().feature() >= 25, "the Vector API's loops need Java 25");
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector"))
                .as("surefire's argLine adds jdk.incubator.vector on Java 25 (pom.xml, profile java-25-plus)")
                .isPresent();
        assertThat(Loops.describe()).isEqualTo("vector");
        assertThat(Loops.get()).isNotInstanceOf(ChunkedLoops.class);
        assertThat(Loops.advice()).isEmpty();
    }

    /** Each fallback says why, and the service warns only where adding the module would help. */
    @Test
    void fallbacksSayWhyAndAdviseOnlyWhereTheModuleIsMissing() {
        Loops.Choice off = Loops.choose("false", 25, true);
        assertThat(off.loops()).isInstanceOf(ChunkedLoops.class);
        assertThat(off.why()).contains(Loops.SWITCH);
        assertThat(off.advice()).isNull();

        Loops.Choice old = Loops.choose(null, 17, false);
        assertThat(old.loops()).isInstanceOf(ChunkedLoops.class);
        assertThat(old.why()).contains("Java 17");
        assertThat(old.advice()).as("JavaRuntimeCheck warns about the older Java").isNull();

        Loops.Choice noModule = Loops.choose(null, 25, false);
        assertThat(noModule.loops()).isInstanceOf(ChunkedLoops.class);
        assertThat(noModule.advice()).contains("--add-modules=jdk.incubator.vector");
    }

    @Test
    void adamIsTheChunkedLoopsBitForBit() {
        ElementwiseLoops vector = vectorLoops();
        Random random = new Random(11);
        ElementwiseLoops.AdamStep step = new ElementwiseLoops.AdamStep(256, 0.9f, 0.999f, 1e-8f, 7.3e-4f);
        for (int[] range : RANGES) {
            for (boolean intoParams : new boolean[] {true, false}) {
                int n = range[1] + 5;
                float[] g = values(random, n, 0.1f);
                float[] m = values(random, n, 0.01f);
                float[] v = positive(random, n);
                float[] p = values(random, n, 1f);
                FloatBuffer[] expected = {direct(g), direct(m), direct(v), direct(p)};
                FloatBuffer[] actual = {direct(g), direct(m), direct(v), direct(p)};
                chunked.adam(expected[0], expected[1], expected[2], intoParams ? expected[3] : null, range[0],
                        range[1], step);
                vector.adam(actual[0], actual[1], actual[2], intoParams ? actual[3] : null, range[0], range[1], step);
                for (int k = 0; k < 4; k++) {
                    assertThat(bits(actual[k])).as("array %d over %d..%d, params %s", k, range[0], range[1], intoParams)
                            .containsExactly(bits(expected[k]));
                }
            }
        }
    }

    @Test
    void reluBackwardIsTheChunkedLoopsBitForBit() {
        ElementwiseLoops vector = vectorLoops();
        Random random = new Random(12);
        for (int[] range : RANGES) {
            int n = range[1] + 3;
            float[] z = values(random, n, 1f);
            float[] epsilon = values(random, n, 1f);
            FloatBuffer expected = direct(z);
            FloatBuffer actual = direct(z);
            chunked.reluBackward(expected, direct(epsilon), range[0], range[1]);
            vector.reluBackward(actual, direct(epsilon), range[0], range[1]);
            assertThat(bits(actual)).as("%d..%d", range[0], range[1]).containsExactly(bits(expected));
        }
    }

    @Test
    void reluKeepingInputIsTheChunkedLoopsBitForBit() {
        ElementwiseLoops vector = vectorLoops();
        Random random = new Random(14);
        for (int[] range : RANGES) {
            int n = range[1] + 3;
            float[] z = values(random, n, 1f);
            float[] copy = values(random, n, 1f);
            FloatBuffer expected = direct(z);
            FloatBuffer expectedCopy = direct(copy);
            FloatBuffer actual = direct(z);
            FloatBuffer actualCopy = direct(copy);
            chunked.reluKeepingInput(expected, expectedCopy, range[0], range[1]);
            vector.reluKeepingInput(actual, actualCopy, range[0], range[1]);
            assertThat(bits(actual)).as("%d..%d", range[0], range[1]).containsExactly(bits(expected));
            assertThat(bits(actualCopy)).as("copy %d..%d", range[0], range[1]).containsExactly(bits(expectedCopy));
        }
    }

    /** Rows narrower than a vector, rows with a partial vector at their end, and the bias sums across rows. */
    @Test
    void reluBackwardRowsAndTheirSumsAreTheChunkedLoopsBitForBit() {
        ElementwiseLoops vector = vectorLoops();
        Random random = new Random(13);
        for (int units : new int[] {5, 16, 33, 1024}) {
            int rows = 9;
            float[] z = values(random, rows * units, 1f);
            float[] epsilon = values(random, rows * units, 1f);
            float[] start = values(random, units, 1f);
            FloatBuffer expected = direct(z);
            FloatBuffer actual = direct(z);
            float[] expectedSums = start.clone();
            float[] actualSums = start.clone();
            chunked.reluBackwardRows(expected, direct(epsilon), units, 2, rows, expectedSums);
            vector.reluBackwardRows(actual, direct(epsilon), units, 2, rows, actualSums);
            assertThat(bits(actual)).as("units %d", units).containsExactly(bits(expected));
            assertThat(bits(FloatBuffer.wrap(actualSums))).as("sums, units %d", units)
                    .containsExactly(bits(FloatBuffer.wrap(expectedSums)));
        }
    }

    private static ElementwiseLoops vectorLoops() {
        assumeTrue(!(Loops.get() instanceof ChunkedLoops), () -> "no Vector API loops here: " + Loops.describe());
        return Loops.get();
    }

    private static float[] values(Random random, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 7 == 3 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian() * scale;
        }
        return a;
    }

    /** Second moments are never negative; zeros and subnormals are where the epsilon matters. */
    private static float[] positive(Random random, int n) {
        float[] a = values(random, n, 1e-4f);
        for (int i = 0; i < n; i++) {
            a[i] = Float.isNaN(a[i]) ? a[i] : Math.abs(a[i]);
        }
        return a;
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        b.put(values).clear();
        return b;
    }

    private static int[] bits(FloatBuffer b) {
        int[] out = new int[b.capacity()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(b.get(i));
        }
        return out;
    }
}
