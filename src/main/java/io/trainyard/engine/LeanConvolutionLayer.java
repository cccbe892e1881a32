package io.trainyard.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.Arrays;

/**
 * DL4J M2.1's convolution layer with two kinds of wasted work removed (docs/performance.md, "Convolutions as matrix
 * products"):
 * <ul>
 *   <li>DL4J's backward pass recomputes the pre-activation that the forward pass had just computed and overwritten
 *   with the activation. This layer keeps a copy from the training forward pass instead.</li>
 *   <li>As the first layer of a network, its gradient with respect to the input is never read (the input is data),
 *   yet DL4J computes it. There this layer runs as matrix products through OpenBLAS ({@link ConvolutionProducts}):
 *   the forward pass keeps its input's columns (im2col), and the backward pass computes only the weight and bias
 *   gradients from them. Layers that pass a gradient down keep libnd4j's oneDNN helper, whose forward pass beat
 *   im2col and a product on LeNet's second layer; without a helper (a dilated convolution, which libnd4j cannot
 *   hand to oneDNN) they run as products too, input gradient (col2im) included.</li>
 * </ul>
 * Other formats and types, and a weight-noise configuration, go through DL4J's code. Equality with the stock layer
 * is tested in {@code LeanLayersTest}.
 */
final class LeanConvolutionLayer extends ConvolutionLayer {

    private final boolean inputGradient;
    /** Pre-activation of the last training forward pass, the input it was computed from, and that input's columns. */
    private INDArray preActivation;
    private INDArray preActivationInput;
    private INDArray columns;
    private ConvolutionColumns.Geometry geometry;

    LeanConvolutionLayer(NeuralNetConfiguration conf, DataType dataType, boolean inputGradient) {
        super(conf, dataType);
        this.inputGradient = inputGradient;
        int[] dilation = layerConf().getDilation();
        if (dilation[0] > 1 || dilation[1] > 1) {
            // libnd4j M2.1 cannot describe a dilated convolution to oneDNN ("could not create a descriptor for a
            // dilated convolution forward propagation primitive"): the first call fails, logs an ERROR with a stack
            // trace, and DL4J falls back to its own path for good. Going there directly spares every job and every
            // model load that alarm.
            helper = null;
        }
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        return layer.getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) layer).layerConf().getWeightNoise() == null;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray cached = preActivation;
        boolean usable = cached != null && preActivationInput == input;
        preActivation = null;
        preActivationInput = null;
        if (forBackprop && usable) {
            return new Pair<>(cached, null);
        }
        columns = null;
        ConvolutionColumns.Geometry g = geometry();
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        Pair<INDArray, INDArray> out;
        if (g != null && (helper == null || !inputGradient) && ConvolutionProducts.applies(input, weights, g)) {
            assertInputSet(forBackprop);
            validateInputDepth(input.size(1));
            INDArray cols = ConvolutionColumns.of(input, g,
                    training ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM, workspaceMgr);
            INDArray z = ConvolutionProducts.forward(cols, weights,
                    hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null, g, (int) input.size(0),
                    workspaceMgr);
            out = new Pair<>(z, null);
            if (training && !forBackprop) {
                columns = cols;
                geometry = g;
            }
        } else if (helper == null) {
            // DL4J's own path reuses its im2col columns in its backward pass: nothing to keep.
            return super.preOutput(training, forBackprop, workspaceMgr);
        } else {
            out = super.preOutput(training, forBackprop, workspaceMgr);
        }
        if (training && !forBackprop) {
            // Same workspace as the activations: they stay valid until the backward pass is done.
            preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, out.getFirst());
            preActivationInput = input;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = preActivation;
        INDArray cols = columns;
        ConvolutionColumns.Geometry g = columns == null ? geometry() : geometry;
        columns = null;
        INDArray weightGrad = gradientViews == null ? null : gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        if ((inputGradient && cols == null) || z == null || preActivationInput != input || weightGrad == null
                || g == null || !ConvolutionProducts.applies(input, weights, g)
                || !ConvolutionColumns.contiguous(epsilon) || !ConvolutionColumns.contiguous(weightGrad)
                || !Arrays.equals(z.shape(), epsilon.shape())) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        preActivation = null;
        preActivationInput = null;
        IActivation activation = layerConf().getActivationFn();
        boolean relu = ReluBackward.isPlainRelu(activation);
        INDArray delta = relu ? epsilon : activation.backprop(z, epsilon).getFirst();
        if (!relu && !ConvolutionColumns.contiguous(delta)) {
            delta = delta.dup('c');
        }
        if (cols == null) {
            cols = ConvolutionColumns.of(input, g, ArrayType.BP_WORKING_MEM, workspaceMgr);
        }
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray delta2d = ConvolutionProducts.weightGradient(cols, z, delta, relu, g, weightGrad, biasGrad,
                workspaceMgr);
        Gradient gradient = new DefaultGradient();
        if (biasGrad != null) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        INDArray epsilonNext = null;
        if (inputGradient) {
            epsilonNext = backpropDropOutIfPresent(
                    ConvolutionProducts.inputGradient(weights, delta2d, g, input.shape(), workspaceMgr));
        }
        return new Pair<>(gradient, epsilonNext);
    }

    /** Whether the last training forward pass ran as matrix products (and kept its columns): for tests. */
    boolean keptColumns() {
        return columns != null;
    }

    /**
     * The convolution's shape for the current input (NCHW, DL4J's output size and padding, which also rejects what
     * DL4J rejects), or null when this layer leaves it to DL4J.
     */
    private ConvolutionColumns.Geometry geometry() {
        if (input == null || input.rank() != 4 || input.dataType() != DataType.FLOAT
                || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return null;
        }
        int[] kernel = layerConf().getKernelSize();
        int[] strides = layerConf().getStride();
        int[] dilation = layerConf().getDilation();
        int[] outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, layerConf().getPadding(),
                convolutionMode, dilation, CNN2DFormat.NCHW);
        int[] pad = convolutionMode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(outSize, new int[] {(int) input.size(2),
                        (int) input.size(3)}, kernel, strides, dilation)
                : layerConf().getPadding();
        return new ConvolutionColumns.Geometry(kernel, strides, pad, dilation, outSize[0], outSize[1]);
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
        preActivationInput = null;
        columns = null;
    }
}
