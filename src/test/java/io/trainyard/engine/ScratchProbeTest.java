package io.trainyard.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.*;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ScratchProbeTest {
    @Test
    void probe() {
        var conf = new NeuralNetConfiguration.Builder().list()
                .layer(new SelfAttentionLayer.Builder().nHeads(2).headSize(3).projectInput(true).nOut(5).build())
                .layer(new RecurrentAttentionLayer.Builder().nHeads(2).headSize(4).projectInput(true).nOut(7).activation(Activation.TANH).build())
                .layer(new RecurrentAttentionLayer.Builder().nHeads(1).headSize(7).projectInput(false).nIn(7).nOut(7).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new AutoEncoder.Builder().nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nOut(2).build())
                .setInputType(InputType.recurrent(6, 4)).build();
        var net = new MultiLayerNetwork(conf);
        net.init();
        net.paramTable().forEach((k, v) -> System.out.println("PROBE " + k + " " + java.util.Arrays.toString(v.shape())));
        var c2 = new NeuralNetConfiguration.Builder().list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(10).nOut(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder.Builder().encoderLayerSizes(5,6).decoderLayerSizes(7).nOut(3)
                    .reconstructionDistribution(new org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution(Activation.IDENTITY)).build())
                .setInputType(InputType.recurrent(1, 5)).build();
        System.out.println("PROBE " + c2.getInputPreProcessors());
        var n2 = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(10).nOut(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(new LSTM.Builder().nOut(3).build()))
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.recurrent(1, 5)).build());
        n2.init();
        n2.paramTable().forEach((k, v) -> System.out.println("PROBE " + k + " " + java.util.Arrays.toString(v.shape())));
        var n3 = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder.Builder().encoderLayerSizes(5,6).decoderLayerSizes(7).nIn(8).nOut(3)
                    .reconstructionDistribution(new org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution(Activation.IDENTITY)).build())
                .build());
        n3.init();
        n3.paramTable().forEach((k, v) -> System.out.println("PROBE " + k + " " + java.util.Arrays.toString(v.shape())));
    }
}
