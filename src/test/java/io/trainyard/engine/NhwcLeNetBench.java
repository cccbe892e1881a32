package io.trainyard.engine;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * docs/performance.md, "Where the CNN's step goes in oneDNN": the LeNet benchmark net on stock DL4J layers (no engine
 * replacements) in NCHW or NHWC, trained on one fixed random batch of 64, to see which oneDNN kernels and reorders
 * each layout gets (run with {@code DNNL_VERBOSE=1}) and what a step costs. Prints the median of the last two thirds
 * of the steps and the last loss (a fixed batch: the loss should fall towards 0).
 * <pre>
 * CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * unset OPENBLAS_CORETYPE; . bin/native-env.sh; . bin/java-env.sh
 * $TRAINYARD_JAVA $TRAINYARD_JAVA_FLAGS -cp "$CP" io.trainyard.engine.NhwcLeNetBench nhwc 40
 * </pre>
 * A benchmark, not a test.
 */
public final class NhwcLeNetBench {

    private NhwcLeNetBench() {
    }

    public static void main(String[] args) {
        NativeRuntime.configure();
        CNN2DFormat format = args[0].equals("nhwc") ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
        int steps = Integer.parseInt(args[1]);
        MultiLayerNetwork net = new MultiLayerNetwork(leNet(format));
        net.init();
        INDArray x = format == CNN2DFormat.NHWC ? Nd4j.rand(DataType.FLOAT, 64, 28, 28, 1)
                : Nd4j.rand(DataType.FLOAT, 64, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 64, 10);
        for (int i = 0; i < 64; i++) {
            y.putScalar(i, i % 10, 1);
        }
        DataSet batch = new DataSet(x, y);
        long[] nanos = new long[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            net.fit(batch);
            nanos[i] = System.nanoTime() - t0;
        }
        long[] kept = Arrays.copyOfRange(nanos, steps / 3, steps);
        Arrays.sort(kept);
        System.out.printf("%s: median step %.3f ms, loss %.4f%n", format, kept[kept.length / 2] / 1e6, net.score());
    }

    private static MultiLayerConfiguration leNet(CNN2DFormat format) {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).dataFormat(format)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(format).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).activation(Activation.RELU).dataFormat(format)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(format).build())
                .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1, format)).build();
    }
}
