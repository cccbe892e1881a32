package io.trainyard.models;

import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.Normalizer;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A trained model as one zip: {@code network.bin} (the engine's network, DL4J's format inside) and
 * {@code metadata.json} (the spec, the input shape, class names and the normaliser fitted on the training split).
 * Training and inference both prepare inputs through {@link #features}, so they cannot drift apart.
 */
public record ModelArtifact(Metadata metadata, byte[] network) {

    static final String NETWORK_ENTRY = "network.bin";
    static final String METADATA_ENTRY = "metadata.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param task        {@code classification}, {@code regression} or {@code autoencoder}
     * @param inputShape  one example in the dataset's layout ({@code [F]}, {@code [C,H,W]} or {@code [T,F]})
     * @param classNames  output labels for classification (index order), empty otherwise
     * @param normalizer  fitted on the training split; applied identically at inference
     * @param spec        the training spec the network was built from
     */
    public record Metadata(String task, InputShape inputShape, List<String> classNames, Normalizer normalizer,
            JsonNode spec) {
    }

    /**
     * Normalises {@code count} examples given in the dataset's layout and arranges them the way the engine
     * takes them (images channels-last: {@code [b,H,W,C]}; features {@code [b,F]}; sequences {@code [b,T,F]}).
     */
    public static Tensor features(Metadata metadata, float[] values, int count) {
        return shaped(metadata, metadata.normalizer().apply(values), count);
    }

    /**
     * As {@link #features}, normalising {@code values} itself instead of a copy: for a caller whose array is its own
     * to give away (a request's parsed instances), which saves a copy of every request's input.
     */
    public static Tensor featuresInPlace(Metadata metadata, float[] values, int count) {
        metadata.normalizer().applyInPlace(values);
        return shaped(metadata, values, count);
    }

    /** Normalised values in the dataset's layout, as the engine takes them. */
    private static Tensor shaped(Metadata metadata, float[] values, int count) {
        int[] dims = metadata.inputShape().dims();
        return switch (metadata.inputShape().kind()) {
            case FEATURES -> Tensor.of(values, count, dims[0]);
            case SEQUENCE -> Tensor.of(values, count, dims[0], dims[1]);
            case IMAGE -> Tensor.of(channelsLast(values, count, dims[0], dims[1], dims[2]), count, dims[1], dims[2],
                    dims[0]);
        };
    }

    static float[] channelsLast(float[] chw, int count, int c, int h, int w) {
        float[] hwc = new float[chw.length];
        int size = c * h * w;
        for (int n = 0; n < count; n++) {
            int base = n * size;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h * w; i++) {
                    hwc[base + i * c + ch] = chw[base + ch * h * w + i];
                }
            }
        }
        return hwc;
    }

    public static ModelArtifact of(Metadata metadata, Network network) {
        return new ModelArtifact(metadata, network.toBytes());
    }

    public Network loadNetwork() throws IOException {
        return Network.load(new ByteArrayInputStream(network));
    }

    public void write(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        // Parameters are floats that deflate barely shrinks but slowly: store them.
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
        zip.write(JSON.writeValueAsBytes(metadata));
        zip.closeEntry();
        zip.putNextEntry(new ZipEntry(NETWORK_ENTRY));
        zip.write(network);
        zip.closeEntry();
        zip.finish();
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Reads an artifact this service wrote (callers verify its checksum first: DESIGN.md §5). */
    public static ModelArtifact read(InputStream in) throws IOException {
        Metadata metadata = null;
        byte[] network = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(METADATA_ENTRY)) {
                    metadata = JSON.readValue(zip.readAllBytes(), Metadata.class);
                } else if (e.getName().equals(NETWORK_ENTRY)) {
                    network = zip.readAllBytes();
                }
            }
        }
        if (metadata == null || network == null) {
            throw new IOException("not a Trainyard model artifact: " + METADATA_ENTRY + " or " + NETWORK_ENTRY
                    + " is missing");
        }
        return new ModelArtifact(metadata, network);
    }
}
