package io.trainyard.engine;

import org.deeplearning4j.nn.api.Layer;

/**
 * A dense or output layer that can serve its product from weights packed once for oneDNN
 * ({@link DnnlServingProduct}). Only while the parameters do not change: {@link EngineNetwork} switches it on for a
 * network readied for serving ({@link Network#forServing}) and off before any training step.
 */
interface ServedLayer extends Layer {

    /** The layer's packed weights, held for it. */
    Packed packed();

    /**
     * {@code on}: packs the weights as they are now (where oneDNN keeps them plain, for small batches only unless
     * {@code evenIfPlain}, for tests); off: drops them.
     */
    default void serve(boolean on, boolean evenIfPlain) {
        packed().product = DnnlServingProduct.replace(packed().product, on, this, evenIfPlain);
    }

    /** Whether inference goes through packed weights now. */
    default boolean served() {
        return packed().product != null;
    }

    /** What a layer's pass multiplies through: the packed weights for inference while served, else null. */
    default DnnlServingProduct productFor(boolean training) {
        return training ? null : packed().product;
    }

    /** A served layer's packed weights, or null. */
    final class Packed {
        private DnnlServingProduct product;
    }
}
