package io.trainyard.bench;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The three reference networks of issue #7, their random data and their FLOP counts. The raw DL4J
 * configurations mirror what the engine's NetworkBuilder builds from bench/specs/*.json (Xavier init, ReLU,
 * Adam 1e-3, float32, softmax + cross-entropy), written directly against DL4J: that is the "bare DL4J" column.
 *
 * <p>Variants for experiments come from system properties: {@code bench.workspace} (ENABLED|NONE),
 * {@code bench.cache} (NONE|HOST|DEVICE), {@code bench.cnnFormat} (NCHW|NHWC), {@code bench.rnnFormat} (NCW|NWC),
 * {@code bench.batch.mlp|cnn|lstm} (another batch size).
 */
enum BenchNets {

    MLP(256, new int[] {784}, 10),
    CNN(64, new int[] {1, 28, 28}, 10),
    LSTM(32, new int[] {50, 32}, 10);

    final int batchSize;
    /** One example's shape as the NPZ file holds it: [F], [C,H,W] or [T,F]. */
    final int[] shape;
    final int classes;

    BenchNets(int batchSize, int[] shape, int classes) {
        this.batchSize = Integer.getInteger("bench.batch." + name().toLowerCase(java.util.Locale.ROOT), batchSize);
        this.shape = shape;
        this.classes = classes;
    }

    String id() {
        return name().toLowerCase();
    }

    int exampleSize() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Multiply-accumulates of one forward pass of one example (weights layers only). */
    long forwardMacs() {
        return switch (this) {
            case MLP -> 784L * 1024 + 1024L * 1024 + 1024L * 10;
            // conv1 24x24x20 outputs x 25 taps; conv2 8x8x50 outputs x (5x5x20) taps; dense 800->500; 500->10
            case CNN -> 24L * 24 * 20 * 25 + 8L * 8 * 50 * 25 * 20 + 800L * 500 + 500L * 10;
            // 4 gates x 128 units x (32 inputs + 128 recurrent) per step, 50 steps; output 128->10
            case LSTM -> 50L * 4 * 128 * (32 + 128) + 128L * 10;
        };
    }

    /** Training FLOPs per example: forward = 2 x MACs, training = 3 x forward (forward + two backward gemms). */
    double trainFlops() {
        return 3.0 * 2.0 * forwardMacs();
    }

    static List<BenchNets> parse(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(BenchNets::named).toList();
    }

    /** The net called {@code name} (mlp, cnn, lstm; any case). */
    static BenchNets named(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** Random features in [0, 1) and labels in [0, classes), the same for every column (fixed seed per net). */
    Data data(int n) {
        Random r = new Random(1234 + ordinal());
        float[] x = new float[n * exampleSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return new Data(n, x, y);
    }

    record Data(int n, float[] x, int[] y) {
    }

    static CNN2DFormat cnnFormat() {
        return CNN2DFormat.valueOf(System.getProperty("bench.cnnFormat", "NCHW"));
    }

    static RNNFormat rnnFormat() {
        return RNNFormat.valueOf(System.getProperty("bench.rnnFormat", "NCW"));
    }

    /** The raw DL4J configuration. */
    MultiLayerConfiguration conf() {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER);
        String ws = System.getProperty("bench.workspace");
        if (ws != null) {
            b.trainingWorkspaceMode(WorkspaceMode.valueOf(ws)).inferenceWorkspaceMode(WorkspaceMode.valueOf(ws));
        }
        String cache = System.getProperty("bench.cache");
        if (cache != null) {
            b.cacheMode(CacheMode.valueOf(cache));
        }
        OutputLayer out = new OutputLayer.Builder(LossFunction.MCXENT).nOut(classes).activation(Activation.SOFTMAX)
                .build();
        return switch (this) {
            case MLP -> b.list()
                    .layer(new DenseLayer.Builder().nOut(1024).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nOut(1024).activation(Activation.RELU).build())
                    .layer(out)
                    .setInputType(InputType.feedForward(784)).build();
            case CNN -> {
                CNN2DFormat f = cnnFormat();
                yield b.list()
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).dataFormat(f)
                                .build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                                .dataFormat(f).build())
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).activation(Activation.RELU).dataFormat(f)
                                .build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                                .dataFormat(f).build())
                        .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
                        .layer(out)
                        .setInputType(InputType.convolutional(28, 28, 1, f)).build();
            }
            case LSTM -> b.list()
                    .layer(new LastTimeStep(new LSTM.Builder().nOut(128).activation(Activation.TANH)
                            .dataFormat(rnnFormat()).build()))
                    .layer(out)
                    .setInputType(InputType.recurrent(32, 50, rnnFormat())).build();
        };
    }
}
