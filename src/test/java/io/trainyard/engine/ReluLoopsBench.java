package io.trainyard.engine;

import java.util.Random;

/**
 * The figures of docs/performance.md, "ReLU without a branch": ReLU's gradient as a ternary against
 * {@link ReluBackward#gradient}, on random pre-activations (signs a coin toss), in the two shapes the engine runs.
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * java -cp "$CP" io.trainyard.engine.ReluLoopsBench
 * </pre>
 * A benchmark, not a test: it asserts nothing and prints milliseconds per pass, best of six rounds.
 */
public final class ReluLoopsBench {

    private ReluLoopsBench() {
    }

    public static void main(String[] args) {
        // LeNet's first layer (64 × 20 planes of 24 × 24) and an MLP hidden layer (256 rows of 1024).
        report("convolution, 1280 planes x 576", 1280, 576);
        report("dense, 256 rows x 1024", 256, 1024);
    }

    /** As the engine's loops: a row copied out, the gradient written back, sums per position. */
    private static void report(String name, int rows, int width) {
        Random random = new Random(1);
        float[] z = new float[rows * width];
        float[] e = new float[rows * width];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextFloat() - 0.5f;
            e[i] = random.nextFloat();
        }
        float[] zr = new float[width];
        float[] er = new float[width];
        float[] sums = new float[width];
        double ternary = Double.MAX_VALUE;
        double mask = Double.MAX_VALUE;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(z, r * width, zr, 0, width);
                System.arraycopy(e, r * width, er, 0, width);
                for (int j = 0; j < width; j++) {
                    float d = zr[j] > 0f ? er[j] : 0f;
                    er[j] = d;
                    sums[j] += d;
                }
            }
            long t1 = System.nanoTime();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(z, r * width, zr, 0, width);
                System.arraycopy(e, r * width, er, 0, width);
                for (int j = 0; j < width; j++) {
                    float d = ReluBackward.gradient(zr[j], er[j]);
                    er[j] = d;
                    sums[j] += d;
                }
            }
            long t2 = System.nanoTime();
            ternary = Math.min(ternary, (t1 - t0) / 1e6);
            mask = Math.min(mask, (t2 - t1) / 1e6);
        }
        System.out.printf("%s: ternary %.2f ms, sign-bit mask %.2f ms (%.1fx)  [%s]%n", name, ternary, mask,
                ternary / mask, sums[0]);
    }
}
