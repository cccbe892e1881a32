package io.trainyard.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J M2.1's dense layer without two matrix products per training step that it throws away (docs/performance.md,
 * "Dense layers without wasted products"):
 * <ul>
 *   <li>DL4J's backward pass recomputes {@code input × W + b}, which the forward pass had just computed and
 *   overwritten with the activation. This layer keeps a copy of it from the training forward pass instead (a copy
 *   costs one pass over the activations; the product costs {@code nIn} multiply-adds per element).</li>
 *   <li>DL4J computes the gradient with respect to the input for every layer, including the first, where nobody
 *   reads it (the network's input is data). For the MLP benchmark that is 14 % of all multiply-adds.</li>
 * </ul>
 * The arithmetic is DL4J's own, in the same order, so parameters and losses are identical to the stock layer's
 * ({@code LeanLayersTest}). Only layers without weight noise and layer normalisation are replaced
 * ({@link EngineNetwork}). Inference is DL4J's with the product through {@link Gemm}, or through
 * {@link DnnlServingProduct} while the network serves.
 */
final class LeanDenseLayer extends DenseLayer implements ServedLayer {

    private final boolean inputGradient;
    private final Packed packed = new Packed();
    /** Pre-activation of the last training forward pass, and the input it was computed from. */
    private INDArray preActivation;
    private INDArray preActivationInput;

    LeanDenseLayer(NeuralNetConfiguration conf, DataType dataType, boolean inputGradient) {
        super(conf, dataType);
        this.inputGradient = inputGradient;
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        return layer.getClass() == DenseLayer.class && !((DenseLayer) layer).hasLayerNorm()
                && ((DenseLayer) layer).layerConf().getWeightNoise() == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        preActivation = null;
        preActivationInput = null;
        if (!training) {
            return super.activate(false, workspaceMgr);
        }
        INDArray z = preOutput(true, workspaceMgr);
        preActivationInput = input;
        INDArray out;
        // Same workspace as the activations: they stay valid until the backward pass is done.
        if (ReluForward.applies(layerConf().getActivationFn(), z)) {
            preActivation = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, z.dataType(), z.shape(), 'c');
            ReluForward.apply(z, preActivation);
            out = z;
        } else {
            preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, z);
            out = layerConf().getActivationFn().getActivation(z, true);
        }
        if (maskArray != null) {
            applyMask(out);
        }
        return out;
    }

    /**
     * DL4J's {@code input × W + b} (and dropout, and the mask) with the product through {@link Gemm}: ND4J's
     * {@code mmuli} ran it at a fifth to a third of OpenBLAS's speed. Serves inference too.
     */
    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (!Gemm.affineFits(input, w)) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr); // DL4J's own errors
        }
        return Gemm.preOutput(() -> {
            assertInputSet(forBackprop);
            applyDropOutIfNecessary(training, workspaceMgr);
            return input;
        }, w, hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null, maskArray == null ? null : this::applyMask,
                workspaceMgr, productFor(training));
    }

    @Override
    public Packed packed() {
        return packed;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = preActivation;
        boolean cached = z != null && preActivationInput == input;
        preActivation = null;
        preActivationInput = null;
        if (!cached) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        Gradient gradient = new DefaultGradient();
        INDArray biasGrad = hasBias() ? gradientViews.get(DefaultParamInitializer.BIAS_KEY) : null;
        INDArray delta;
        if (maskArray == null && biasGrad != null
                && ReluBackward.applies(layerConf().getActivationFn(), z, epsilon, biasGrad)) {
            ReluBackward.apply(z, epsilon, biasGrad); // z is this layer's own copy: overwritten with delta
            delta = z;
        } else {
            delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
            if (maskArray != null) {
                applyMask(delta);
            }
            if (biasGrad != null) {
                delta.sum(biasGrad, 0);
            }
        }
        if (biasGrad != null) {
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray epsilonNext = null;
        if (inputGradient) {
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {delta.size(0), w.size(0)}, 'c');
            Gemm.product(delta, false, w, true, epsilonNext, 0f);
        }
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Gemm.product(input.castTo(weightGrad.dataType()), true, delta, false, weightGrad, 0f);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(gradient, epsilonNext == null ? null : backpropDropOutIfPresent(epsilonNext));
    }

    @Override
    public void clear() {
        super.clear();
        preActivation = null;
        preActivationInput = null;
    }
}
