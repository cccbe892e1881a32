package io.trainyard.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J M2.1's convolution layer without the second forward convolution of every training step: its backward pass
 * recomputes the pre-activation ({@code preOutput4d(true, true, …)}) that the forward pass had just computed and
 * overwritten with the activation. This layer keeps a copy from the training forward pass and hands it to the
 * backward pass instead. Only when a oneDNN helper runs the layer, the configuration the service ships and the
 * tests compare against stock DL4J; without a helper (helpers switched off) DL4J's own path runs unchanged. The
 * rest is DL4J's code (docs/performance.md, "Dense layers without wasted products"); equality with the stock layer
 * is tested in {@code LeanLayersTest}.
 */
final class LeanConvolutionLayer extends ConvolutionLayer {

    /** Pre-activation of the last training forward pass, and the input it was computed from. */
    private INDArray preActivation;
    private INDArray preActivationInput;

    LeanConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        return layer.getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) layer).layerConf().getWeightNoise() == null;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray cached = preActivation;
        boolean usable = cached != null && preActivationInput == input && helper != null;
        preActivation = null;
        preActivationInput = null;
        if (forBackprop && usable) {
            return new Pair<>(cached, null);
        }
        Pair<INDArray, INDArray> out = super.preOutput(training, forBackprop, workspaceMgr);
        if (training && !forBackprop) {
            // Same workspace as the activations: they stay valid until the backward pass is done.
            preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, out.getFirst());
            preActivationInput = input;
        }
        return out;
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
        preActivationInput = null;
    }
}
