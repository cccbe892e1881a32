package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's LSTM (no peepholes, sigmoid gates, tanh activation) with the time loop written for small per-step arrays
 * (docs/performance.md, "The engine's LSTM"). DL4J issues about 40 ND4J operations per step and direction, and on a
 * few cores each costs far more in dispatch and thread wake-ups than in arithmetic: a step on {@code [32,128]} takes
 * about 1 ms. Here each step is one matrix product through BLAS plus one Java loop over the cells, and the
 * mini-batch is split across cores, each slice running the whole sequence with single-threaded BLAS (samples are
 * independent along the sequence, so nothing is shared but the weights). The weight gradients of all steps are
 * then one product over the whole sequence.
 *
 * <p>The arithmetic is DL4J's (same gate order, same formulas, float throughout), so losses and parameters agree
 * with the stock layer to rounding ({@code LeanLayersTest}). Masked input, non-float data, stateful
 * {@code rnnTimeStep} and truncated BPTT go through DL4J's code unchanged.
 */
final class LeanLstmLayer extends LSTM {

    private static final int MIN_SLICE = 8;
    private static final ExecutorService POOL = pool();

    private final boolean inputGradient;
    private Scratch scratch;
    /** Set by a training forward pass; the backward pass uses it only for the same input. */
    private INDArray forwardInput;

