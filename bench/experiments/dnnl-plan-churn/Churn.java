package io.trainyard.engine;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class Churn {
    public static void main(String[] a) {
        DnnlConvolution conv = new DnnlConvolution(DnnlConvolution.Backward.ALL);
        INDArray w = Nd4j.rand(DataType.FLOAT, 50, 20, 5, 5);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1, 50);
        INDArray[] in = new INDArray[33];
        INDArray[] out = new INDArray[33];
        for (int n = 1; n <= 32; n++) {
            in[n] = Nd4j.rand(DataType.FLOAT, n, 20, 12, 12);
            out[n] = Nd4j.createUninitialized(DataType.FLOAT, n, 50, 8, 8);
        }
        java.util.Random r = new java.util.Random(1);
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                int n = 16;
                conv.forward(shape(n), in[n], w, b, out[n], false);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                int n = 1 + r.nextInt(32);
                conv.forward(shape(n), in[n], w, b, out[n], false);
            }
            long t2 = System.nanoTime();
            System.out.printf("same batch (16): %.3f ms a call; batch 1-32 at random: %.3f ms a call%n",
                    (t1 - t0) / 1e6 / 500, (t2 - t1) / 1e6 / 500);
        }
    }

    static DnnlConvolution.Shape shape(int n) {
        return new DnnlConvolution.Shape(n, 20, 12, 12, 50, 8, 8, new int[] {5, 5}, new int[] {1, 1}, new int[] {0, 0},
                new int[] {1, 1}, true);
    }
}
