package io.trainyard.engine;

import io.trainyard.spec.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the engine must know besides DL4J's configuration to feed and read a network: the input's
 * layout, the kind of training, where the latent code is. Saved next to the model bytes.
 */
record NetworkLayout(Kind kind, Shape input, boolean perTimeStep, int bottleneckLayer) {

    enum Kind {
        /** Classification or regression: fit(features, labels). */
        SUPERVISED,
        /** Dense (or DL4J autoencoder-layer) stack that reconstructs its flattened input. */
        AUTOENCODER,
        /** One VariationalAutoencoder layer trained by its own ELBO (pretrain of layer 0). */
        VARIATIONAL
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("kind", kind.name());
        p.setProperty("input.kind", input.kind().name());
        p.setProperty("input.dims", input.dims().toString());
        p.setProperty("perTimeStep", String.valueOf(perTimeStep));
        p.setProperty("bottleneckLayer", String.valueOf(bottleneckLayer));
        return p;
    }

    static NetworkLayout fromProperties(Properties p) {
        String dims = p.getProperty("input.dims").replace("[", "").replace("]", "");
        List<Integer> values = new ArrayList<>();
        for (String d : dims.split(",")) {
            values.add("null".equals(d.trim()) ? null : Integer.valueOf(d.trim()));
        }
        Shape input = new Shape(Shape.Kind.valueOf(p.getProperty("input.kind")), values);
        return new NetworkLayout(Kind.valueOf(p.getProperty("kind")), input,
                Boolean.parseBoolean(p.getProperty("perTimeStep")), Integer.parseInt(p.getProperty("bottleneckLayer")));
    }

    @Override
    public String toString() {
        return kind + " " + input + (perTimeStep ? " per time step" : "") + " bottleneck " + bottleneckLayer;
    }
}
