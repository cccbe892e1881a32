package io.trainyard.engine;

import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
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
import org.nd4j.linalg.indexing.INDArrayIndex;
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
 * with the stock layer to rounding ({@code LeanLayersTest}), padded sequences' masks included. Other masks,
 * non-float data, stateful {@code rnnTimeStep} and truncated BPTT go through DL4J's code unchanged.
 */
final class LeanLstmLayer extends LSTM {

    private static final int MIN_SLICE = 8;
    /** DL4J's order of the LSTM's parameters, which the gradient keeps. */
    private static final List<String> PARAMS = List.of(LSTMParamInitializer.INPUT_WEIGHT_KEY,
            LSTMParamInitializer.RECURRENT_WEIGHT_KEY, LSTMParamInitializer.BIAS_KEY);

    private final boolean inputGradient;
    private Scratch scratch;
    /** Set by a training forward pass; the backward pass uses its state only for the same input and mask. */
    private INDArray forwardInput;
    private INDArray forwardMask;

    LeanLstmLayer(NeuralNetConfiguration conf, DataType dataType, boolean inputGradient) {
        super(conf, dataType);
        this.inputGradient = inputGradient;
    }

    static boolean replaces(org.deeplearning4j.nn.api.Layer layer) {
        return layer.getClass() == LSTM.class && replaces(((LSTM) layer).layerConf());
    }

    /** A bidirectional wrapper around two LSTMs this layer can stand in for. */
    static boolean replaces(BidirectionalLayer layer) {
        Bidirectional conf = (Bidirectional) layer.conf().getLayer();
        return conf.getFwd() instanceof org.deeplearning4j.nn.conf.layers.LSTM f && replaces(f)
                && conf.getBwd() instanceof org.deeplearning4j.nn.conf.layers.LSTM b && replaces(b);
    }

    private static boolean replaces(org.deeplearning4j.nn.conf.layers.LSTM conf) {
        return conf.getWeightNoise() == null && conf.getGateActivationFn() instanceof ActivationSigmoid
                && conf.getActivationFn() instanceof ActivationTanH;
    }

    /**
     * A new bidirectional layer over this layer in both directions, on the old one's parameters and gradients.
     * DL4J's wrapper feeds its backward layer the reversed sequence and adds both input gradients, so each direction
     * is an ordinary LSTM that must return its input gradient.
     */
    static BidirectionalLayer bidirectional(BidirectionalLayer old, DataType dataType) {
        Bidirectional conf = (Bidirectional) old.conf().getLayer();
        INDArray params = old.params();
        long half = params.length() / 2;
        LeanLstmLayer forward = direction(old.conf(), conf.getFwd(), params, 0, half, dataType);
        LeanLstmLayer backward = direction(old.conf(), conf.getBwd(), params, half, 2 * half, dataType);
        BidirectionalLayer wrapper = new BidirectionalLayer(old.conf(), forward, backward, params);
        // Not setParamsViewArray: DL4J M2.1's splits the array at its full length, not at half. Its gradient split
        // is right.
        if (old.getGradientsViewArray() != null) {
            wrapper.setBackpropGradientsViewArray(old.getGradientsViewArray());
        }
        return wrapper;
    }

