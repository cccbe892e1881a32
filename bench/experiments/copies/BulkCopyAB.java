package io.trainyard.engine;
// A/B (docs/performance.md, "Background checkpoints and bulk copies"): Nd4j.create(float[]) / data().asFloat()
// against the engine's bulk copies (Arrays4j.floats) for a 64x784 batch, 2000 times each, three rounds.
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;
public class BulkCopyAB {
    public static void main(String[] a) {
        float[] x = new float[64 * 784];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        long[] shape = {64, 784};
        INDArray old = Nd4j.create(x, shape, 'c'), neu = Arrays4j.floats(x, shape);
        System.out.println("equal: " + old.equals(neu) + " roundtrip: " + java.util.Arrays.equals(x, Arrays4j.floats(neu)));
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 2000; i++) Nd4j.create(x, shape, 'c');
            long t1 = System.nanoTime();
            for (int i = 0; i < 2000; i++) Arrays4j.floats(x, shape);
            long t2 = System.nanoTime();
            for (int i = 0; i < 2000; i++) old.data().asFloat();
            long t3 = System.nanoTime();
            for (int i = 0; i < 2000; i++) Arrays4j.floats(old);
            long t4 = System.nanoTime();
            System.out.printf("create: Nd4j %.1f us, bulk %.1f us | read: asFloat %.1f us, bulk %.1f us%n", (t1-t0)/2000e3, (t2-t1)/2000e3, (t3-t2)/2000e3, (t4-t3)/2000e3);
        }
    }
}
