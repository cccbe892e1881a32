package io.trainyard.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's network with its dense layers replaced by {@link LeanDenseLayer} right after initialisation. The
 * configuration is untouched, so what is saved (and the model artifact users download) is plain DL4J.
 */
final class EngineNetwork extends MultiLayerNetwork {

    EngineNetwork(MultiLayerConfiguration conf) {
        super(conf);
    }

    @Override
    public void init(INDArray parameters, boolean cloneParametersArray) {
        boolean first = !initCalled;
        super.init(parameters, cloneParametersArray);
        if (first && replaceDenseLayers()) {
            // The solver (and the updater it holds) was built around the replaced layer objects; the next fit or
            // getUpdater() builds them again around these. Nothing has been trained yet, so no state is lost.
            solver = null;
        }
    }

    private boolean replaceDenseLayers() {
        boolean replaced = false;
        for (int i = 0; i < layers.length; i++) {
            Layer old = layers[i];
            if (!LeanDenseLayer.replaces(old)) {
                continue;
            }
            boolean inputGradient = i > 0 || getLayerWiseConfigurations().getInputPreProcess(0) != null;
            LeanDenseLayer lean = new LeanDenseLayer(old.conf(), old.params().dataType(), inputGradient);
            if (old.getListeners() != null) {
                lean.setListeners(old.getListeners());
            }
            lean.setIndex(i);
            lean.setParamsViewArray(old.params());
            lean.setParamTable(old.paramTable());
            if (old.getGradientsViewArray() != null) {
                lean.setBackpropGradientsViewArray(old.getGradientsViewArray());
            }
            layers[i] = lean;
            layerMap.replaceAll((name, layer) -> layer == old ? lean : layer);
            replaced = true;
        }
        return replaced;
    }
}
