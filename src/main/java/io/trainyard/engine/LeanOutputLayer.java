package io.trainyard.engine;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.OutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * DL4J M2.1's output layer with its matrix products through {@link Gemm}, and its loss computed once per training
 * step instead of twice (docs/performance.md, "The output layer"). DL4J computes {@code input × W + b} in the
 * backward pass and again for the score, each with ND4J's {@code mmuli}, which took 0.75–0.95 ms for the MLP's
 * 256×1024 by 1024×10 product (column-major weights, as DL4J stores them) against 0.18 ms through
 * {@code cblas_sgemm}, then the softmax and the loss again.
 * The backward pass is DL4J's, in the same order, with the weight gradient and the input gradient through
 * {@code Gemm} as well; for softmax with cross-entropy it goes through {@link SoftmaxCrossEntropy} and keeps the loss
 * for the score. Only layers without weight noise are replaced ({@link EngineNetwork}).
 */
final class LeanOutputLayer extends OutputLayer implements ServedLayer {

    private final Packed packed = new Packed();
    /** The input and labels of the last backward pass through {@link SoftmaxCrossEntropy}, and its summed loss. */
    private INDArray scoredInput;
    private INDArray scoredLabels;
    private double lossSum;

    LeanOutputLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        return layer.getClass() == OutputLayer.class && ((OutputLayer) layer).layerConf().getWeightNoise() == null;
    }

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

    /**
     * DL4J's score right after a backward pass computes the pre-activation, the softmax and the loss again from the
     * same input, labels and parameters; the backward pass through {@link SoftmaxCrossEntropy} kept that loss.
     */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        boolean kept = training && scoredInput != null && scoredInput == input && scoredLabels == labels;
        scoredInput = null;
        scoredLabels = null;
        if (!kept) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        // In DL4J's order: the mean over the batch, then the regularisation term.
        double s = conf().isMiniBatch() ? lossSum / getInputMiniBatchSize() : lossSum;
        score = s + fullNetRegTerm;
        return score;
    }

    /** DL4J's {@code BaseOutputLayer.backpropGradient} and {@code getGradientsAndDelta}, products through Gemm. */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (labels == null || !Gemm.affineFits(input, w)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray preOut = preOutput2d(true, workspaceMgr);
        INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
        INDArray delta;
        scoredInput = null;
        if (SoftmaxCrossEntropy.applies(layerConf().getActivationFn(), layerConf().getLossFn(), preOut, labels2d,
                maskArray)) {
            delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, preOut.dataType(), preOut.shape(), 'c');
            lossSum = SoftmaxCrossEntropy.apply(preOut, labels2d, (LossMCXENT) layerConf().getLossFn(), delta);
            scoredInput = input;
            scoredLabels = labels;
        } else {
            delta = layerConf().getLossFn().computeGradient(labels2d, preOut, layerConf().getActivationFn(), maskArray);
        }
        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Gemm.product(input.castTo(weightGrad.dataType()), true, delta, false, weightGrad, 0f);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        INDArray epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                new long[] {delta.size(0), w.size(0)}, 'c');
        Gemm.product(delta, false, w, true, epsilonNext, 0f);
        return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }

    @Override
    public void clear() {
        super.clear();
        scoredInput = null;
        scoredLabels = null;
    }
}
