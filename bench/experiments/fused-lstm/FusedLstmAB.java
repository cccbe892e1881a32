// Experiment (docs/performance.md, "Fused LSTM"): DL4J's LSTM vs libnd4j's fused lstmLayer op in a SameDiffLayer,
// same sizes as the bench LSTM (32 -> 128, 50 steps, batch 32, Adam), interleaved in one JVM. Not used by the service.
import org.deeplearning4j.nn.conf.*;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.*;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

public class FusedLstmAB {
    static MultiLayerNetwork net(boolean fused) {
        Layer rnn = fused ? new FusedLstm(32, 128) : new LSTM.Builder().nIn(32).nOut(128).activation(Activation.TANH).build();
        MultiLayerConfiguration c = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3))
            .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
            .list().layer(fused ? rnn : new LastTimeStep(rnn))
            .layer(new OutputLayer.Builder().nOut(10).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
            .setInputType(InputType.recurrent(32, 50)).build();
        MultiLayerNetwork n = new MultiLayerNetwork(c); n.init(); return n;
    }
    public static void main(String[] a) {
        int n = 384, bs = 32;
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 32, 50);
        // learnable target: class = argmax of mean of first 10 features at last steps
        INDArray y = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 10);
        INDArray m = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0,10), org.nd4j.linalg.indexing.NDArrayIndex.interval(40,50)).mean(2);
        INDArray arg = m.argMax(1);
        for (int i = 0; i < n; i++) y.putScalar(i, arg.getInt(i), 1f);
        for (String mode : a[0].split(",")) {
            boolean fused = mode.equals("fused");
            MultiLayerNetwork net = net(fused);
            for (int ep = 0; ep < Integer.parseInt(a[1]); ep++) {
                long t = System.nanoTime(); double loss = 0;
                for (int i = 0; i < n; i += bs) {
                    INDArray xb = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + bs)).dup();
                    INDArray yb = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + bs)).dup();
                    net.fit(xb, yb); loss += net.score();
                }
                double s = (System.nanoTime() - t) / 1e9;
                System.out.printf("%s epoch %d: %.0f samples/s loss %.4f%n", mode, ep, n / s, loss / (n / bs));
            }
        }
    }
}
