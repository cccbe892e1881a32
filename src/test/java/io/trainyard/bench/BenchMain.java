package io.trainyard.bench;

import io.trainyard.engine.Batch;
import io.trainyard.engine.NativeRuntime;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JVM side of bench/run. Prints one JSON object per line on stdout (bench/report.py reads them).
 *
 * <pre>
 * data DIR N_MLP N_CNN N_LSTM          write DIR/{mlp,cnn,lstm}.npz (the same random data every column uses)
 * train SPECS NETS EPOCHS N COLUMNS    NETS: mlp,cnn:1024,... (N per net, else N); COLUMNS: bare (raw
 *                                      MultiLayerNetwork loop), engine (Network.fitBatch)
 * sgemm                                best-of-N float32 GFLOP/s (1024 and 2048 square) of mmuli, cblas_sgemm, Nd4j.gemm
 * ckpt SPECS NETS REPEATS DIR          Network.save / load: bytes, write (+fsync) and restore seconds
 * profile NETS BATCHES                 ND4J op profiler dashboard (stderr) for the bare loop
 * </pre>
 */
public final class BenchMain {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // The service's DL4J defaults (oneDNN layer helpers on): the bare loop runs DL4J the way the service does.
        NativeRuntime.configure();
        switch (args[0]) {
            case "data" -> {
                Path dir = Path.of(args[1]);
                Files.createDirectories(dir);
                List<BenchNets> nets = List.of(BenchNets.values());
                for (int i = 0; i < 3; i++) {
                    BenchNets net = nets.get(i);
                    writeNpz(dir.resolve(net.id() + ".npz"), net, net.data(Integer.parseInt(args[2 + i])));
                }
            }
            case "train" -> {
                Path specs = Path.of(args[1]);
                int epochs = Integer.parseInt(args[3]);
                for (String item : args[2].split(",")) {
                    String[] parts = item.split(":");
                    BenchNets net = BenchNets.valueOf(parts[0].trim().toUpperCase());
                    int n = Integer.parseInt(parts.length > 1 ? parts[1] : args[4]);
                    BenchNets.Data data = net.data(n);
                    for (String column : args[5].split(",")) {
                        double[] seconds = column.equals("bare") ? bare(net, data, epochs)
                                : engine(specs, net, data, epochs);
                        emit("train", net, column, "\"n\":" + n + ",\"epochSeconds\":" + Arrays.toString(seconds));
                    }
                }
            }
            case "sgemm" -> {
                // One path after the other: a BLAS's idle threads spin for a few ms after its last product.
                for (String path : new String[] {"mmuli", "cblas", "onednn"}) {
                    for (int size : new int[] {1024, 2048}) {
                        emit("sgemm", null, path, "\"size\":" + size + ",\"gflops\":" + fmt(sgemm(path, size)));
                    }
                }
            }
            case "ckpt" -> checkpoints(Path.of(args[1]), BenchNets.parse(args[2]), Integer.parseInt(args[3]),
                    Path.of(args[4]));
            case "profile" -> profile(BenchNets.parse(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    // ---- the bare DL4J loop -------------------------------------------------------------------------

    /** Plain DL4J: MultiLayerNetwork.fit(features, labels) on batches gathered in DL4J's own layout. */
    static double[] bare(BenchNets net, BenchNets.Data data, int epochs) {
        MultiLayerNetwork model = new MultiLayerNetwork(net.conf());
        model.init();
        reportHelpers(model);
        float[] x = dl4jLayout(net, data.x(), data.n());
        int size = net.exampleSize();
        long[] shape = dl4jShape(net);
        double[] seconds = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            int[] order = order(data.n(), e);
            long start = System.nanoTime();
            for (int from = 0; from < data.n(); from += net.batchSize) {
                int b = Math.min(net.batchSize, data.n() - from);
                Rows rows = Rows.gather(x, data.y(), order, from, b, size, net.classes);
                shape[0] = b;
                model.fit(Nd4j.create(rows.x(), shape.clone(), 'c'),
                        Nd4j.create(rows.y(), new long[] {b, net.classes}, 'c'));
            }
            seconds[e] = (System.nanoTime() - start) / 1e9;
            progress(net, "bare", e, seconds[e], data.n());
        }
        return seconds;
    }

    /** One batch: the examples at {@code order[from..from+b)}, and their labels one-hot. */
    record Rows(float[] x, float[] y) {
        static Rows gather(float[] x, int[] labels, int[] order, int from, int b, int size, int classes) {
            float[] bx = new float[b * size];
            float[] by = new float[b * classes];
            for (int j = 0; j < b; j++) {
                int i = order[from + j];
                System.arraycopy(x, i * size, bx, j * size, size);
                by[j * classes + labels[i]] = 1f;
            }
            return new Rows(bx, by);
        }
    }

    /** NPZ layout → the layout the raw configuration expects (NCHW or NHWC is the same for 1 channel). */
    private static float[] dl4jLayout(BenchNets net, float[] x, int n) {
        if (net != BenchNets.LSTM || BenchNets.rnnFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC) {
            return x;
        }
        int t = net.shape[0];
        int f = net.shape[1];
        float[] ncw = new float[x.length];
        for (int i = 0; i < n; i++) {
            int base = i * t * f;
            for (int s = 0; s < t; s++) {
                for (int k = 0; k < f; k++) {
                    ncw[base + k * t + s] = x[base + s * f + k];
                }
            }
        }
        return ncw;
    }

    private static long[] dl4jShape(BenchNets net) {
        return switch (net) {
            case MLP -> new long[] {0, 784};
            case CNN -> BenchNets.cnnFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC
                    ? new long[] {0, 28, 28, 1} : new long[] {0, 1, 28, 28};
            case LSTM -> BenchNets.rnnFormat() == org.deeplearning4j.nn.conf.RNNFormat.NWC
                    ? new long[] {0, 50, 32} : new long[] {0, 32, 50};
        };
    }

    // ---- the engine's public API (what the job runner calls per batch) ---------------------------------

    /** The benchmark's MLP (bench/specs/mlp.json), for benchmarks outside this package. */
    public static Network mlp(Path specs) throws IOException {
        return network(specs, BenchNets.MLP, 1);
    }

    /** One of the benchmark's nets by name (mlp, cnn, lstm), for benchmarks outside this package. */
    public static Network network(Path specs, String net) throws IOException {
        return network(specs, BenchNets.named(net), 1);
    }

    /** One batch of random features and labels for the named net, in the engine's input layout. */
    public static Batch randomBatch(String net, long seed) {
        BenchNets n = BenchNets.named(net);
        java.util.Random random = new java.util.Random(seed);
        float[] x = new float[n.batchSize * n.exampleSize()];
        float[] y = new float[n.batchSize * n.classes];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int j = 0; j < n.batchSize; j++) {
            y[j * n.classes + random.nextInt(n.classes)] = 1f;
        }
        return new Batch(Tensor.of(x, inputShape(n, n.batchSize)), Tensor.of(y, n.batchSize, n.classes));
    }

    /** One MLP batch of constant features, for benchmarks that need Adam's moments to exist (one step). */
    public static Batch mlpBatch() {
        int batch = BenchNets.MLP.batchSize;
        float[] labels = new float[batch * BenchNets.MLP.classes];
        for (int i = 0; i < batch; i++) {
            labels[i * BenchNets.MLP.classes + i % BenchNets.MLP.classes] = 1;
        }
        float[] features = new float[batch * 784];
        java.util.Arrays.fill(features, 0.5f);
        return new Batch(Tensor.of(features, batch, 784), Tensor.of(labels, batch, BenchNets.MLP.classes));
    }

    /** A batch's shape as the engine takes it: [rows, 784], [rows, 28, 28, 1] or [rows, 50, 32]. */
    private static int[] inputShape(BenchNets net, int rows) {
        return switch (net) {
            case MLP -> new int[] {rows, 784};
            case CNN -> new int[] {rows, 28, 28, 1}; // one channel: NCHW and NHWC hold the same bytes
            case LSTM -> new int[] {rows, 50, 32};
        };
    }

    static Network network(Path specs, BenchNets net, int epochs) throws IOException {
        ObjectNode spec = (ObjectNode) JSON.readTree(Files.readString(specs.resolve(net.id() + ".json")));
        ObjectNode input = spec.putObject("input");
        switch (net) {
            case MLP -> input.put("type", "features").put("size", 784);
            case CNN -> input.put("type", "image").put("height", 28).put("width", 28).put("channels", 1);
            case LSTM -> input.put("type", "sequence").put("features", 32).put("length", 50);
        }
        spec.putObject("training").put("epochs", epochs).put("batchSize", net.batchSize).put("seed", 42);
        TrainingSpec ts = JSON.treeToValue(spec, TrainingSpec.class);
        NetworkPlan plan = new SpecValidator(SpecLimits.defaults()).validate(ts, "");
        return Network.build(ts, plan);
    }

    static double[] engine(Path specs, BenchNets net, BenchNets.Data data, int epochs) throws IOException {
        Network network = network(specs, net, epochs);
        int size = net.exampleSize();
        int[] tensorShape = inputShape(net, 0);
        double[] seconds = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            int[] order = order(data.n(), e);
            long start = System.nanoTime();
            for (int from = 0; from < data.n(); from += net.batchSize) {
                int b = Math.min(net.batchSize, data.n() - from);
                Rows rows = Rows.gather(data.x(), data.y(), order, from, b, size, net.classes);
                int[] s = tensorShape.clone();
                s[0] = b;
                network.fitBatch(new Batch(Tensor.of(rows.x(), s), Tensor.of(rows.y(), b, net.classes)));
            }
            seconds[e] = (System.nanoTime() - start) / 1e9;
            progress(net, "engine", e, seconds[e], data.n());
        }
        return seconds;
    }

