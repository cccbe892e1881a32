package io.trainyard.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's network with its dense, output, convolution, pooling and LSTM layers replaced by {@link LeanDenseLayer},
 * {@link LeanOutputLayer}, {@link LeanConvolutionLayer}, {@link LeanPoolingLayer} and {@link LeanLstmLayer} right
 * after initialisation.
 * The configuration is untouched, so what is saved (and the model artifact users download) is plain DL4J.
 */
final class EngineNetwork extends MultiLayerNetwork {

    EngineNetwork(MultiLayerConfiguration conf) {
        super(conf);
    }

    @Override
    public void init(INDArray parameters, boolean cloneParametersArray) {
        boolean first = !initCalled;
        super.init(parameters, cloneParametersArray);
        if (first && replaceLayers()) {
            // The solver (and the updater it holds) was built around the replaced layer objects; the next fit or
            // getUpdater() builds them again around these. Nothing has been trained yet, so no state is lost.
            solver = null;
            channelsLastBetweenLayers();
        }
    }

    /**
     * Lets convolutions and poolings hand each other channels-last activations where oneDNN wants that layout
     * (AVX-512), instead of reordering to DL4J's NCHW and back between every two: a convolution followed directly
     * (no preprocessor between) by a pooling or a convolution, a pooling followed by a convolution.
     */
    private void channelsLastBetweenLayers() {
        for (int i = 0; i + 1 < layers.length; i++) {
            Layer next = layers[i + 1];
            boolean direct = DnnlConvolution.channelsLast()
                    && getLayerWiseConfigurations().getInputPreProcess(i + 1) == null;
            if (layers[i] instanceof LeanConvolutionLayer conv) {
                conv.channelsLastOutput(direct
                        && (next instanceof LeanPoolingLayer || next instanceof LeanConvolutionLayer));
            } else if (layers[i] instanceof LeanPoolingLayer pooling) {
                pooling.channelsLastOutput(direct && next instanceof LeanConvolutionLayer);
            }
        }
    }

    /** Every supervised fit (features and labels, a DataSet) ends here. */
    @Override
    public synchronized void fit(INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
        serve(false, false); // the parameters change from here on
        leanUpdater();
        super.fit(features, labels, featuresMask, labelsMask);
    }

    /**
     * Installs {@link LeanSolver} and {@link LeanAdamUpdater} for the next step. DL4J builds the solver and the
     * updater lazily (and again after the solver is reset), so this runs before every fit; it keeps an updater that
     * is already there (and its state, restored from a checkpoint or not).
     */
    private void leanUpdater() {
        // As DL4J's own fit does when it builds the solver: the updater's state must not land in a workspace.
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            if (!(solver instanceof LeanSolver) && LeanSolver.replaces(this)) {
                Updater existing = solver == null ? null : solver.getOptimizer().getUpdater(false);
                solver = new LeanSolver(this);
                if (existing != null) {
                    solver.getOptimizer().setUpdater(existing);
                }
            }
            if (getUpdater(true) instanceof BaseMultiLayerUpdater<?> updater) {
                LeanAdamUpdater.install(updater);
            }
        }
    }

    private boolean replaceLayers() {
        boolean replaced = false;
        for (int i = 0; i < layers.length; i++) {
            Layer old = layers[i];
            // A rebuilt bidirectional layer already sits on the old parameter and gradient views.
            Layer lean = bidirectionalReplacement(old);
            if (lean == null) {
                lean = replacement(old, i);
                if (lean == null) {
                    continue;
                }
                shareViews(old, lean);
            }
            if (old.getListeners() != null) {
                lean.setListeners(old.getListeners());
            }
            lean.setIndex(i);
            layers[i] = lean;
            Layer installed = lean;
            layerMap.replaceAll((name, layer) -> layer == old ? installed : layer);
            replaced = true;
        }
        return replaced;
    }

    private static void shareViews(Layer old, Layer lean) {
        if (old.numParams() > 0) {
            lean.setParamsViewArray(old.params());
            lean.setParamTable(old.paramTable());
        }
        if (old.getGradientsViewArray() != null) {
            lean.setBackpropGradientsViewArray(old.getGradientsViewArray());
        }
    }

    /** The bidirectional LSTM, bare or under last_time_step, rebuilt over the engine's LSTM; else null. */
    private Layer bidirectionalReplacement(Layer old) {
        DataType dataType = getLayerWiseConfigurations().getDataType();
        if (old instanceof BidirectionalLayer b && LeanLstmLayer.replaces(b)) {
            return LeanLstmLayer.bidirectional(b, dataType);
        }
        if (old instanceof LastTimeStepLayer w && w.getUnderlying() instanceof BidirectionalLayer b
                && LeanLstmLayer.replaces(b)) {
            return new LastTimeStepLayer(LeanLstmLayer.bidirectional(b, dataType));
        }
        return null;
    }

    private Layer replacement(Layer old, int index) {
        boolean inputGradient = index > 0 || getLayerWiseConfigurations().getInputPreProcess(0) != null;
        if (LeanDenseLayer.replaces(old)) {
            return new LeanDenseLayer(old.conf(), old.params().dataType(), inputGradient);
        }
        if (LeanOutputLayer.replaces(old)) {
            return new LeanOutputLayer(old.conf(), old.params().dataType());
        }
        if (LeanConvolutionLayer.replaces(old)) {
            return new LeanConvolutionLayer(old.conf(), old.params().dataType(), inputGradient);
        }
        if (LeanPoolingLayer.replaces(old)) {
            return new LeanPoolingLayer(old.conf(), getLayerWiseConfigurations().getDataType());
        }
        if (LeanLstmLayer.replaces(old)) {
            return new LeanLstmLayer(old.conf(), old.params().dataType(), inputGradient);
        }
        if (old instanceof LastTimeStepLayer wrapper && LeanLstmLayer.replaces(wrapper.getUnderlying())) {
            Layer lstm = wrapper.getUnderlying();
            LeanLstmLayer lean = new LeanLstmLayer(lstm.conf(), lstm.params().dataType(), inputGradient);
            return new LastTimeStepLayer(lean);
        }
        return null;
    }

    /**
     * {@code on}: the dense and output layers serve from weights packed once ({@link ServedLayer}); off: from the
     * parameters as they are.
     */
    void serve(boolean on, boolean evenIfPlain) {
        for (Layer layer : layers) {
            if (layer instanceof ServedLayer served && (on || served.served())) {
                served.serve(on, evenIfPlain);
            }
        }
    }

    /** How many layers serve from packed weights now (for tests). */
    long servedLayers() {
        return java.util.Arrays.stream(layers).filter(l -> l instanceof ServedLayer s && s.served()).count();
    }

    /** Training steps so far whose update went through {@link LeanSolver}'s single pass (for tests). */
    long fusedSteps() {
        return solver instanceof LeanSolver lean ? lean.fusedSteps() : 0;
    }
}
