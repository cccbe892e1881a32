import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Cost of single ND4J calls on the bench LSTM's per-step shapes ([32,512] gates, [32,128]x[128,512] product):
 * the table in docs/performance.md, "Why the LSTM lags". Argument "1thread": libnd4j at one thread
 * (Nd4j.getEnvironment().setMaxThreads(1)); the other rows of the table come from the environment
 * (OMP_NUM_THREADS=1, OMP_WAIT_POLICY unset), see run.sh.
 */
public class OpCost {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("1thread")) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 512);
        INDArray y = Nd4j.rand(DataType.FLOAT, 32, 512);
        INDArray h = Nd4j.rand(DataType.FLOAT, 32, 128);
        INDArray r = Nd4j.rand(DataType.FLOAT, 128, 512);
        INDArray out = Nd4j.create(DataType.FLOAT, 32, 512);
        INDArray gates = x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 384));
        int n = 20_000;
        for (int round = 0; round < 3; round++) { // the first round is warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                x.addi(y);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                x.muli(y);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Transforms.sigmoid(gates, false);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Nd4j.gemm(h, r, out, false, false, 1.0, 1.0);
            }
            long t4 = System.nanoTime();
            System.out.printf("round %d: addi %.1f us, muli %.1f us, sigmoid(strided view) %.1f us, gemm-accumulate %.1f us%n",
                    round, (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n, (t4 - t3) / 1e3 / n);
        }
    }
}
