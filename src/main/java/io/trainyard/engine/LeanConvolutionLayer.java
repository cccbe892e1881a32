package io.trainyard.engine;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J M2.1's convolution layer, run through oneDNN's own API instead of libnd4j's layer helper, and without two
 * wasted convolutions per training step:
 * <ul>
 *   <li>Its passes go to {@link DnnlConvolution}, which reorders each array at most once a step where the helper
 *   reorders on every call, stale outputs included (docs/performance.md, "Convolutions through oneDNN's own API").
 *   Where that library did not load, or for arrays it does not take, DL4J's path and its helper run as before.</li>
 *   <li>DL4J's backward pass recomputes the pre-activation ({@code preOutput4d(true, true, …)}) that the forward
 *   pass had just computed and overwritten with the activation. This layer keeps a copy from the training forward
 *   pass and hands it to the backward pass instead (docs/performance.md, "Dense layers without wasted
 *   products"), when oneDNN runs the layer (the configuration the service ships; without it, DL4J's path reuses its
 *   own im2col columns and runs unchanged).</li>
 *   <li>As the first layer of a network, its gradient with respect to the input is never read (the input is data),
 *   yet DL4J computes it: with oneDNN, for a one-channel input, it is oneDNN's slowest primitive, 30 % of the LeNet
 *   step's convolution time (docs/performance.md, "The first convolution's input gradient"). There this layer
 *   computes only the weight and bias gradients: through oneDNN where it runs AVX-512 kernels (LeNet's first
 *   layer: 0.3 ms against 2.7 for the Java code, docs/performance.md, "Zen 4 (third)"), else in Java
 *   ({@link ConvolutionWeightGradient}; oneDNN's AVX2 kernel took twice as long), with or without a helper.</li>
 * </ul>
 * Equality with the stock layer is tested in {@code LeanLayersTest}.
 */
final class LeanConvolutionLayer extends ConvolutionLayer {

    private static final Logger log = LoggerFactory.getLogger(LeanConvolutionLayer.class);

    private final boolean inputGradient;
    /** Whether {@link #dnnl} computes the backward pass (the input's gradient, or the weights' only). */
    private final boolean dnnlBackward;
    /**
     * oneDNN called directly, or null where it did not load or failed on this layer once (then DL4J's path runs, as
     * DL4J falls back when its helper fails): see {@link DnnlConvolution}.
     */
    private DnnlConvolution dnnl;
    /** Pre-activation of the last training forward pass, and the input it was computed from. */
    private INDArray preActivation;
    private INDArray preActivationInput;
    /**
     * Whether the output goes channels-last to the next layer, which takes it so ({@link #channelsLastOutput}), and
     * while {@link #activate} runs, whether it fills {@link #preActivation} itself as it applies ReLU.
     */
    private boolean channelsLastOutput;
    private boolean reluFillsPreActivation;

    LeanConvolutionLayer(NeuralNetConfiguration conf, DataType dataType, boolean inputGradient) {
        super(conf, dataType);
        this.inputGradient = inputGradient;
        this.dnnlBackward = inputGradient || Dnnl.avx512();
        DnnlConvolution.Backward backward = inputGradient ? DnnlConvolution.Backward.ALL
                : dnnlBackward ? DnnlConvolution.Backward.WEIGHTS : DnnlConvolution.Backward.NONE;
        this.dnnl = Dnnl.available() ? new DnnlConvolution(backward) : null;
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

    /**
     * Lets oneDNN write the output channels-last ({@code acdb}, an NCHW array over NHWC memory) where its kernels
     * want that layout (AVX-512): for a next layer of the engine's that takes it as it is, a pooling or another
     * convolution. Between DL4J's NCHW and that layout every activation and gradient was reordered, 1.5 ms of the
     * LeNet step's ~11 on Zen 4 (docs/performance.md, "Zen 4 (fifth)").
     */
    void channelsLastOutput(boolean on) {
        channelsLastOutput = on;
    }

    /**
     * DL4J's forward pass, with plain ReLU applied by the engine's loop: in the same pass as the copy of the
     * pre-activation the backward pass needs (as {@link LeanDenseLayer} does), and over the memory as it lies, so
     * that a channels-last output is no strided walk for libnd4j. Other activations, and DL4J's forward-pass cache,
     * take DL4J's path.
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || cacheMode != null && cacheMode != CacheMode.NONE
                || !ReluBackward.isPlainRelu(layerConf().getActivationFn())) {
            return super.activate(training, workspaceMgr);
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        reluFillsPreActivation = true;
        INDArray z;
        try {
            z = preOutput(training, false, workspaceMgr).getFirst();
        } finally {
            reluFillsPreActivation = false;
        }
        INDArray copy = training ? preActivation : null;
        if (copy != null && Arrays4j.alike(z, copy)) {
            ReluForward.apply(z, copy);
            return z;
        }
        if (copy != null) {
            copy.assign(z);
        }
        INDArray flat = Arrays4j.flatOrNull(z);
        if (flat != null) {
            // Element-wise over the memory as it lies: a flat view, which libnd4j walks linearly.
            layerConf().getActivationFn().getActivation(flat, training);
            return z;
        }
        return layerConf().getActivationFn().getActivation(z, training);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray cached = preActivation;
        boolean usable = cached != null && preActivationInput == input && (helper != null || dnnl != null);
        preActivation = null;
        preActivationInput = null;
        if (forBackprop && usable) {
            return new Pair<>(cached, null);
        }
        if (dnnl != null) {
            dnnl.forget();
        }
        DnnlConvolution.Shape shape = dnnlShape();
        INDArray z = null;
        if (shape != null) {
            z = shape.channelsLastOut()
                    ? Arrays4j.channelsLast(workspaceMgr, ArrayType.ACTIVATIONS, shape.batch(), shape.outDepth(),
                            shape.outH(), shape.outW())
                    : workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                            new long[] {shape.batch(), shape.outDepth(), shape.outH(), shape.outW()}, 'c');
            try {
                dnnl.forward(shape, input, getParam(ConvolutionParamInitializer.WEIGHT_KEY),
                        hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null, z, training && dnnlBackward);
            } catch (RuntimeException e) {
                giveUpOnDnnl(e);
                z = null;
            }
        }
        Pair<INDArray, INDArray> out = z != null ? new Pair<>(z, null)
                : super.preOutput(training, forBackprop, workspaceMgr);
        if (training && !forBackprop) {
            // Same workspace as the activations: they stay valid until the backward pass is done. In z's layout, so
            // that ReLU's loops walk both alike; filled by activate's ReLU where it runs.
            INDArray first = out.getFirst();
            preActivation = Arrays4j.empty(first, workspaceMgr, ArrayType.ACTIVATIONS);
            if (!reluFillsPreActivation) {
                preActivation.assign(first);
            }
            preActivationInput = input;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = preActivation;
        INDArray weightGrad = gradientViews == null ? null : gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        if (dnnlBackward) {
            Pair<Gradient, INDArray> viaDnnl = backpropThroughDnnl(z, weightGrad, epsilon, workspaceMgr);
            if (viaDnnl != null) {
                return viaDnnl;
            }
        }
        if (inputGradient) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (z == null || preActivationInput != input || weightGrad == null
                || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW
                || !ConvolutionWeightGradient.applies(input, z, epsilon, weightGrad)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        preActivation = null;
        preActivationInput = null;
        IActivation activation = layerConf().getActivationFn();
        boolean relu = ReluBackward.isPlainRelu(activation);
        INDArray delta = relu ? epsilon : activation.backprop(z, epsilon).getFirst();
        if (!relu && !ConvolutionWeightGradient.applies(input, z, delta, weightGrad)) {
            delta = delta.dup('c');
        }
        int[] kernel = layerConf().getKernelSize();
        int[] strides = layerConf().getStride();
        int[] dilation = layerConf().getDilation();
        int[] outSize = {(int) z.size(2), (int) z.size(3)};
        int[] pad = convolutionMode == ConvolutionMode.Same
                ? ConvolutionUtils.getSameModeTopLeftPadding(outSize, new int[] {(int) input.size(2),
                        (int) input.size(3)}, kernel, strides, dilation)
                : layerConf().getPadding();
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        ConvolutionWeightGradient.compute(input, z, delta, relu,
                new ConvolutionWeightGradient.Geometry(kernel, strides, pad, dilation, outSize[0], outSize[1]),
                weightGrad, biasGrad, workspaceMgr);
        Gradient gradient = new DefaultGradient();
        if (biasGrad != null) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        return new Pair<>(gradient, null);
    }

    /**
     * The backward pass through {@link DnnlConvolution} when the forward pass went there (the input's gradient
     * only where it is read); else null, with nothing changed.
     */
    private Pair<Gradient, INDArray> backpropThroughDnnl(INDArray z, INDArray weightGrad, INDArray epsilon,
            LayerWorkspaceMgr workspaceMgr) {
        DnnlConvolution.Shape shape = z == null || preActivationInput != input ? null : dnnlShape();
        INDArray biasGrad = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        if (shape == null || !dnnl.canGoBack(shape) || weightGrad == null
                || !DnnlConvolution.fits(weightGrad, biasGrad) || epsilon.dataType() != DataType.FLOAT
                || !Arrays.equals(z.shape(), epsilon.shape())) {
            return null;
        }
        assertInputSet(true);
        preActivation = null;
        preActivationInput = null;
        // The next layer's gradient in z's layout (the forward pass's output's, which the plan reads it in).
        INDArray eps = Arrays4j.like(z, epsilon, workspaceMgr, ArrayType.ACTIVATION_GRAD);
        // The activation's derivative, in place over this layer's copy of z: ReLU's in Java, others DL4J's.
        INDArray delta;
        if (ReluBackward.appliesElementwise(layerConf().getActivationFn(), z, eps)) {
            ReluBackward.overwrite(z, eps);
            delta = z;
        } else {
            delta = Arrays4j.like(z, layerConf().getActivationFn().backprop(z, eps).getFirst(), workspaceMgr,
                    ArrayType.ACTIVATION_GRAD);
        }
        INDArray epsilonNext = !inputGradient ? null : shape.channelsLastIn()
                ? Arrays4j.channelsLast(workspaceMgr, ArrayType.ACTIVATION_GRAD, input.size(0), input.size(1),
                        input.size(2), input.size(3))
                : workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        try {
            dnnl.backward(input, getParam(ConvolutionParamInitializer.WEIGHT_KEY), delta, epsilonNext, weightGrad,
                    biasGrad);
        } catch (RuntimeException e) {
            // z now holds delta: DL4J's backward pass computes the pre-activation again from the input, and all the
            // gradients (it overwrites whatever oneDNN wrote of them).
            giveUpOnDnnl(e);
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Gradient gradient = new DefaultGradient();
        if (biasGrad != null) {
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        return new Pair<>(gradient, epsilonNext == null ? null : backpropDropOutIfPresent(epsilonNext));
    }

    private void giveUpOnDnnl(RuntimeException e) {
        log.warn("oneDNN failed on convolution layer {} ({}); it runs DL4J's path from now on", index, e.toString());
        dnnl.close();
        dnnl = null;
    }

    /**
     * The convolution's shape for the current input when {@link DnnlConvolution} runs it: NCHW float arrays laid out
     * as it reads them, and an input DL4J accepts (otherwise null, and DL4J's own checks give their messages).
     */
    private DnnlConvolution.Shape dnnlShape() {
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bias = hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null;
        if (dnnl == null || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || input == null
                || input.rank() != 4 || weights.rank() != 4 || input.size(1) != weights.size(1)
                || !DnnlConvolution.fits(weights, bias) || !DnnlConvolution.fitsActivation(input)) {
            return null;
        }
        int[] kernel = layerConf().getKernelSize();
        int[] strides = layerConf().getStride();
        int[] dilation = layerConf().getDilation();
        boolean same = convolutionMode == ConvolutionMode.Same;
        int[] outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, same ? null : layerConf().getPadding(),
                convolutionMode, dilation, CNN2DFormat.NCHW); // DL4J's validation, as its own forward pass runs it
        int[] pad = same ? ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                new int[] {(int) input.size(2), (int) input.size(3)}, kernel, strides, dilation)
                : layerConf().getPadding();
        return new DnnlConvolution.Shape(input.size(0), input.size(1), input.size(2), input.size(3), weights.size(0),
                outSize[0], outSize[1], kernel, strides, pad, dilation, bias != null,
                !Arrays4j.denseRowMajor(input), channelsLastOutput);
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
        preActivationInput = null;
        if (dnnl != null) {
            dnnl.forget();
        }
    }
}
