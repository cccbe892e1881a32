package io.trainyard.engine;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A served dense or output layer's {@code x × W + b} through oneDNN's matmul, with W laid out once in the blocked
 * layout the primitive asks for. OpenBLAS packs both operands again on every call: for the batches a served MLP sees,
 * {@code sgemm_incopy} took as much of the batcher's time as the product's kernel (docs/performance.md, "Serving:
 * where a batched request's time goes"). On AVX-512 oneDNN's {@code brgemm} matmul over the packed weights ran the
 * MLP's layers 1.1–1.55× faster than OpenBLAS at 64 rows, 1.3–2.1× at 32 and 2–12× at 2 to 8 on one thread (a batch
 * with company, inside {@link BlasThreads#single}); on two threads (a lone request) it kept its lead up to 32 rows
 * only. Beyond that it was slower, and for one row OpenBLAS's {@code sgemv} is faster. So batches of
 * {@value #MIN_ROWS} to {@value #MAX_ROWS} rows come here, or up to {@value #MAX_ROWS_THREADED} on more threads
 * ({@code ServingProductBench}; docs/performance.md, "Zen 4 (third)"). Where oneDNN keeps the weights in a plain
 * layout (its AVX2 kernels) it leads only up to {@value #MAX_ROWS_PLAIN} rows; larger batches keep {@link Gemm}.
 *
 * <p>The weights are copied: a network whose parameters change must drop this ({@link Network#forServing}). One
 * thread uses an instance at a time (a network's calls are serial). Each batch size gets its primitive on first use.
 */
final class DnnlServingProduct extends Dnnl.Owned {

    static final int MIN_ROWS = 2;
    static final int MAX_ROWS = 64;
    static final int MAX_ROWS_THREADED = 32;
    /**
     * Where oneDNN keeps the weights plain (AVX2): its matmul still skips the packing OpenBLAS repeats per call, and
     * beat OpenBLAS up to 12 rows (1.1–2.4× on one thread), was level at 16 (0.92–1.15×) and fell behind from 24
     * (0.7–0.8× at 32). In the batched server 32-row batches cost the batcher 3 % less CPU through OpenBLAS, and at
     * 16 connections taking only up to 12 rows here looked no better ({@code ServingProductBench}, serving
     * profiles; docs/inference.md, "oneDNN's plain layout on AVX2").
     */
    static final int MAX_ROWS_PLAIN = 16;

    private final long k;
    private final long n;
    private final memory.desc packedDesc;
    private final memory weights;
    private final memory bias;
    private final stream stream;
    /** The largest batch taken on one thread, and on more. */
    private final int maxRows;
    private final int maxRowsThreaded;
    /** By batch size, each made on first use (null where oneDNN wants another weights layout at that size). */
    private final Dnnl.Plans<Long, Plan> plans;

    private DnnlServingProduct(long k, long n, int maxRows, int maxRowsThreaded, matmul.primitive_desc first,
            INDArray w, INDArray b) {
        this.k = k;
        this.n = n;
        this.maxRows = maxRows;
        this.maxRowsThreaded = maxRowsThreaded;
        plans = new Dnnl.Plans<>(maxRows);
        stream = own(new stream(Dnnl.ENGINE));
        packedDesc = own(first.weights_desc());
        weights = own(new memory(packedDesc, Dnnl.ENGINE));
        copy(plainDesc(w), w, weights);
        bias = b == null ? null : own(new memory(biasDesc(n), Dnnl.ENGINE));
        if (b != null) {
            copy(biasDesc(n), b, bias);
        }
    }

    /** Copies {@code from}, laid out as {@code layout} says, into oneDNN's memory {@code to}, in to's layout. */
    private void copy(memory.desc layout, INDArray from, memory to) {
        try (layout; memory plain = new memory(layout, Dnnl.ENGINE, Dnnl.address(from));
                reorder reorder = new reorder(plain, to)) {
            reorder.execute(stream, plain, to);
            stream._wait();
        }
    }

    /**
     * The product for weights {@code w [nIn, nOut]} and bias {@code b} (null for none), copied now; null where oneDNN
     * did not load or the arrays are not float. Where oneDNN keeps the weights in a plain layout it takes batches of
     * up to {@value #MAX_ROWS_PLAIN} rows only (unless {@code evenIfPlain}, for tests).
     */
    static DnnlServingProduct pack(INDArray w, INDArray b, boolean evenIfPlain) {
        return pack(w, b, evenIfPlain, MAX_ROWS, MAX_ROWS_THREADED);
    }

    /**
     * {@link #pack(INDArray, INDArray, boolean)} taking batches of up to {@code maxRows} rows on one thread and
     * {@code maxRowsThreaded} on more (benchmarks go past the served layers' limits).
     */
    static DnnlServingProduct pack(INDArray w, INDArray b, boolean evenIfPlain, int maxRows, int maxRowsThreaded) {
        if (!Dnnl.available() || w.rank() != 2 || w.dataType() != DataType.FLOAT || w.length() == 0
                || (b != null && (b.dataType() != DataType.FLOAT || b.length() != w.size(1)
                        || !Arrays4j.denseRowMajor(b)))) {
            return null;
        }
        long k = w.size(0);
        long n = w.size(1);
        // The batcher's usual batch decides the layout; the layouts asked for at other sizes are checked per size.
        try (matmul.primitive_desc first = primitiveDesc(32, k, n, b != null)) {
            boolean plain;
            try (memory.desc wanted = first.weights_desc()) {
                plain = plain(wanted);
            }
            return plain && !evenIfPlain
                    ? new DnnlServingProduct(k, n, Math.min(maxRows, MAX_ROWS_PLAIN),
                            Math.min(maxRowsThreaded, MAX_ROWS_PLAIN), first, w, b)
                    : new DnnlServingProduct(k, n, maxRows, maxRowsThreaded, first, w, b);
        }
    }

    /**
     * Whether {@code d} is a plain matrix, row- or column-major, without inner blocks: what oneDNN's AVX2 matmul
     * ({@code gemm:jit}) asks for. DL4J's weights are column-major and oneDNN wants them row-major, so packing
     * still transposes them; comparing with the weights' own layout cannot tell a plain layout from a blocked one.
     */
    static boolean plain(memory.desc d) {
        dnnl_memory_desc_t data = d.data();
        return data.format_kind() == dnnl.dnnl_blocked && data.format_desc_blocking().inner_nblks() == 0;
    }

    /** Whether the weights lie here in a plain layout ({@link #plain}). */
    boolean plainLayout() {
        return plain(packedDesc);
    }

    /** The most rows a batch may have here on one thread, and on more. */
    int maxRows(boolean threaded) {
        return threaded ? maxRowsThreaded : maxRows;
    }

    /**
     * What a {@link ServedLayer} holds after {@code serve(on, evenIfPlain)}: {@code current} closed, and with
     * {@code on} the layer's weights and bias packed anew (null where {@link #pack} declines).
     */
    static DnnlServingProduct replace(DnnlServingProduct current, boolean on, Layer layer, boolean evenIfPlain) {
        if (current != null) {
            current.close();
        }
        return on ? pack(layer.getParam(DefaultParamInitializer.WEIGHT_KEY),
                layer.paramTable().get(DefaultParamInitializer.BIAS_KEY), evenIfPlain) : null;
    }

    /**
     * {@code x × W + b} into a new array of the activations workspace; null (nothing computed) where {@code x} is
     * not a float matrix in 'c' order with {@code nIn} columns and {@value #MIN_ROWS} to {@value #MAX_ROWS} rows
     * ({@value #MAX_ROWS_THREADED} where products run on more than one thread), or oneDNN asks for another layout
     * of the weights at this batch size.
     */
    INDArray preOutput(INDArray x, LayerWorkspaceMgr workspaceMgr) {
        if (x.rank() != 2 || x.size(1) != k || !DnnlConvolution.fits(x)) {
            return null;
        }
        long rows = x.size(0);
        int threads = BlasThreads.current();
        if (rows < MIN_ROWS || rows > (threads > 1 ? maxRowsThreaded : maxRows)) {
            return null;
        }
        Plan plan = plans.get(rows, () -> Plan.make(rows, this));
        if (plan == null) {
            return null;
        }
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, rows, n);
        // A batch runs on the calling thread alone inside BlasThreads.single, as OpenBLAS's products do there.
        Dnnl.threads(threads);
        plan.src.set_data_handle(Dnnl.address(x));
        plan.dst.set_data_handle(Dnnl.address(z));
        plan.primitive.execute(stream, plan.args);
        stream._wait();
        return z;
    }

    @Override
    public void close() {
        plans.close();
        super.close();
    }

    private static matmul.primitive_desc primitiveDesc(long rows, long k, long n, boolean bias) {
        memory.data_type f32 = memory.data_type.f32;
        try (memory.desc src = new memory.desc(new long[] {rows, k}, f32, memory.format_tag.ab);
                memory.desc weights = new memory.desc(new long[] {k, n}, f32, memory.format_tag.any);
                memory.desc dst = new memory.desc(new long[] {rows, n}, f32, memory.format_tag.ab);
                memory.desc b = biasDesc(n);
                matmul.desc desc = bias ? new matmul.desc(src, weights, b, dst) : new matmul.desc(src, weights, dst)) {
            return new matmul.primitive_desc(desc, Dnnl.ENGINE);
        }
    }

    private static memory.desc biasDesc(long n) {
        return new memory.desc(new long[] {1, n}, memory.data_type.f32, memory.format_tag.ab);
    }

    /** A 2-D float array as it lies in memory (DL4J keeps weights in 'f' order, views at any offset). */
    private static memory.desc plainDesc(INDArray a) {
        return new memory.desc(a.shape(), memory.data_type.f32, a.stride());
    }

    /** One batch size's primitive, its operands' memories and its arguments. */
    private static final class Plan extends Dnnl.Owned {
        final matmul primitive;
        final memory src;
        final memory dst;
        final IntMemoryMap args;

        private Plan(matmul.primitive_desc desc, long rows, DnnlServingProduct product) {
            primitive = own(new matmul(desc));
            memory.data_type f32 = memory.data_type.f32;
            src = own(new memory(own(new memory.desc(new long[] {rows, product.k}, f32, memory.format_tag.ab)),
                    Dnnl.ENGINE, (Pointer) null));
            dst = own(new memory(own(new memory.desc(new long[] {rows, product.n}, f32, memory.format_tag.ab)),
                    Dnnl.ENGINE, (Pointer) null));
            args = own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, product.weights);
            if (product.bias != null) {
                args.put(dnnl.DNNL_ARG_BIAS, product.bias);
            }
            args.put(dnnl.DNNL_ARG_DST, dst);
        }

        /** Null where oneDNN wants the weights in another layout at this size than the one they were packed in. */
        static Plan make(long rows, DnnlServingProduct product) {
            try (matmul.primitive_desc desc = primitiveDesc(rows, product.k, product.n, product.bias != null);
                    memory.desc wanted = desc.weights_desc()) {
                return wanted.equals(product.packedDesc) ? new Plan(desc, rows, product) : null;
            }
        }
    }
}