    private static LeanLstmLayer direction(NeuralNetConfiguration outer, org.deeplearning4j.nn.conf.layers.Layer inner,
            INDArray params, long from, long to, DataType dataType) {
        NeuralNetConfiguration conf = outer.clone();
        conf.setLayer(inner);
        LeanLstmLayer layer = new LeanLstmLayer(conf, dataType, true);
        INDArray view = params.rank() == 1 ? params.get(NDArrayIndex.interval(from, to))
                : params.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(from, to));
        layer.setParamsViewArray(view);
        layer.setParamTable(LSTMParamInitializer.getInstance().init(conf, view, false));
        return layer;
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
        forwardMask = null;
        if (!fastPath()) {
            return super.activate(training, workspaceMgr);
        }
        float[] mask = maskArray == null ? null : Arrays4j.floats(maskArray.castTo(DataType.FLOAT));
        if (mask != null && !trailingPadding(mask, (int) maskArray.size(1))) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray x = permuteIfNWC(input);
        Scratch s = scratch(x);
        // 'c' order: each slice of the mini-batch writes its own contiguous block (no cache line shared by two cores).
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {s.mb, s.n, s.steps}, 'c');
        s.load(x, mask, out, getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), getParam(LSTMParamInitializer.BIAS_KEY));
        parallel(s, s::forward);
        if (training) {
            forwardInput = input;
            forwardMask = maskArray;
        }
        return permuteIfNWC(out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        // The forward pass checked input and mask; the backward pass takes its state only for the same two.
        boolean cached = forwardInput != null && forwardInput == input && forwardMask == maskArray;
        forwardInput = null;
        forwardMask = null;
        if (!cached) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        Scratch s = scratch;
        INDArray epsilonNext = inputGradient ? workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[] {s.mb, s.nIn, s.steps}, 'c') : null;
        s.loadEpsilon(permuteIfNWC(epsilon), epsilonNext);
        parallel(s, s::backward);
        s.writeGradients(gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY),
                gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY),
                gradientViews.get(LSTMParamInitializer.BIAS_KEY));
        Gradient gradient = new DefaultGradient();
        for (String key : PARAMS) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        if (epsilonNext == null) {
            return new Pair<>(gradient, null);
        }
        return new Pair<>(gradient, backpropDropOutIfPresent(permuteIfNWC(epsilonNext)));
    }

    @Override
    public void clear() {
        super.clear();
        forwardInput = null;
        forwardMask = null;
    }

    private boolean fastPath() {
        if (input == null || input.rank() != 3 || input.dataType() != DataType.FLOAT
                || params().dataType() != DataType.FLOAT) {
            return false;
        }
        if (maskArray != null && (maskArray.rank() != 2 || maskArray.size(0) != input.size(0)
                || maskArray.size(1) != permuteIfNWC(input).size(2))) {
            return false;
        }
        // The loops index Java arrays with ints; beyond that size (a few GB of per-step state) DL4J's own code runs.
        long rows = input.size(0) * input.size(2);
        return rows * Math.max(input.size(1), 4 * layerConf().getNOut()) < Integer.MAX_VALUE / 2;
    }

    /**
     * Whether every row of the mask is real steps followed by padding (1…1 0…0), the padded data sets' form. There
     * this layer and DL4J's give the same gradients; with zeros before a real step (an interior gap, or the reversed
     * mask a bidirectional layer's backward direction sees) DL4J M2.1's gradients for the input weights and biases
     * differ from ours, so those go through DL4J's code to keep its behaviour.
     */
    private static boolean trailingPadding(float[] mask, int steps) {
        for (int row = 0; row < mask.length / steps; row++) {
            boolean padding = false;
            for (int t = 0; t < steps; t++) {
                float v = mask[row * steps + t];
                if (v != 0f && v != 1f || padding && v == 1f) {
                    return false;
                }
                padding = v == 0f;
            }
        }
        return true;
    }

    private Scratch scratch(INDArray x) {
        int mb = (int) x.size(0);
        int nIn = (int) x.size(1);
        int steps = (int) x.size(2);
        int n = (int) layerConf().getNOut();
        if (scratch == null || !scratch.holds(mb, nIn, n, steps)) {
            // Grown, never shrunk: the last batch of an epoch and inference's varying batch sizes reuse it.
            int maxMb = scratch == null ? mb : Math.max(mb, scratch.maxMb);
            int maxRows = scratch == null ? mb * steps : Math.max(mb * steps, scratch.maxRows);
            scratch = new Scratch(maxMb, maxRows, nIn, n, inputGradient);
        }
        scratch.shape(mb, steps);
        return scratch;
    }

    /** Runs {@code body} over slices of the mini-batch, one per core, each with single-threaded BLAS. */
    private static void parallel(Scratch s, Slices.Body body) {
        if (Slices.count(s.mb, MIN_SLICE) == 1) {
            body.run(0, s.mb);
            return;
        }
        BlasThreads.enter();
        try {
            Slices.run(s.mb, MIN_SLICE, body);
        } finally {
            BlasThreads.exit();
        }
    }

    /**
     * Everything one forward and backward pass needs, kept between calls (grown when a batch needs more).
     * Per-step values live on the Java heap in {@code [step][sample][unit]} order, so a slice of samples is a
     * contiguous range at each step; the products go through two native arrays: {@code z} (each row: the step's
     * input, then the previous output) and {@code pre} (each row: the four gates' pre-activations, later their
     * gradients).
     */
    private static final class Scratch {
        final int maxMb;
        final int maxRows;
        int mb;
        final int nIn;
        final int n;
        int steps;
        final int width;
        final int gates;
        final INDArray z;
        final INDArray pre;
        final INDArray weights;
        final INDArray dz;
        final INDArray dh;
        final INDArray dwT;
        final float[] bias;
        final float[] gateValues;
        final float[] cell;
        final float[] cellTanh;
        final float[] output;
        final float[] dx;
        /** Per sample, the gate gradients summed over steps: the bias gradient once summed over samples. */
        final float[] biasRows;
        final boolean inputGradient;
        Strided x;
        /** The input mask {@code [mb][steps]} (1 = real step), or null: DL4J's semantics, see updateCells. */
        float[] mask;
        Strided out;
        Strided epsilon;
        Strided epsilonNext;

        /** Room for up to {@code maxMb} examples and {@code maxRows} (examples × steps) rows. */
        Scratch(int maxMb, int maxRows, int nIn, int n, boolean inputGradient) {
            this.maxMb = maxMb;
            this.maxRows = maxRows;
            this.nIn = nIn;
            this.n = n;
            this.width = nIn + n;
            this.gates = 4 * n;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                z = Nd4j.create(DataType.FLOAT, new long[] {maxRows, width}, 'c');
                pre = Nd4j.create(DataType.FLOAT, new long[] {maxRows, gates}, 'c');
                weights = Nd4j.create(DataType.FLOAT, new long[] {width, gates}, 'c');
                dz = Nd4j.create(DataType.FLOAT, new long[] {maxMb, width}, 'c');
                dh = Nd4j.create(DataType.FLOAT, new long[] {maxMb, n}, 'c');
                dwT = Nd4j.create(DataType.FLOAT, new long[] {gates, width}, 'c');
            }
            bias = new float[gates];
            gateValues = new float[maxRows * gates];
            cell = new float[maxRows * n];
            cellTanh = new float[maxRows * n];
            output = new float[maxRows * n];
            this.inputGradient = inputGradient;
            this.dx = inputGradient ? new float[maxRows * nIn] : null;
            this.biasRows = new float[maxMb * gates];
        }

        boolean holds(int mb, int nIn, int n, int steps) {
            return this.nIn == nIn && this.n == n && mb <= maxMb && mb * steps <= maxRows;
        }

        void shape(int mb, int steps) {
            this.mb = mb;
            this.steps = steps;
        }

        void load(INDArray x, float[] mask, INDArray out, INDArray inputWeights, INDArray recurrentWeights,
                INDArray biasParam) {
            this.x = Strided.of(x);
            this.mask = mask;
            this.out = Strided.of(out);
            weights.get(NDArrayIndex.interval(0, nIn), NDArrayIndex.all()).assign(inputWeights);
            weights.get(NDArrayIndex.interval(nIn, width), NDArrayIndex.all()).assign(recurrentWeights);
            System.arraycopy(Arrays4j.floats(biasParam), 0, bias, 0, gates);
        }

        void loadEpsilon(INDArray eps, INDArray epsNext) {
            epsilon = Strided.of(eps);
            epsilonNext = epsNext == null ? null : Strided.of(epsNext);
        }

        /** Forward pass of samples [b0, b1) over all steps. DL4J's gate order: block input, forget, output, input. */
        void forward(int b0, int b1) {
            int rows = b1 - b0;
            float[] zRows = new float[rows * width];
            float[] g = new float[rows * gates];
            FloatBuffer zBuf = Arrays4j.buffer(z);
            FloatBuffer preBuf = Arrays4j.buffer(pre);
            FloatPointer zPtr = pointer(z);
            FloatPointer prePtr = pointer(pre);
            FloatPointer wPtr = pointer(weights);
            for (int t = 0; t < steps; t++) {
                int row0 = t * mb + b0;
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int zi = r * width;
                    for (int k = 0; k < nIn; k++) {
                        zRows[zi + k] = x.get(b, k, t);
                    }
                    if (t == 0) {
                        java.util.Arrays.fill(zRows, zi + nIn, zi + width, 0f);
                    } else {
                        System.arraycopy(output, ((t - 1) * mb + b) * n, zRows, zi + nIn, n);
                    }
                }
                zBuf.put(row0 * width, zRows, 0, rows * width);
                sgemm(false, rows, gates, width, zPtr, (long) row0 * width, width, wPtr, 0, gates, prePtr,
                        (long) row0 * gates, gates);
                preBuf.get(row0 * gates, g, 0, rows * gates);
                activateGates(g, row0, rows);
                updateCells(row0, b0, rows, t);
            }
            for (int b = b0; b < b1; b++) {
                for (int j = 0; j < n; j++) {
                    for (int t = 0; t < steps; t++) {
                        out.set(b, j, t, output[(t * mb + b) * n + j]);
                    }
                }
            }
        }

        /**
         * The gates' activations for one step of a slice. Separate from the cell update: short loops of independent
         * iterations keep several exp() in flight, where one loop doing both ran 60 % slower.
         */
        private void activateGates(float[] g, int row0, int rows) {
            for (int r = 0; r < rows; r++) {
                int gi = r * gates;
                int gs = (row0 + r) * gates;
                for (int j = 0; j < n; j++) {
                    gateValues[gs + j] = tanh(g[gi + j] + bias[j]);
                }
                for (int j = n; j < gates; j++) {
                    gateValues[gs + j] = sigmoid(g[gi + j] + bias[j]);
                }
            }
        }

        /**
         * The cell update for one step of a slice. A masked step is DL4J's: its output and its stored cell state are
         * multiplied by the mask after the output is computed (so a padded step carries zeros forward), while the
         * cell's tanh is kept unmasked for the backward pass.
         */
        private void updateCells(int row0, int b0, int rows, int t) {
            for (int r = 0; r < rows; r++) {
                int gs = (row0 + r) * gates;
                int cs = (row0 + r) * n;
                int prev = cs - mb * n;
                for (int j = 0; j < n; j++) {
                    float a = gateValues[gs + j];
                    float i = gateValues[gs + 3 * n + j];
                    cell[cs + j] = t == 0 ? i * a : gateValues[gs + n + j] * cell[prev + j] + i * a;
                }
                for (int j = 0; j < n; j++) {
                    float tc = tanh(cell[cs + j]);
                    cellTanh[cs + j] = tc;
                    output[cs + j] = tc * gateValues[gs + 2 * n + j];
                }
                float m = mask == null ? 1f : mask[(b0 + r) * steps + t];
                if (m != 1f) {
                    for (int j = 0; j < n; j++) {
                        cell[cs + j] *= m;
                        output[cs + j] *= m;
                    }
                }
            }
        }

        /** Backward pass of samples [b0, b1): gate gradients into {@code pre}, input gradients into the heap. */
        void backward(int b0, int b1) {
            int rows = b1 - b0;
            float[] dg = new float[rows * gates];
            java.util.Arrays.fill(biasRows, b0 * gates, b1 * gates, 0f);
            float[] dcNext = new float[rows * n];
            float[] dhNext = new float[rows * n];
            boolean toInput = epsilonNext != null;
            int dzWidth = toInput ? width : n;
            float[] dzRows = new float[rows * dzWidth];
            FloatBuffer preBuf = Arrays4j.buffer(pre);
            // Without an input gradient only the recurrent rows of the weights are needed.
            long backOffset = toInput ? 0 : (long) nIn * gates;
            INDArray target = toInput ? dz : dh;
            FloatBuffer dzBuf = Arrays4j.buffer(target);
            FloatPointer dzPtr = pointer(target);
            FloatPointer prePtr = pointer(pre);
            FloatPointer wPtr = pointer(weights);
            int dzOffset = b0 * dzWidth;
            for (int t = steps - 1; t >= 0; t--) {
                int row0 = t * mb + b0;
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int gs = (row0 + r) * gates;
                    int cs = (row0 + r) * n;
                    int gi = r * gates;
                    int hi = r * n;
                    // DL4J with a mask: the gate gradients of a padded step are zeroed, the cell gradient carried
                    // back is not, and tanh' is taken at the stored (masked) cell state.
                    float m = mask == null ? 1f : mask[b * steps + t];
                    for (int j = 0; j < n; j++) {
                        float a = gateValues[gs + j];
                        float f = gateValues[gs + n + j];
                        float o = gateValues[gs + 2 * n + j];
                        float i = gateValues[gs + 3 * n + j];
                        float tc = cellTanh[cs + j];
                        float ts = m == 1f ? tc : tanh(cell[cs + j]);
                        float dh = epsilon.get(b, j, t) + (t == steps - 1 ? 0f : dhNext[hi + j]);
                        float dOut = dh * tc * (o * (1 - o));
                        float dc = (1 - ts * ts) * (o * dh);
                        if (t < steps - 1) {
                            dc += gateValues[gs + mb * gates + n + j] * dcNext[hi + j];
                        }
                        float dForget = t == 0 ? 0f : f * (1 - f) * dc * cell[cs - mb * n + j];
                        float dIn = i * (1 - i) * a * dc;
                        float dBlock = (1 - a * a) * (i * dc);
                        dg[gi + j] = dBlock * m;
                        dg[gi + n + j] = dForget * m;
                        dg[gi + 2 * n + j] = dOut * m;
                        dg[gi + 3 * n + j] = dIn * m;
                        dcNext[hi + j] = dc;
                    }
                }
                preBuf.put(row0 * gates, dg, 0, rows * gates);
                for (int k = 0; k < rows * gates; k++) {
                    biasRows[b0 * gates + k] += dg[k];
                }
                if (t == 0 && !toInput) {
                    continue;
                }
                sgemm(true, rows, dzWidth, gates, prePtr, (long) row0 * gates, gates, wPtr, backOffset, gates, dzPtr,
                        dzOffset, dzWidth);
                dzBuf.get(dzOffset, dzRows, 0, rows * dzWidth);
                for (int r = 0; r < rows; r++) {
                    int b = b0 + r;
                    int zi = r * dzWidth;
                    if (toInput) {
                        float m = mask == null ? 1f : mask[b * steps + t];
                        for (int k = 0; k < nIn; k++) {
                            dx[(t * mb + b) * nIn + k] = dzRows[zi + k] * m;
                        }
                        System.arraycopy(dzRows, zi + nIn, dhNext, r * n, n);
                    } else {
                        System.arraycopy(dzRows, zi, dhNext, r * n, n);
                    }
                }
            }
            if (toInput) {
                for (int b = b0; b < b1; b++) {
                    for (int k = 0; k < nIn; k++) {
                        for (int t = 0; t < steps; t++) {
                            epsilonNext.set(b, k, t, dx[(t * mb + b) * nIn + k]);
                        }
                    }
                }
            }
        }

        void writeGradients(INDArray inputWeights, INDArray recurrentWeights, INDArray biasGrad) {
            // Row t*mb+b of z holds step t's input and previous output; of pre, step t's gate gradients: one product
            // sums the weight gradients of all steps (at step 0 the previous output is zero, as in DL4J).
            // dWᵀ = preᵀ × z, row-major, is dW in the column-major order of DL4J's gradient views: two plain copies.
            INDArrayIndex filled = NDArrayIndex.interval(0, steps * mb);
            Gemm.product(pre.get(filled, NDArrayIndex.all()), true, z.get(filled, NDArrayIndex.all()), false, dwT, 0f);
            inputWeights.assign(dwT.get(NDArrayIndex.all(), NDArrayIndex.interval(0, nIn)).transpose());
            recurrentWeights.assign(dwT.get(NDArrayIndex.all(), NDArrayIndex.interval(nIn, width)).transpose());
            float[] b = new float[gates];
            for (int row = 0; row < mb; row++) {
                for (int k = 0; k < gates; k++) {
                    b[k] += biasRows[row * gates + k];
                }
            }
            biasGrad.assign(Nd4j.createFromArray(b).reshape(biasGrad.shape()));
        }

        /**
         * Row-major {@code C = A × B} (or {@code A × Bᵀ}) on row slices given by offsets, straight into OpenBLAS: a view
         * per slice and step (for {@link Gemm} or ND4J's gemm) costs more in array bookkeeping than these 2-MFLOP
         * products cost in arithmetic.
         */
        private static void sgemm(boolean transposeB, int m, int n, int k, FloatPointer a, long aOffset, int lda,
                FloatPointer b, long bOffset, int ldb, FloatPointer c, long cOffset, int ldc) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f,
                    new FloatPointer(a).position(aOffset), lda, new FloatPointer(b).position(bOffset), ldb, 0f,
                    new FloatPointer(c).position(cOffset), ldc);
        }

        private static FloatPointer pointer(INDArray array) {
            return new FloatPointer(array.data().addressPointer());
        }

        private static float sigmoid(float v) {
            return (float) (1.0 / (1.0 + Math.exp(-v)));
        }

        private static float tanh(float v) {
            // Through one exp (Math.tanh is not intrinsic on JDK 17), in double: no cancellation near 0 at float
            // precision; exp overflowing to infinity gives -1 as it should.
            return (float) (2.0 / (1.0 + Math.exp(-2.0 * v)) - 1.0);
        }
    }

    /** Element access to a rank-3 float array through its strides, without copying it into a new order. */
    private record Strided(FloatBuffer buffer, int s0, int s1, int s2) {

        static Strided of(INDArray a) {
            INDArray own = a.offset() == 0 && a.data().length() == a.length() ? a : a.dup('f');
            FloatBuffer buffer = Arrays4j.buffer(own);
            long[] stride = own.stride();
            return new Strided(buffer, (int) stride[0], (int) stride[1], (int) stride[2]);
        }

        float get(int i, int j, int k) {
            return buffer.get(i * s0 + j * s1 + k * s2);
        }

        void set(int i, int j, int k, float value) {
            buffer.put(i * s0 + j * s1 + k * s2, value);
        }
    }
}
