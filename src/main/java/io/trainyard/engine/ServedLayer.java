package io.trainyard.engine;

import org.deeplearning4j.nn.api.Layer;

/**
 * A dense or output layer that can serve its product from weights packed once for oneDNN
 * ({@link DnnlServingProduct}). Only while the parameters do not change: {@link EngineNetwork} switches it on for a
 * network readied for serving ({@link Network#forServing}) and off before any training step.
 */
interface ServedLayer extends Layer {

    /**
     * {@code on}: packs the weights as they are now (where oneDNN would lay them out its own way, or regardless with
     * {@code evenIfPlain}, for tests); off: drops them.
     */
    void serve(boolean on, boolean evenIfPlain);

    /** Whether inference goes through packed weights now. */
    boolean served();
}