    LeanLstmLayer(NeuralNetConfiguration conf, DataType dataType, boolean inputGradient) {
        super(conf, dataType);
        this.inputGradient = inputGradient;
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        if (layer.getClass() != LSTM.class) {
            return false;
        }
        org.deeplearning4j.nn.conf.layers.LSTM conf = ((LSTM) layer).layerConf();
        return conf.getWeightNoise() == null && conf.getGateActivationFn() instanceof ActivationSigmoid
                && conf.getActivationFn() instanceof ActivationTanH;
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        // DL4J's LSTM goes straight to its own time loop from here, not through activate(training, ...).
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        forwardInput = null;
        if (!fastPath()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = permuteIfNWC(input);
        Scratch s = scratch(x);
        s.load(x, getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), getParam(LSTMParamInitializer.BIAS_KEY));
        parallel(s, s::forward);
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {s.mb, s.n, s.steps}, 'c');
        s.writeOutput(out);
        if (training) {
            forwardInput = input;
        }
        return permuteIfNWC(out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        boolean cached = forwardInput != null && forwardInput == input && fastPath();
        forwardInput = null;
        if (!cached) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Scratch s = scratch;
        s.loadEpsilon(permuteIfNWC(epsilon));
        parallel(s, s::backward);
        Gradient gradient = new DefaultGradient();
        s.writeGradients(gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY),
                gradientViews.get(LSTMParamInitializer.BIAS_KEY));
        gradient.gradientForVariable().put(LSTMParamInitializer.INPUT_WEIGHT_KEY,
                gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY));
        gradient.gradientForVariable().put(LSTMParamInitializer.RECURRENT_WEIGHT_KEY,
                gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY));
        gradient.gradientForVariable().put(LSTMParamInitializer.BIAS_KEY,
                gradientViews.get(LSTMParamInitializer.BIAS_KEY));
        if (!inputGradient) {
            return new Pair<>(gradient, null);
        }
        INDArray epsilonNext = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[] {s.mb, s.nIn, s.steps}, 'c');
        s.writeInputGradient(epsilonNext);
        return new Pair<>(gradient, backpropDropOutIfPresent(permuteIfNWC(epsilonNext)));
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
    }

    private boolean fastPath() {
        return input != null && input.rank() == 3 && maskArray == null && input.dataType() == DataType.FLOAT
                && params().dataType() == DataType.FLOAT;
    }

    private Scratch scratch(INDArray x) {
        int mb = (int) x.size(0);
        int nIn = (int) x.size(1);
        int steps = (int) x.size(2);
        int n = (int) layerConf().getNOut();
        if (scratch == null || !scratch.fits(mb, nIn, n, steps)) {
            scratch = new Scratch(mb, nIn, n, steps, inputGradient);
        }
        return scratch;
    }

    /** Runs {@code body} over slices of the mini-batch, one per core, each with single-threaded BLAS. */
    private static void parallel(Scratch s, SliceBody body) {
        int slices = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), s.mb / MIN_SLICE));
        if (slices == 1 || POOL == null) {
            body.run(0, s.mb);
            return;
        }
        SingleThreadedBlas.enter();
        try {
            List<Future<?>> others = new ArrayList<>();
            int per = (s.mb + slices - 1) / slices;
            for (int from = per; from < s.mb; from += per) {
                int b0 = from;
                int b1 = Math.min(s.mb, from + per);
                others.add(POOL.submit(() -> body.run(b0, b1)));
            }
            body.run(0, Math.min(s.mb, per));
            for (Future<?> f : others) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training an LSTM layer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            SingleThreadedBlas.exit();
        }
    }

    private static ExecutorService pool() {
        int others = Runtime.getRuntime().availableProcessors() - 1;
        if (others < 1) {
            return null;
        }
        return Executors.newFixedThreadPool(others, r -> {
            Thread t = new Thread(r, "trainyard-lstm");
            t.setDaemon(true);
            return t;
        });
    }

    @FunctionalInterface
    private interface SliceBody {
        void run(int b0, int b1);
    }

    /**
     * OpenBLAS's thread count is process-wide; while slices run side by side each product must stay on its own
     * core. Concurrent LSTM layers share one switch; other work running meanwhile gets single-threaded products for
     * those milliseconds, which costs speed, never correctness.
     */
    static final class SingleThreadedBlas {
        private static int active;
        private static int saved;

        private SingleThreadedBlas() {
        }

        static synchronized void enter() {
            if (active++ == 0) {
                saved = Nd4j.factory().blas().getMaxThreads();
                Nd4j.factory().blas().setMaxThreads(1);
            }
        }

        static synchronized void exit() {
            if (--active == 0) {
                Nd4j.factory().blas().setMaxThreads(saved);
            }
        }
    }

    /**
     * Everything one forward and backward pass needs, kept between calls of the same shape. Per-step values live on
     * the Java heap in {@code [step][sample][unit]} order, so a slice of samples is a contiguous range at each step;
     * the products go through two native arrays: {@code z} (each row: the step's input, then the previous output)
     * and {@code pre} (each row: the four gates' pre-activations, later their gradients).
     */
    private static final class Scratch {
        final int mb;
        final int nIn;
        final int n;
        final int steps;
        final int width;
        final int gates;
        final INDArray z;
        final INDArray pre;
        final INDArray weights;
        final INDArray dz;
        final INDArray dh;
        final float[] bias;
        final float[] gateValues;
        final float[] cell;
        final float[] cellTanh;
        final float[] output;
        float[] x;
        float[] epsilon;
        float[] inputGradient;

        Scratch(int mb, int nIn, int n, int steps, boolean inputGradient) {
            this.mb = mb;
            this.nIn = nIn;
            this.n = n;
            this.steps = steps;
            this.width = nIn + n;
            this.gates = 4 * n;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                z = Nd4j.create(DataType.FLOAT, new long[] {(long) steps * mb, width}, 'c');
                pre = Nd4j.create(DataType.FLOAT, new long[] {(long) steps * mb, gates}, 'c');
                weights = Nd4j.create(DataType.FLOAT, new long[] {width, gates}, 'c');
                dz = Nd4j.create(DataType.FLOAT, new long[] {mb, width}, 'c');
                dh = Nd4j.create(DataType.FLOAT, new long[] {mb, n}, 'c');
            }
            bias = new float[gates];
            gateValues = new float[steps * mb * gates];
            cell = new float[steps * mb * n];
            cellTanh = new float[steps * mb * n];
            output = new float[steps * mb * n];
            this.inputGradient = inputGradient ? new float[mb * nIn * steps] : null;
        }

        boolean fits(int mb, int nIn, int n, int steps) {
            return this.mb == mb && this.nIn == nIn && this.n == n && this.steps == steps;
        }

        void load(INDArray x, INDArray inputWeights, INDArray recurrentWeights, INDArray biasParam) {
            this.x = floats(x);
            weights.get(NDArrayIndex.interval(0, nIn), NDArrayIndex.all()).assign(inputWeights);
            weights.get(NDArrayIndex.interval(nIn, width), NDArrayIndex.all()).assign(recurrentWeights);
            float[] b = floats(biasParam);
            System.arraycopy(b, 0, bias, 0, gates);
        }

        void loadEpsilon(INDArray eps) {
            epsilon = floats(eps);
        }

        /** Forward pass of samples [b0, b1) over all steps. DL4J's gate order: block input, forget, output, input. */
        void forward(int b0, int b1) {
            int rows = b1 - b0;
            float[] zRows = new float[rows * width];
            float[] g = new float[rows * gates];
            FloatBuffer zBuf = nio(z);
            FloatBuffer preBuf = nio(pre);
            for (int t = 0; t < steps; t++) {
                int row0 = t * mb + b0;
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int zi = r * width;
                    for (int k = 0; k < nIn; k++) {
                        zRows[zi + k] = x[(b * nIn + k) * steps + t];
                    }
                    if (t == 0) {
                        java.util.Arrays.fill(zRows, zi + nIn, zi + width, 0f);
                    } else {
                        System.arraycopy(output, ((t - 1) * mb + b) * n, zRows, zi + nIn, n);
                    }
                }
                zBuf.put(row0 * width, zRows, 0, rows * width);
                Nd4j.gemm(rows(z, row0, rows), weights, rows(pre, row0, rows), false, false, 1.0, 0.0);
                preBuf.get(row0 * gates, g, 0, rows * gates);
                for (int r = 0; r < rows; r++) {
                    int gi = r * gates;
                    int gs = (row0 + r) * gates;
                    int cs = (row0 + r) * n;
                    int prev = cs - mb * n;
                    for (int j = 0; j < n; j++) {
                        float a = tanh(g[gi + j] + bias[j]);
                        float f = sigmoid(g[gi + n + j] + bias[n + j]);
                        float o = sigmoid(g[gi + 2 * n + j] + bias[2 * n + j]);
                        float i = sigmoid(g[gi + 3 * n + j] + bias[3 * n + j]);
                        float c = t == 0 ? i * a : f * cell[prev + j] + i * a;
                        float tc = tanh(c);
                        gateValues[gs + j] = a;
                        gateValues[gs + n + j] = f;
                        gateValues[gs + 2 * n + j] = o;
                        gateValues[gs + 3 * n + j] = i;
                        cell[cs + j] = c;
                        cellTanh[cs + j] = tc;
                        output[cs + j] = tc * o;
                    }
                }
            }
        }

        /** Backward pass of samples [b0, b1): gate gradients into {@code pre}, input gradients into the heap. */
        void backward(int b0, int b1) {
            int rows = b1 - b0;
            float[] dg = new float[rows * gates];
            float[] dcNext = new float[rows * n];
            float[] dhNext = new float[rows * n];
            boolean toInput = inputGradient != null;
            int dzWidth = toInput ? width : n;
            float[] dzRows = new float[rows * dzWidth];
            FloatBuffer preBuf = nio(pre);
            // Without an input gradient only the recurrent rows of the weights are needed.
            INDArray back = toInput ? weights : weights.get(NDArrayIndex.interval(nIn, width), NDArrayIndex.all());
            INDArray target = toInput ? dz : dh;
            INDArray dzSlice = rows(target, b0, rows);
            FloatBuffer dzBuf = nio(target);
            int dzOffset = b0 * dzWidth;
            for (int t = steps - 1; t >= 0; t--) {
                int row0 = t * mb + b0;
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int gs = (row0 + r) * gates;
                    int cs = (row0 + r) * n;
                    int gi = r * gates;
                    int hi = r * n;
                    for (int j = 0; j < n; j++) {
                        float a = gateValues[gs + j];
                        float f = gateValues[gs + n + j];
                        float o = gateValues[gs + 2 * n + j];
                        float i = gateValues[gs + 3 * n + j];
                        float tc = cellTanh[cs + j];
                        float dh = epsilon[(b * n + j) * steps + t] + (t == steps - 1 ? 0f : dhNext[hi + j]);
                        float dOut = dh * tc * (o * (1 - o));
                        float dc = (1 - tc * tc) * (o * dh);
                        if (t < steps - 1) {
                            dc += gateValues[gs + mb * gates + n + j] * dcNext[hi + j];
                        }
                        float dForget = t == 0 ? 0f : f * (1 - f) * dc * cell[cs - mb * n + j];
                        float dIn = i * (1 - i) * a * dc;
                        float dBlock = (1 - a * a) * (i * dc);
                        dg[gi + j] = dBlock;
                        dg[gi + n + j] = dForget;
                        dg[gi + 2 * n + j] = dOut;
                        dg[gi + 3 * n + j] = dIn;
                        dcNext[hi + j] = dc;
                    }
                }
                preBuf.put(row0 * gates, dg, 0, rows * gates);
                if (t == 0 && !toInput) {
                    continue;
                }
                Nd4j.gemm(rows(pre, row0, rows), back, dzSlice, false, true, 1.0, 0.0);
                dzBuf.get(dzOffset, dzRows, 0, rows * dzWidth);
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int zi = r * dzWidth;
                    if (toInput) {
                        for (int k = 0; k < nIn; k++) {
                            inputGradient[(b * nIn + k) * steps + t] = dzRows[zi + k];
                        }
                        System.arraycopy(dzRows, zi + nIn, dhNext, r * n, n);
                    } else {
                        System.arraycopy(dzRows, zi, dhNext, r * n, n);
                    }
                }
            }
        }

        void writeOutput(INDArray out) {
            float[] o = new float[mb * n * steps];
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < mb; b++) {
                    int src = (t * mb + b) * n;
                    for (int j = 0; j < n; j++) {
                        o[(b * n + j) * steps + t] = output[src + j];
                    }
                }
            }
            put(out, o);
        }

        void writeGradients(INDArray inputWeights, INDArray recurrentWeights, INDArray biasGrad) {
            // Row t*mb+b of z holds step t's input and previous output; of pre, step t's gate gradients: one product
            // sums the weight gradients of all steps (at step 0 the previous output is zero, as in DL4J).
            INDArray dw = Nd4j.gemm(z, pre, true, false);
            inputWeights.assign(dw.get(NDArrayIndex.interval(0, nIn), NDArrayIndex.all()));
            recurrentWeights.assign(dw.get(NDArrayIndex.interval(nIn, width), NDArrayIndex.all()));
            biasGrad.assign(pre.sum(0).reshape(biasGrad.shape()));
        }

        void writeInputGradient(INDArray target) {
            put(target, inputGradient);
        }

        private static INDArray rows(INDArray matrix, int from, int count) {
            return matrix.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
        }

        private static FloatBuffer nio(INDArray array) {
            return array.data().asNioFloat().duplicate();
        }

        private static float[] floats(INDArray a) {
            return a.dup('c').reshape(a.length()).toFloatVector();
        }

        private static void put(INDArray target, float[] values) {
            if (target.isView() || target.ordering() != 'c' || target.length() != values.length) {
                throw new IllegalStateException("expected a fresh c-order array of " + values.length + " values");
            }
            FloatBuffer buf = target.data().asNioFloat();
            if (buf.capacity() < values.length) {
                throw new IllegalStateException("array buffer holds " + buf.capacity() + " values, expected "
                        + values.length);
            }
            buf.put(0, values, 0, values.length);
        }

        private static float sigmoid(float v) {
            return (float) (1.0 / (1.0 + Math.exp(-v)));
        }

        private static float tanh(float v) {
            // tanh through one exp (Math.tanh is not intrinsic on JDK 17); exact to float rounding.
            double e = Math.exp(-2.0 * Math.abs(v));
            double t = (1.0 - e) / (1.0 + e);
            return (float) (v < 0 ? -t : t);
        }
    }
}
