package io.trainyard.engine;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trainable network built from a {@link TrainingSpec}: the engine's public face, in plain Java types.
 * Not thread-safe: one trainer at a time (DL4J's output is synchronised anyway; batch requests instead).
 */
public final class Network {

    static {
        // The engine's DL4J defaults (oneDNN layer helpers on) before any layer is built or loaded: DL4J reads the
        // property when a layer is instantiated, and every network is built or loaded through this class.
        NativeRuntime.configure();
    }

    private static final String MAGIC = "TRAINYARD-NETWORK";
    /** Configuration JSON and the arrays' native bytes. */
    private static final int FORMAT = 3;
    /** Configuration JSON and arrays in {@code Nd4j.write}'s form; still readable. */
    private static final int ND4J_ARRAYS_FORMAT = 2;
    /** The first format: a ModelSerializer zip inside; still readable. */
    private static final int MODEL_SERIALIZER_FORMAT = 1;

    private final MultiLayerNetwork net;
    private final NetworkLayout layout;
    /** The copies of the last closed snapshot, for the next one (see {@link #snapshot}). */
    private final AtomicReference<Copies> spareCopies = new AtomicReference<>();

    private Network(MultiLayerNetwork net, NetworkLayout layout) {
        this.net = net;
        this.layout = layout;
    }

    /**
     * Builds and initialises the network; the same spec (and seed) always gives the same parameters.
     *
     * @throws io.trainyard.system.ApiException when the spec is invalid (validate first to get the plan)
     */
    public static Network build(TrainingSpec spec) {
        return build(spec, new SpecValidator(SpecLimits.defaults()).validate(spec, ""));
    }

    /** Builds from a spec already validated into {@code plan}. */
    public static Network build(TrainingSpec spec, NetworkPlan plan) {
        NetworkBuilder.Built built = new NetworkBuilder(spec, plan).build();
        MultiLayerNetwork net = new EngineNetwork(built.conf());
        net.init();
        return new Network(net, built.layout());
    }

    /**
     * Initialises DL4J's configuration JSON (its Jackson mapper, and the serialisers of the common layer types and
     * input preprocessors), which takes 0.2-0.5 s the first time in a JVM and would otherwise fall on the first
     * checkpoint, while training waits for the snapshot (or on the first resume or model load). Rarer layer types
     * still pay their own serialiser once. Call it off the request path, once; later calls cost a few milliseconds.
     */
    public static void warmUp() {
        roundTrip(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(2).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(1, 1).build())
                .layer(new DenseLayer.Builder().nOut(2).build())
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.convolutionalFlat(4, 4, 1))
                .build());
        roundTrip(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nOut(2).build())
                .layer(new RnnOutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.recurrent(2, 3))
                .build());
    }

    private static void roundTrip(MultiLayerConfiguration configuration) {
        MultiLayerConfiguration.fromJson(configuration.toJson());
    }

    /** One optimisation step on {@code batch}; returns its loss (before the update). */
    public double fitBatch(Batch batch) {
        INDArray x = Arrays4j.features(batch.features(), layout.input());
        switch (layout.kind()) {
            case VARIATIONAL -> {
                net.pretrainLayer(0, x);
                net.setIterationCount(net.getIterationCount() + 1);
                return net.getLayer(0).score();
            }
            case AUTOENCODER -> net.fit(x, flat(x));
            default -> net.fit(dataSet(x, batch));
        }
        return net.score();
    }

    /** The loss on {@code batch} without training (dropout off). */
    public double score(Batch batch) {
        INDArray x = Arrays4j.features(batch.features(), layout.input());
        return switch (layout.kind()) {
            case VARIATIONAL -> {
                VariationalAutoencoder vae = (VariationalAutoencoder) net.getLayer(0);
                // Negative mean log-likelihood of the reconstruction: the quantity the ELBO's first term bounds.
                yield -vae.reconstructionLogProbability(x, 8).meanNumber().doubleValue();
            }
            case AUTOENCODER -> net.score(new DataSet(x, flat(x)), false);
            default -> net.score(dataSet(x, batch), false);
        };
    }

    /**
     * Predictions: class probabilities or regression targets ({@code [batch, outputs]}, or
     * {@code [batch, length, outputs]} per time step), or the reconstruction for autoencoders in the
     * input's own layout.
     */
    public Tensor output(Tensor features) {
        return output(features, null);
    }

    /**
     * Predictions for padded sequences: {@code mask} is {@code [batch, length]}, 1 for real steps (see {@link Batch});
     * a last-time-step layer then takes each sequence's last real step. Null: every step is real.
     */
    public Tensor output(Tensor features, Tensor mask) {
        INDArray x = Arrays4j.features(features, layout.input());
        if (layout.kind() == NetworkLayout.Kind.VARIATIONAL) {
            VariationalAutoencoder vae = (VariationalAutoencoder) net.getLayer(0);
            INDArray z = vae.activate(x, false, LayerWorkspaceMgr.noWorkspaces());
            return reconstruction(vae.generateAtMeanGivenZ(z));
        }
        INDArray featureMask = mask == null ? null : Arrays4j.mask(mask);
        INDArray y = net.output(x, false, featureMask, labelMask(featureMask));
        return layout.kind() == NetworkLayout.Kind.AUTOENCODER ? reconstruction(y) : Arrays4j.tensor(y);
    }

    /**
     * Readies a loaded model for serving: its parameters will not change, so its dense and output layers lay their
     * weights out once for oneDNN's matrix product where oneDNN would use its own layout (its AVX-512 kernels;
     * {@code DnnlServingProduct}). Training the network again undoes this before its first step.
     */
    public Network forServing() {
        return forServing(false);
    }

    /**
     * {@link #forServing()}; {@code evenIfPlain} takes every batch size through the packed weights where oneDNN keeps
     * them in a plain layout too (for tests).
     */
    Network forServing(boolean evenIfPlain) {
        if (net instanceof EngineNetwork engine) {
            engine.serve(true, evenIfPlain);
        }
        return this;
    }

    /** Latent codes {@code [batch, size]} from the bottleneck layer (autoencoders only). */
    public Tensor encode(Tensor features) {
        if (layout.bottleneckLayer() < 0) {
            throw new IllegalStateException("encode needs an autoencoder network; this one is " + layout.kind());
        }
        INDArray x = Arrays4j.features(features, layout.input());
        if (layout.kind() == NetworkLayout.Kind.VARIATIONAL) {
            return Arrays4j.tensor(net.getLayer(0).activate(x, false, LayerWorkspaceMgr.noWorkspaces()));
        }
        List<INDArray> activations = net.feedForwardToLayer(layout.bottleneckLayer(), x, false);
        return Arrays4j.tensor(activations.get(layout.bottleneckLayer() + 1));
    }

    public long numParams() {
        return net.numParams();
    }

    /** A copy of all parameters, in DL4J's flattened order; for fingerprints and determinism checks. */
    public float[] parameters() {
        return net.params().dup().data().asFloat();
    }

    public int epochCount() {
        return net.getEpochCount();
    }

    public int iterationCount() {
        return net.getIterationCount();
    }

    /** The current learning rate of the first layer that has an optimizer (schedules change it as training goes). */
    public double learningRate() {
        for (int i = 0; i < net.getnLayers(); i++) {
            Double lr = net.getLearningRate(i);
            if (lr != null) {
                return lr;
            }
        }
        return Double.NaN;
    }

    /** Learning-rate schedules in epochs read this; the trainer sets it when an epoch ends or on resume. */
    public void setEpochCount(int epoch) {
        net.setEpochCount(epoch);
    }

    /**
     * Writes parameters, configuration, optimizer state and counters. Never a normaliser: those are
     * stored as Trainyard JSON (DESIGN.md §3, §5). The arrays are written raw: DL4J's ModelSerializer deflates
     * them, which costs most of a checkpoint's time and shrinks float parameters very little.
     */
    public void save(OutputStream out) throws IOException {
        write(out, layoutProperties(), configurationJson(), net.params(), updaterState());
    }

    /**
     * A copy of everything {@link #save} writes, taken now (a memory copy of the parameters and optimizer
     * state): training may go on while another thread saves the snapshot. Close it to hand its copies back: the
     * next snapshot copies into them instead of allocating (the MLP's 22 MB: 2-3 ms against 15-17 ms, mostly the
     * page faults of fresh memory), which is what training waits for at each checkpoint.
     */
    public Snapshot snapshot() {
        try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray params = net.params();
            INDArray state = updaterState();
            Copies copies = spareCopies.getAndSet(null);
            if (copies != null && copies.fit(params, state)) {
                copies.params().assign(params);
                if (state != null) {
                    copies.updaterState().assign(state);
                }
            } else {
                if (copies != null) {
                    copies.close();
                }
                copies = new Copies(params.dup(), state == null ? null : state.dup());
            }
            return new Snapshot(layoutProperties(), configurationJson(), copies, spareCopies);
        }
    }

    /** A snapshot's arrays: parameters and optimizer state (null when the network has no updater state yet). */
    private record Copies(INDArray params, INDArray updaterState) {

        boolean fit(INDArray params, INDArray state) {
            return same(this.params, params) && (state == null ? updaterState == null : same(updaterState, state));
        }

        private static boolean same(INDArray copy, INDArray original) {
            return copy != null && copy.dataType() == original.dataType()
                    && Arrays.equals(copy.shape(), original.shape());
        }

        void close() {
            // Release the native copies now rather than when the garbage collector gets to them.
            params.close();
            if (updaterState != null) {
                updaterState.close();
            }
        }
    }

    /**
     * The network as it was when {@link #snapshot} was called; {@link #save} may run on any thread, and writes the
     * same bytes each time.
     */
    public static final class Snapshot implements AutoCloseable {

        private final String layout;
        private final String configuration;
        private final Copies copies;
        private final AtomicReference<Copies> home;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Snapshot(String layout, String configuration, Copies copies, AtomicReference<Copies> home) {
            this.layout = layout;
            this.configuration = configuration;
            this.copies = copies;
            this.home = home;
        }

        /** Writes the same bytes {@link Network#save} would have written when the snapshot was taken. */
        public void save(OutputStream out) throws IOException {
            ensureOpen();
            write(out, layout, configuration, copies.params(), copies.updaterState());
        }

        /**
         * The size and CRC-32 of what {@link #save} writes, without writing it: the arrays' bytes are checksummed
         * where they lie. A stored zip entry needs both before its bytes (the checkpoint archive's), and serialising
         * the 22.4 MB MLP checkpoint once more just to count it cost the writer ~2 ms of copying.
         */
        public Checksum checksum() throws IOException {
            ensureOpen();
            CRC32 crc = new CRC32();
            long[] arrayBytes = {0};
            // Unbuffered: the header bytes must reach the checksum before the array bytes that follow them.
            DataOutputStream headers = new DataOutputStream(new CheckedOutputStream(OutputStream.nullOutputStream(),
                    crc));
            write(headers, (bytes, out) -> {
                arrayBytes[0] += bytes.remaining();
                crc.update(bytes);
            }, layout, configuration, copies.params(), copies.updaterState());
            return new Checksum(headers.size() + arrayBytes[0], crc.getValue());
        }

        private void ensureOpen() {
            if (closed.get()) {
                throw new IllegalStateException("the snapshot was closed: its copies may hold a later one");
            }
        }

        /** Hands the copies back to the network for its next snapshot (freed if it holds spare copies already). */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true) && !home.compareAndSet(null, copies)) {
                copies.close();
            }
        }
    }

    private String layoutProperties() {
        StringWriter meta = new StringWriter();
        try {
            layout.toProperties().store(meta, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Properties.store starts with a date comment: drop it so that the same network always saves the same bytes.
        return meta.toString().lines().filter(line -> !line.startsWith("#"))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    private String configurationJson() {
        return net.getLayerWiseConfigurations().toJson();
    }

    private INDArray updaterState() {
        return net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    }

    /** The size in bytes and the CRC-32 of a network's saved form. */
    public record Checksum(long size, long crc32) {
    }

    private static void write(OutputStream out, String layout, String configuration, INDArray params,
            INDArray updaterState) throws IOException {
        write(new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16)), RawArrays.COPY, layout,
                configuration, params, updaterState);
    }

    private static void write(DataOutputStream data, RawArrays.Bytes raw, String layout, String configuration,
            INDArray params, INDArray updaterState) throws IOException {
        data.writeUTF(MAGIC);
        data.writeInt(FORMAT);
        data.writeUTF(layout);
        byte[] conf = configuration.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        data.writeInt(conf.length);
        data.write(conf);
        RawArrays.write(params, data, raw);
        data.writeBoolean(updaterState != null);
        if (updaterState != null) {
            RawArrays.write(updaterState, data, raw);
        }
        data.flush();
    }

    /** Reads what {@link #save} wrote; only call it on bytes the service wrote and verified itself. */
    public static Network load(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
        if (!MAGIC.equals(data.readUTF())) {
            throw new IOException("not a Trainyard network");
        }
        int format = data.readInt();
        if (format != FORMAT && format != ND4J_ARRAYS_FORMAT && format != MODEL_SERIALIZER_FORMAT) {
            throw new IOException("unknown Trainyard network format " + format);
        }
        Properties meta = new Properties();
        meta.load(new StringReader(data.readUTF()));
        NetworkLayout layout = NetworkLayout.fromProperties(meta);
        if (format == MODEL_SERIALIZER_FORMAT) {
            byte[] model = new byte[data.readInt()];
            data.readFully(model);
            return new Network(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(model), true), layout);
        }
        byte[] conf = new byte[data.readInt()];
        data.readFully(conf);
        MultiLayerNetwork net = new EngineNetwork(
                MultiLayerConfiguration.fromJson(new String(conf, java.nio.charset.StandardCharsets.UTF_8)));
        net.init(format == FORMAT ? RawArrays.read(data) : Nd4j.read(data), false);
        if (data.readBoolean()) {
            net.getUpdater().setStateViewArray(net, format == FORMAT ? RawArrays.read(data) : Nd4j.read(data), false);
        }
        return new Network(net, layout);
    }

    /** The saved form in memory; convenient for tests and small models. */
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Output shapes after each DL4J layer for a dummy batch; used by tests to hold the planner to DL4J. */
    List<long[]> activationShapes(Tensor features) {
        INDArray x = Arrays4j.features(features, layout.input());
        return net.feedForward(x, false).stream().map(INDArray::shape).toList();
    }

    /** The same network and parameters on DL4J's stock layers, without {@link EngineNetwork}'s replacements. */
    Network withStockLayers() {
        MultiLayerNetwork stock = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        stock.init(net.params().dup(), false);
        return new Network(stock, layout);
    }

    MultiLayerNetwork dl4j() {
        return net;
    }

    /** Features and labels, with the sequence mask on both sides when the batch has one. */
    private DataSet dataSet(INDArray x, Batch batch) {
        INDArray featureMask = batch.mask() == null ? null : Arrays4j.mask(batch.mask());
        return new DataSet(x, labels(batch), featureMask, labelMask(featureMask));
    }

    /** Per-time-step outputs are masked like the input; a sequence's single output needs no mask. */
    private INDArray labelMask(INDArray featureMask) {
        return featureMask != null && layout.perTimeStep() ? featureMask : null;
    }

    private INDArray labels(Batch batch) {
        if (batch.labels() == null) {
            throw new IllegalArgumentException("this network needs labels");
        }
        return Arrays4j.labels(batch.labels(), layout.perTimeStep());
    }

    private static INDArray flat(INDArray x) {
        return x.reshape('c', x.size(0), x.length() / x.size(0));
    }

    private Tensor reconstruction(INDArray flat) {
        return layout.input().kind() == io.trainyard.spec.Shape.Kind.IMAGE ? Arrays4j.image(flat, layout.input())
                : Arrays4j.tensor(flat);
    }
}
