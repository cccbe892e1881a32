package io.trainyard.engine;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One NCHW max or average pooling layer (no padding) through oneDNN's own API, on the plain layout DL4J's arrays
 * have, or channels-last where the convolution before it wrote its output so (AVX-512; {@link LeanConvolutionLayer}).
 * oneDNN 2.5's JIT kernels take either layout (libnd4j's oneDNN 2.3 pooled it in its reference code, which is
 * why {@link LeanPoolingLayer} has Java loops): LeNet's first pooling alone ran 0.23–0.35 ms forward and 0.22–0.31 ms
 * backward against the loops' 0.87 and 0.48 ms inside the step (docs/performance.md, "Zen 4 (third)"). Where oneDNN
 * has no JIT kernel for a shape, {@link #forward} declines and the loops run: with AVX2 only, oneDNN 2.5 pools NCHW
 * in its {@code simple_nchw} C++ code, 3.9 ms forward for that pooling.
 *
 * <p>Max pooling's training pass keeps oneDNN's workspace (where each maximum came from) for the backward pass.
 * Primitives are made once per shape and kept for the last two training shapes and up to
 * {@link DnnlConvolution#SERVING_PLANS} serving ones (a dynamic batcher's batch sizes change from call to call, and a
 * plan cost LeNet's second pooling ~35 µs, more than half its forward pass; serving plans allocate nothing). An
 * instance belongs to one layer, used by one thread at a time.
 */
final class DnnlPooling implements AutoCloseable {

    private static final int PLANS = 2;

    /**
     * Batch, channels, input size, kernel and stride of one pooling; {@code max} or average; its input, output and
     * their gradients NCHW ('c' order) or, with {@code channelsLast}, all channels-last
     * ({@link Arrays4j#channelsLast(INDArray)}, oneDNN's {@code acdb}).
     */
    record Shape(int batch, int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW,
            boolean max, boolean channelsLast) {

        /** A pooling of NCHW arrays. */
        Shape(int batch, int channels, int inH, int inW, int outH, int outW, int kH, int kW, int sH, int sW,
                boolean max) {
            this(batch, channels, inH, inW, outH, outW, kH, kW, sH, sW, max, false);
        }
    }

    private record Key(Shape shape, boolean training) {
    }

    /** Also the plan of the last training forward pass: its workspace serves the backward pass. */
    private final Dnnl.Plans<Key, Plan> plans = new Dnnl.Plans<>(PLANS);
    private final Dnnl.Plans<Key, Plan> serving = new Dnnl.Plans<>(DnnlConvolution.SERVING_PLANS);

    /**
     * {@code out = pool(input)}, both dense float arrays in the layout {@code shape} gives; false (nothing written)
     * where oneDNN has no JIT kernel for this shape. With {@code training}, the backward pass can follow.
     */
    boolean forward(Shape shape, INDArray input, INDArray out, boolean training) {
        Key key = new Key(shape, training);
        Plan plan = training ? plans.forPass(key, () -> Plan.make(key)) : serving.get(key, () -> Plan.make(key));
        if (plan == null) {
            return false;
        }
        Dnnl.matchBlasThreads();
        plan.forward(input, out);
        if (training) {
            plans.pend(plan);
        }
        return true;
    }

    /** Whether {@link #backward} can run for the last training forward pass, which had this shape. */
    boolean canGoBack(Shape shape) {
        Plan pending = plans.pending();
        return pending != null && pending.key.shape().equals(shape);
    }

    /**
     * The input's gradient {@code epsilonNext} from the output's, {@code epsilon}, for the last training pass; both
     * in its layout.
     */
    void backward(INDArray epsilon, INDArray epsilonNext) {
        plans.takePending().backward(epsilon, epsilonNext);
    }

    /** Forgets the last forward pass (the layer was cleared). */
    void forget() {
        plans.forget();
    }

    @Override
    public void close() {
        plans.close();
        serving.close();
    }

    /** Serving plans made so far and still kept; for tests. */
    int servingPlans() {
        return serving.size();
    }

    /** One shape's primitives: the forward pass and, for training, the backward pass and max pooling's workspace. */
    private static final class Plan extends Dnnl.Owned {
        final Key key;
        final stream stream = own(new stream(Dnnl.ENGINE));
        final pooling_forward forward;
        final pooling_backward backward;
        final memory src;
        final memory dst;
        final memory diffDst;
        final memory diffSrc;
        final IntMemoryMap forwardArgs = own(new IntMemoryMap());
        final IntMemoryMap backwardArgs;

        private Plan(Key key, pooling_forward.primitive_desc forwardDesc, pooling_backward.primitive_desc backwardDesc,
                memory.desc srcDesc, memory.desc dstDesc) {
            this.key = key;
            own(forwardDesc);
            forward = own(new pooling_forward(forwardDesc));
            src = own(new memory(srcDesc, Dnnl.ENGINE, (Pointer) null));
            dst = own(new memory(dstDesc, Dnnl.ENGINE, (Pointer) null));
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src);
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst);
            if (backwardDesc == null) {
                backward = null;
                diffDst = null;
                diffSrc = null;
                backwardArgs = null;
                return;
            }
            own(backwardDesc);
            backward = own(new pooling_backward(backwardDesc));
            diffDst = own(new memory(dstDesc, Dnnl.ENGINE, (Pointer) null));
            diffSrc = own(new memory(srcDesc, Dnnl.ENGINE, (Pointer) null));
            backwardArgs = own(new IntMemoryMap());
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST, diffDst);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc);
            if (key.shape().max()) {
                memory workspace = own(new memory(forwardDesc.workspace_desc(), Dnnl.ENGINE));
                forwardArgs.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
                backwardArgs.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
            }
        }

        /** Null where oneDNN has no JIT kernel for it (its C++ implementations are slower than the Java loops). */
        static Plan make(Key key) {
            Shape s = key.shape();
            memory.data_type f32 = memory.data_type.f32;
            memory.format_tag layout = s.channelsLast() ? memory.format_tag.acdb : memory.format_tag.abcd;
            memory.desc srcDesc = new memory.desc(new long[] {s.batch(), s.channels(), s.inH(), s.inW()}, f32,
                    layout);
            memory.desc dstDesc = new memory.desc(new long[] {s.batch(), s.channels(), s.outH(), s.outW()}, f32,
                    layout);
            long[] strides = {s.sH(), s.sW()};
            long[] kernel = {s.kH(), s.kW()};
            long[] none = {0, 0};
            dnnl.algorithm algorithm = s.max() ? dnnl.algorithm.pooling_max
                    : dnnl.algorithm.pooling_avg_exclude_padding;
            dnnl.prop_kind kind = key.training() ? dnnl.prop_kind.forward_training
                    : dnnl.prop_kind.forward_inference;
            pooling_forward.primitive_desc forwardDesc = new pooling_forward.primitive_desc(
                    new pooling_forward.desc(kind, algorithm, srcDesc, dstDesc, strides, kernel, none, none),
                    Dnnl.ENGINE);
            pooling_backward.primitive_desc backwardDesc = key.training()
                    ? new pooling_backward.primitive_desc(new pooling_backward.desc(algorithm, srcDesc, dstDesc,
                            strides, kernel, none, none), Dnnl.ENGINE, forwardDesc)
                    : null;
            if (!isJit(forwardDesc.impl_info_str().getString())
                    || (backwardDesc != null && !isJit(backwardDesc.impl_info_str().getString()))) {
                for (Pointer made : new Pointer[] {backwardDesc, forwardDesc, dstDesc, srcDesc}) {
                    if (made != null) {
                        made.close();
                    }
                }
                return null;
            }
            Plan plan = new Plan(key, forwardDesc, backwardDesc, srcDesc, dstDesc);
            plan.own(srcDesc);
            plan.own(dstDesc);
            return plan;
        }

        /** oneDNN names its implementations "jit:avx512_core", "simple_nchw:any", "ref:any" and so on. */
        private static boolean isJit(String implementation) {
            return implementation.startsWith("jit");
        }

        void forward(INDArray input, INDArray out) {
            src.set_data_handle(Dnnl.address(input));
            dst.set_data_handle(Dnnl.address(out));
            forward.execute(stream, forwardArgs);
            stream._wait();
        }

        void backward(INDArray epsilon, INDArray epsilonNext) {
            diffDst.set_data_handle(Dnnl.address(epsilon));
            diffSrc.set_data_handle(Dnnl.address(epsilonNext));
            backward.execute(stream, backwardArgs);
            stream._wait();
        }
    }
}
