import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * What DL4J M2.1's output layer does per training step on the MLP benchmark's shapes (256 examples, 1024 inputs, 10
 * classes), each operation timed alone: the pre-activation through ND4J's mmuli (computed twice per step: backward
 * pass and score) and through OpenBLAS's sgemm (bias added), the loss gradient and the score. Median of 300 runs
 * after 50.
 */
public class OutputLayerOps {

    public static void main(String[] args) {
        int rows = 256;
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, 1024);
        INDArray w = Nd4j.rand(DataType.FLOAT, 1024, 10);
        INDArray b = Nd4j.rand(DataType.FLOAT, 1, 10);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, 10);
        for (int i = 0; i < rows; i++) {
            labels.putScalar(i, i % 10, 1f);
        }
        INDArray z = x.mmul(w).addiRowVector(b);
        INDArray out = Nd4j.create(DataType.FLOAT, rows, 10);
        LossMCXENT loss = new LossMCXENT();
        ActivationSoftmax softmax = new ActivationSoftmax();
        // DL4J keeps a layer's weights as a column-major ('f') view of its flat parameters.
        INDArray wf = w.dup('f');
        time("pre-activation, ND4J mmuli, weights 'f' (as DL4J stores them)", () -> x.mmul(wf).addiRowVector(b));
        time("pre-activation, ND4J mmuli, weights 'c'", () -> x.mmul(w).addiRowVector(b));
        time("pre-activation, cblas_sgemm, weights 'f'", () -> {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasTrans, rows, 10, 1024, 1f, new FloatPointer(x.data().addressPointer()),
                    1024, new FloatPointer(wf.data().addressPointer()), 1024, 0f,
                    new FloatPointer(out.data().addressPointer()), 10);
            out.addiRowVector(b);
        });
        time("LossMCXENT.computeGradient", () -> loss.computeGradient(labels, z.dup(), softmax, null));
        time("LossMCXENT.computeScore", () -> loss.computeScore(labels, z.dup(), softmax, null, false));
    }

    private static void time(String name, Runnable r) {
        for (int i = 0; i < 50; i++) {
            r.run();
        }
        long[] t = new long[300];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        System.out.printf("%s: %.3f ms%n", name, t[t.length / 2] / 1e6);
    }
}