    // ---- sgemm ceiling, checkpoints, profile ----------------------------------------------------------

    /**
     * Best-of-N float32 GFLOP/s of one way to multiply: ND4J's {@code mmuli}, OpenBLAS's {@code cblas_sgemm} called
     * directly (as {@code engine/Gemm} does), or {@code Nd4j.gemm} (libnd4j's oneDNN matmul). They differ by up to
     * 2.5x on the same machine (docs/performance.md), and the ceiling is the best of them.
     */
    static double sgemm(String path, int size) {
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        FloatPointer pa = (FloatPointer) a.data().addressPointer();
        FloatPointer pb = (FloatPointer) b.data().addressPointer();
        FloatPointer pc = (FloatPointer) c.data().addressPointer();
        Runnable multiply = switch (path) {
            case "mmuli" -> () -> a.mmuli(b, c);
            case "cblas" -> () -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasNoTrans, openblas_nolapack.CblasNoTrans, size, size, size, 1f, pa, size,
                    pb, size, 0f, pc, size);
            case "onednn" -> () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            default -> throw new IllegalArgumentException("unknown sgemm path " + path);
        };
        double best = 0;
        long until = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 40 && (i < 5 || System.nanoTime() < until); i++) {
            long t0 = System.nanoTime();
            multiply.run();
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * size * size * size / s / 1e9);
        }
        return best;
    }

    static void checkpoints(Path specs, List<BenchNets> nets, int repeats, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (BenchNets net : nets) {
            Network network = network(specs, net, 1);
            BenchNets.Data data = net.data(net.batchSize * 2);
            int[] s = inputShape(net, net.batchSize);
            float[] by = new float[net.batchSize * net.classes];
            for (int j = 0; j < net.batchSize; j++) {
                by[j * net.classes + data.y()[j]] = 1f;
            }
            float[] bx = Arrays.copyOf(data.x(), net.batchSize * net.exampleSize());
            network.fitBatch(new Batch(Tensor.of(bx, s), Tensor.of(by, net.batchSize, net.classes))); // Adam state
            double[] write = new double[repeats];
            double[] restore = new double[repeats];
            long bytes = 0;
            Path file = dir.resolve(net.id() + ".ckpt");
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = java.nio.channels.Channels
                        .newOutputStream(ch)) {
                    network.save(new java.io.BufferedOutputStream(out, 1 << 16) {
                        @Override
                        public void close() throws IOException {
                            flush();
                        }
                    });
                    ch.force(true);
                }
                write[r] = (System.nanoTime() - t0) / 1e9;
                bytes = Files.size(file);
                long t1 = System.nanoTime();
                Network loaded = Network.load(new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16));
                restore[r] = (System.nanoTime() - t1) / 1e9;
                if (loaded.numParams() != network.numParams()) {
                    throw new IllegalStateException("restored network differs");
                }
            }
            Files.deleteIfExists(file);
            emit("ckpt", net, "engine", "\"bytes\":" + bytes + ",\"params\":" + network.numParams()
                    + ",\"writeSeconds\":" + Arrays.toString(write) + ",\"restoreSeconds\":" + Arrays.toString(restore));
        }
    }

    static void profile(List<BenchNets> nets, int batches) {
        for (BenchNets net : nets) {
            MultiLayerNetwork model = new MultiLayerNetwork(net.conf());
            model.init();
            BenchNets.Data data = net.data(net.batchSize);
            long[] shape = dl4jShape(net);
            shape[0] = net.batchSize;
            INDArray x = Nd4j.create(dl4jLayout(net, data.x(), data.n()), shape, 'c');
            float[] by = new float[net.batchSize * net.classes];
            for (int j = 0; j < net.batchSize; j++) {
                by[j * net.classes + data.y()[j]] = 1f;
            }
            INDArray y = Nd4j.create(by, new long[] {net.batchSize, net.classes}, 'c');
            for (int i = 0; i < 5; i++) {
                model.fit(x, y);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                model.fit(x, y);
            }
            double plain = (System.nanoTime() - t0) / 1e9 / batches;
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
            OpProfiler.getInstance().reset();
            for (int i = 0; i < batches; i++) {
                model.fit(x, y);
            }
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
            System.err.printf(Locale.ROOT, "=== %s: %.2f ms per batch of %d (unprofiled) ===%n", net, plain * 1000,
                    net.batchSize);
            OpProfiler.getInstance().printOutDashboard();
        }
    }

    /** Which layers got a oneDNN (or cuDNN) helper: DL4J M2.1 creates none unless helpers are enabled. */
    private static void reportHelpers(MultiLayerNetwork model) {
        StringBuilder s = new StringBuilder("  helpers:");
        for (org.deeplearning4j.nn.api.Layer layer : model.getLayers()) {
            Object helper = null;
            try {
                helper = layer.getClass().getMethod("getHelper").invoke(layer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // layer type without helpers
            }
            s.append(' ').append(layer.getClass().getSimpleName()).append('=')
                    .append(helper == null ? "none" : helper.getClass().getSimpleName());
        }
        System.err.println(s);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static int[] order(int n, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(42L * 1_000_003L + epoch + 1);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static void progress(BenchNets net, String column, int epoch, double seconds, int n) {
        System.err.printf(Locale.ROOT, "  %s %s epoch %d: %.2f s (%.0f samples/s)%n", column, net.id(), epoch + 1,
                seconds, n / seconds);
    }

    private static void emit(String kind, BenchNets net, String column, String rest) {
        System.out.println("{\"kind\":\"" + kind + "\",\"net\":" + (net == null ? "null" : "\"" + net.id() + "\"")
                + ",\"column\":\"" + column + "\",\"flopsPerSample\":" + (net == null ? 0 : fmt(net.trainFlops()))
                + "," + rest + "}");
        System.out.flush();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /** numpy's NPZ: a zip of NPY v1.0 files (little-endian float32 x, int32 y). */
    static void writeNpz(Path file, BenchNets net, BenchNets.Data data) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            int[] xs = new int[net.shape.length + 1];
            xs[0] = data.n();
            System.arraycopy(net.shape, 0, xs, 1, net.shape.length);
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npyHeader("<f4", xs));
            ByteBuffer fb = ByteBuffer.allocate(data.x().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            fb.asFloatBuffer().put(data.x());
            zip.write(fb.array());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(npyHeader("<i4", new int[] {data.n()}));
            ByteBuffer ib = ByteBuffer.allocate(data.n() * 4).order(ByteOrder.LITTLE_ENDIAN);
            ib.asIntBuffer().put(data.y());
            zip.write(ib.array());
            zip.closeEntry();
        }
    }

    private static byte[] npyHeader(String dtype, int[] shape) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + s.substring(0, s.length() - 2) + ")";
        StringBuilder dict = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': "
                + shapeText + ", }");
        while ((10 + dict.length() + 1) % 64 != 0) {
            dict.append(' ');
        }
        dict.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        byte[] d = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        out.write(d.length & 0xff);
        out.write(d.length >> 8);
        out.write(d);
        return out.toByteArray();
    }
}
