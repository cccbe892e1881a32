package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.Solver;
import org.deeplearning4j.optimize.api.ConvexOptimizer;
import org.deeplearning4j.optimize.api.StepFunction;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's solver for stochastic gradient descent, with one change: when every parameter of the network is trained by
 * plain Adam ({@link LeanAdamUpdater}) without regularisation or gradient normalisation, the step after the backward
 * pass is one pass over the parameters instead of DL4J's three (divide the gradient by the batch size, Adam, then
 * {@code params -= update}). Everything else (listeners, iteration counts, constraints, the updater and its state,
 * which checkpoints save) is DL4J's; any other configuration takes DL4J's steps unchanged. After a fused step the
 * gradient array holds the gradient as the backward pass wrote it, where DL4J leaves its update there; nothing in
 * the service reads it. DL4J's division and subtraction took 0.4-0.9 ms each a step for the MLP benchmark's 1.86 M
 * parameters (docs/performance.md, "Adam's update in one pass").
 */
final class LeanSolver extends Solver {

    private final Sgd optimizer;

    LeanSolver(MultiLayerNetwork network) {
        optimizer = new Sgd(network, new SkippableStep());
    }

    /** Whether DL4J would build this solver's optimizer for the network: plain stochastic gradient descent. */
    static boolean replaces(MultiLayerNetwork network) {
        return network.conf().getOptimizationAlgo() == OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT;
    }

    @Override
    public void optimize(LayerWorkspaceMgr workspaceMgr) {
        optimizer.optimize(workspaceMgr);
    }

    @Override
    public void initOptimizer() {
        // Built in the constructor.
    }

    @Override
    public ConvexOptimizer getOptimizer() {
        return optimizer;
    }

    @Override
    public void setListeners(Collection<TrainingListener> listeners) {
        optimizer.setListeners(listeners);
    }

    /** Steps taken in one pass so far (for tests). */
    long fusedSteps() {
        return optimizer.fusedSteps;
    }

    /** DL4J's optimizer, whose update after the backward pass is one pass where it can be. */
    private static final class Sgd extends StochasticGradientDescent {

        private final SkippableStep step;
        private long fusedSteps;

        Sgd(MultiLayerNetwork network, SkippableStep step) {
            super(network.conf(), step, network.getListeners(), network);
            this.step = step;
        }

        @Override
        public void updateGradientAccordingToParams(Gradient gradient, Model model, int batchSize,
                LayerWorkspaceMgr workspaceMgr) {
            if (getUpdater(true) instanceof BaseMultiLayerUpdater<?> updater && fusable(updater)
                    && fusedStep(updater, (MultiLayerNetwork) model, batchSize)) {
                fusedSteps++;
                step.skipNext();
                return;
            }
            super.updateGradientAccordingToParams(gradient, model, batchSize, workspaceMgr);
        }

        /** DL4J's update would be exactly: divide by the batch size, then plain Adam, block by block. */
        private static boolean fusable(BaseMultiLayerUpdater<?> updater) {
            for (UpdaterBlock block : updater.getUpdaterBlocks()) {
                if (!(block.getGradientUpdater() instanceof LeanAdamUpdater) || block.isPretrainUpdaterBlock()) {
                    return false;
                }
                for (UpdaterBlock.ParamState param : block.getLayersAndVariablesInBlock()) {
                    var config = param.getLayer().getConfig();
                    List<?> regularization = config.getRegularizationByParam(param.getParamName());
                    GradientNormalization normalization = config.getGradientNormalization();
                    if (regularization != null && !regularization.isEmpty()
                            || normalization != null && normalization != GradientNormalization.None
                            || !param.getLayer().updaterDivideByMinibatch(param.getParamName())) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Every block in one pass; false, with nothing changed, when an array is laid out otherwise. */
        private static boolean fusedStep(BaseMultiLayerUpdater<?> updater, MultiLayerNetwork network,
                int batchSize) {
            INDArray params = network.params();
            if (params.dataType() != DataType.FLOAT || params.elementWiseStride() != 1) {
                return false;
            }
            for (UpdaterBlock block : updater.getUpdaterBlocks()) {
                if (!((LeanAdamUpdater) block.getGradientUpdater()).fits(block.getGradientView())) {
                    return false;
                }
            }
            int divisor = network.conf().isMiniBatch() ? batchSize : 1;
            int iteration = getIterationCount(network);
            int epoch = getEpochCount(network);
            FloatBuffer all = Arrays4j.values(params);
            for (UpdaterBlock block : updater.getUpdaterBlocks()) {
                int start = block.getParamOffsetStart();
                FloatBuffer blockParams = all.slice(start, block.getParamOffsetEnd() - start);
                ((LeanAdamUpdater) block.getGradientUpdater()).step(block.getGradientView(), blockParams, divisor,
                        iteration, epoch);
            }
            return true;
        }
    }

    /** DL4J's step for SGD ({@code params -= update}), skipped once after a step that already applied it. */
    private static final class SkippableStep implements StepFunction {

        private boolean skip;

        void skipNext() {
            skip = true;
        }

        @Override
        public void step(INDArray params, INDArray update, double step) {
            step(params, update);
        }

        @Override
        public void step(INDArray params, INDArray update) {
            if (skip) {
                skip = false;
                return;
            }
            params.subi(update);
        }

        @Override
        public void step() {
            throw new UnsupportedOperationException();
        }
    }
}
