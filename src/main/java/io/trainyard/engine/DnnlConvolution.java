package io.trainyard.engine;

import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One NCHW convolution layer's passes through oneDNN's own API (JavaCPP's preset), not through libnd4j's layer
 * helper. Per call the helper reorders the output array's stale contents into oneDNN's layout before the primitive
 * overwrites them, and reorders the source and the output gradient once for each of the two backward primitives
 * (docs/performance.md, "Where the CNN's step goes in oneDNN"). Here every array is reordered at most once per step:
 * the source and the weights as the forward pass laid them out serve both backward primitives, the output
 * gradient is reordered once for both, and outputs are written in oneDNN's layout and reordered once into the
 * NCHW arrays DL4J and the other layers read. Primitives are created once per input shape and kept for the last
 * two; serving gets forward-only ones, kept for up to {@link #SERVING_PLANS} batch sizes.
 *
 * <p>An instance belongs to one layer, which one thread uses at a time. What oneDNN allocated is freed when a plan is
 * evicted or, with the layer, by JavaCPP's deallocators.
 */
final class DnnlConvolution implements AutoCloseable {

    private static final engine ENGINE = Dnnl.ENGINE;
    /**
     * Shapes an instance keeps primitives for: a full batch and the epoch's last, shorter one. Each plan also holds
     * oneDNN's copies of the arrays it reorders (for LeNet's second convolution about 1 MB), so few are kept.
     */
    private static final int PLANS = 2;
    /**
     * Batch sizes an instance keeps serving (forward-only) primitives for: every size a dynamic batcher makes up to
     * a {@code max-batch-size} of 64 (the default is 32). Making a plan cost LeNet's second convolution ~0.1 ms, a
     * quarter of its forward pass at batch 16, and a batcher's batch sizes change from call to call
     * ({@code bench/experiments/dnnl-plan-churn}). Serving plans hold no array copies of their own: they share one
     * {@link Scratch}, so this many costs about one plan's buffers.
     */
    static final int SERVING_PLANS = 64;
    /**
     * The layout the primitives get their activations (source, output and their gradients) in. With AVX-512 kernels,
     * channels-last ({@code acdb}): oneDNN 2.5 then runs LeNet's second convolution forward in {@code brgconv}, and
     * its three primitives took 4.8–5.2 ms a step against 7.3–8.3 ms in the blocked layout it picks itself
     * ({@code jit:avx512_common}, {@code aBcd16b}), with the same reorders (docs/performance.md, "Zen 4 (third)").
     * Elsewhere oneDNN's own choice ({@code any}): on AVX2 channels-last made no consistent difference.
     */
    private static final memory.format_tag ACTIVATIONS = Dnnl.avx512() ? memory.format_tag.acdb
            : memory.format_tag.any;

    /**
     * Batch, channels, sizes, kernel, stride, top-left padding and dilation of one convolution, and how the caller's
     * activations lie in memory: NCHW ('c' order), or channels-last ({@link Arrays4j#channelsLast(INDArray)}) for the
     * input and its gradient ({@code channelsLastIn}), the output and its gradient ({@code channelsLastOut}).
     */
    record Shape(long batch, long inDepth, long inH, long inW, long outDepth, long outH, long outW, int[] kernel,
            int[] stride, int[] padding, int[] dilation, boolean bias, boolean channelsLastIn,
            boolean channelsLastOut) {

        /** A convolution whose caller's activations are all NCHW. */
        Shape(long batch, long inDepth, long inH, long inW, long outDepth, long outH, long outW, int[] kernel,
                int[] stride, int[] padding, int[] dilation, boolean bias) {
            this(batch, inDepth, inH, inW, outDepth, outH, outW, kernel, stride, padding, dilation, bias, false,
                    false);
        }

        private Key key(boolean training) {
            return new Key(batch, inDepth, inH, inW, outDepth, outH, outW, List.of(kernel[0], kernel[1], stride[0],
                    stride[1], padding[0], padding[1], dilation[0], dilation[1]), bias, channelsLastIn,
                    channelsLastOut, training);
        }
    }

    /** {@code training}: the plan has the backward passes; serving gets plans with the forward pass only. */
    private record Key(long batch, long inDepth, long inH, long inW, long outDepth, long outH, long outW,
            List<Integer> geometry, boolean bias, boolean channelsLastIn, boolean channelsLastOut,
            boolean training) {
    }

    /** Which gradients a layer asks of its backward pass. */
    enum Backward {
        /** None: the forward pass only. */
        NONE,
        /** The weights' and the bias's (a first layer, whose input gradient nobody reads). */
        WEIGHTS,
        /** The input's, the weights' and the bias's. */
        ALL
    }

    private final Backward backward;
    /** Also the plan of the last training forward pass: the backward pass reads its source and weights. */
    private final Dnnl.Plans<Key, Plan> plans = new Dnnl.Plans<>(PLANS);
    private final Dnnl.Plans<Key, Plan> serving = new Dnnl.Plans<>(SERVING_PLANS);
    /** The reordered source, weights and output of every serving plan: one plan runs at a time. */
    private final Scratch scratch = new Scratch();

    /** {@code backward}: the gradients this layer will ask of {@link #backward}. */
    DnnlConvolution(Backward backward) {
        this.backward = backward;
    }

    /** Whether this class can take the channels-last activations {@link Arrays4j#channelsLast(INDArray)} makes. */
    static boolean channelsLast() {
        return ACTIVATIONS == memory.format_tag.acdb;
    }

    /** Whether an activation (or its gradient) is float and dense, NCHW or channels-last, as this class reads it. */
    static boolean fitsActivation(INDArray a) {
        return a.dataType() == DataType.FLOAT && (Arrays4j.denseRowMajor(a) || Arrays4j.channelsLast(a));
    }

    /**
     * Whether the arrays are float and contiguous in 'c' order (the weights and their gradients; NCHW activations),
     * as this class reads and writes them.
     */
    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || !Arrays4j.denseRowMajor(a))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code z = input ⊛ weights + bias} into {@code z [batch, outDepth, outH, outW]}, each in the layout
     * {@code shape} gives. With {@code training}, the reordered source and weights are kept for {@link #backward}.
     */
    void forward(Shape shape, INDArray input, INDArray weights, INDArray bias, INDArray z, boolean training) {
        Key key = shape.key(training && backward != Backward.NONE);
        Plan plan = key.training() ? plans.forPass(key, () -> new Plan(shape, key, backward == Backward.ALL, null))
                : serving.get(key, () -> new Plan(shape, key, false, scratch));
        Dnnl.matchBlasThreads();
        plan.forward(input, weights, bias, z);
        if (key.training()) {
            plans.pend(plan);
        }
    }

    /** Whether {@link #backward} can run for the last training forward pass, which had this shape. */
    boolean canGoBack(Shape shape) {
        Plan pending = plans.pending();
        return pending != null && pending.key.equals(shape.key(true));
    }

    /**
     * The gradients of the last training forward pass (of {@code input} with {@code weights}, unchanged since) from
     * {@code delta}, the gradient at its pre-activation (laid out as the output was): {@code epsilonNext} (the
     * input's gradient, laid out as the input was; null, and not computed, with {@link Backward#WEIGHTS}), the
     * weights' and the bias's (null without a bias).
     */
    void backward(INDArray input, INDArray weights, INDArray delta, INDArray epsilonNext, INDArray weightGrad,
            INDArray biasGrad) {
        plans.takePending().backward(input, weights, delta, epsilonNext, weightGrad, biasGrad);
    }

    /** Forgets the last forward pass (another one starts, or the layer was cleared). */
    void forget() {
        plans.forget();
    }

    @Override
    public void close() {
        plans.close();
        serving.close();
        scratch.close();
    }

    /** Serving plans made so far and still kept; for tests. */
    int servingPlans() {
        return serving.size();
    }

    /**
     * A memory in the caller's plain layout and, if the primitive wants another one, a copy in that layout and a
     * reorder. The copy is the plan's own, or with a {@link Scratch} a slot of it, bound before each use.
     */
    private static final class Operand {
        final memory user;
        final memory inner;
        final reorder reorder;
        private final Scratch scratch;
        private final int slot;
        private final long bytes;

        /**
         * {@code toInner}: the caller's array is read (source, weights, gradients in); else written (outputs). What
         * it allocates is closed with {@code plan}.
         */
        Operand(memory.desc plain, memory.desc wanted, boolean toInner, Dnnl.Owned plan) {
            this(plain, wanted, toInner, plan, null, 0);
        }

        Operand(memory.desc plain, memory.desc wanted, boolean toInner, Dnnl.Owned plan, Scratch scratch, int slot) {
            user = plan.own(new memory(plain, ENGINE, (Pointer) null));
            if (wanted.equals(plain)) {
                inner = user;
                reorder = null;
                this.scratch = null;
            } else {
                inner = plan.own(scratch == null ? new memory(wanted, ENGINE)
                        : new memory(wanted, ENGINE, (Pointer) null));
                reorder = plan.own(toInner ? new reorder(user, inner) : new reorder(inner, user));
                this.scratch = scratch;
            }
            this.slot = slot;
            this.bytes = wanted.get_size();
        }

        /** Points the copy at its slot of the scratch (which may have grown since); nothing without one. */
        void bind() {
            if (scratch != null) {
                inner.set_data_handle(scratch.address(slot, bytes));
            }
        }

        /** The caller's array goes in. */
        void read(stream s, INDArray a) {
            user.set_data_handle(Dnnl.address(a));
            if (reorder != null) {
                reorder.execute(s, user, inner);
            }
        }

        void target(INDArray a) {
            user.set_data_handle(Dnnl.address(a));
        }

        void write(stream s) {
            if (reorder != null) {
                reorder.execute(s, inner, user);
            }
        }
    }

    /** The descriptions one shape's primitives are made of. */
    private static final class Descs {
        final memory.desc srcPlain;
        final memory.desc weightsPlain;
        final memory.desc dstPlain;
        final memory.desc biasPlain;
        final memory.desc srcAny;
        final memory.desc weightsAny;
        final memory.desc dstAny;
        final long[] strides;
        final long[] dilates;
        final long[] left;
        final long[] right;
        final boolean bias;

        Descs(Shape s) {
            long[] src = {s.batch(), s.inDepth(), s.inH(), s.inW()};
            long[] weights = {s.outDepth(), s.inDepth(), s.kernel()[0], s.kernel()[1]};
            long[] dst = {s.batch(), s.outDepth(), s.outH(), s.outW()};
            memory.data_type f32 = memory.data_type.f32;
            // A caller's channels-last activations are oneDNN's acdb: on AVX-512, the layout the primitives want.
            srcPlain = new memory.desc(src, f32, s.channelsLastIn() ? memory.format_tag.acdb : memory.format_tag.abcd);
            weightsPlain = new memory.desc(weights, f32, memory.format_tag.abcd);
            dstPlain = new memory.desc(dst, f32, s.channelsLastOut() ? memory.format_tag.acdb
                    : memory.format_tag.abcd);
            biasPlain = new memory.desc(new long[] {s.outDepth()}, f32, memory.format_tag.a);
            srcAny = new memory.desc(src, f32, ACTIVATIONS);
            weightsAny = new memory.desc(weights, f32, memory.format_tag.any);
            dstAny = new memory.desc(dst, f32, ACTIVATIONS);
            strides = new long[] {s.stride()[0], s.stride()[1]};
            dilates = new long[] {s.dilation()[0] - 1, s.dilation()[1] - 1}; // oneDNN counts the gaps
            left = new long[] {s.padding()[0], s.padding()[1]};
            right = new long[] {rightPadding(s.outH(), s.stride()[0], s.kernel()[0], s.dilation()[0], s.inH(),
                    s.padding()[0]), rightPadding(s.outW(), s.stride()[1], s.kernel()[1], s.dilation()[1], s.inW(),
                    s.padding()[1])};
            bias = s.bias();
        }

        /** oneDNN's right (bottom) padding for the output size DL4J computed, which may truncate the input. */
        private static long rightPadding(long out, int stride, int kernel, int dilation, long in, int left) {
            return (out - 1) * stride + (long) (kernel - 1) * dilation + 1 - in - left;
        }
    }

    /** The primitives and operands of one shape. */
    private static final class Plan extends Dnnl.Owned {
        final Key key;
        final stream stream = own(new stream(ENGINE));
        final convolution_forward.primitive_desc forwardDesc;
        final convolution_forward forward;
        final Operand src;
        final Operand weights;
        final memory bias;
        final Operand dst;
        final IntMemoryMap forwardArgs = own(new IntMemoryMap());
        final DataPass data;
        final WeightsPass weightsPass;

        /**
         * With {@code key.training()}, the backward pass for the weights too, and with {@code inputGradient} for the
         * input. With a {@code scratch} (serving plans), the reordered arrays live there instead of in the plan.
         */
        Plan(Shape s, Key key, boolean inputGradient, Scratch scratch) {
            this.key = key;
            Descs d = new Descs(s);
            dnnl.prop_kind kind = key.training() ? dnnl.prop_kind.forward_training
                    : dnnl.prop_kind.forward_inference;
            convolution_forward.desc fd = d.bias
                    ? new convolution_forward.desc(kind, dnnl.algorithm.convolution_direct, d.srcAny, d.weightsAny,
                            d.biasPlain, d.dstAny, d.strides, d.dilates, d.left, d.right)
                    : new convolution_forward.desc(kind, dnnl.algorithm.convolution_direct, d.srcAny, d.weightsAny,
                            d.dstAny, d.strides, d.dilates, d.left, d.right);
            forwardDesc = own(new convolution_forward.primitive_desc(fd, ENGINE));
            forward = own(new convolution_forward(forwardDesc));
            src = new Operand(d.srcPlain, forwardDesc.src_desc(), true, this, scratch, Scratch.SRC);
            weights = new Operand(d.weightsPlain, forwardDesc.weights_desc(), true, this, scratch, Scratch.WEIGHTS);
            bias = d.bias ? own(new memory(d.biasPlain, ENGINE, (Pointer) null)) : null;
            dst = new Operand(d.dstPlain, forwardDesc.dst_desc(), false, this, scratch, Scratch.DST);
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src.inner);
            forwardArgs.put(dnnl.DNNL_ARG_WEIGHTS, weights.inner);
            if (bias != null) {
                forwardArgs.put(dnnl.DNNL_ARG_BIAS, bias);
            }
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst.inner);
            data = key.training() && inputGradient ? new DataPass(d, this) : null;
            weightsPass = key.training() ? new WeightsPass(d, this) : null;
        }

        void forward(INDArray input, INDArray w, INDArray b, INDArray z) {
            src.bind();
            weights.bind();
            dst.bind();
            src.read(stream, input);
            weights.read(stream, w);
            if (bias != null) {
                bias.set_data_handle(Dnnl.address(b));
            }
            dst.target(z);
            forward.execute(stream, forwardArgs);
            dst.write(stream);
            stream._wait();
        }

        void backward(INDArray input, INDArray w, INDArray delta, INDArray epsilonNext, INDArray weightGrad,
                INDArray biasGrad) {
            if (data != null) {
                data.run(w, delta, epsilonNext);
            }
            weightsPass.run(input, delta, weightGrad, biasGrad);
            stream._wait();
        }
    }

    /** The input's gradient: the output gradient in (its copy shared with {@link WeightsPass}), the gradient out. */
    private static final class DataPass {
        final Plan plan;
        final convolution_backward_data primitive;
        final Operand diffDst;
        /** Null where the primitive reads the weights in the forward pass's layout. */
        final Operand weights;
        final Operand diffSrc;
        final IntMemoryMap args;

        DataPass(Descs d, Plan plan) {
            this.plan = plan;
            convolution_backward_data.primitive_desc pd = plan.own(new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, d.srcAny, d.weightsAny,
                            d.dstAny, d.strides, d.dilates, d.left, d.right), ENGINE, plan.forwardDesc));
            primitive = plan.own(new convolution_backward_data(pd));
            diffDst = new Operand(d.dstPlain, pd.diff_dst_desc(), true, plan);
            weights = pd.weights_desc().equals(plan.forwardDesc.weights_desc()) ? null
                    : new Operand(d.weightsPlain, pd.weights_desc(), true, plan);
            diffSrc = new Operand(d.srcPlain, pd.diff_src_desc(), false, plan);
            args = plan.own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_DIFF_DST, diffDst.inner);
            args.put(dnnl.DNNL_ARG_WEIGHTS, weights == null ? plan.weights.inner : weights.inner);
            args.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc.inner);
        }

        void run(INDArray w, INDArray delta, INDArray epsilonNext) {
            diffDst.read(plan.stream, delta);
            if (weights != null) {
                weights.read(plan.stream, w);
            }
            diffSrc.target(epsilonNext);
            primitive.execute(plan.stream, args);
            diffSrc.write(plan.stream);
        }
    }

    /** The weights' and the bias's gradients, from the forward pass's source and the output gradient. */
    private static final class WeightsPass {
        final Plan plan;
        final convolution_backward_weights primitive;
        /** Null where {@link DataPass}'s copy of the output gradient is in this primitive's layout (and it has one). */
        final Operand diffDst;
        /** Null where the primitive reads the source in the forward pass's layout. */
        final Operand src;
        final Operand diffWeights;
        final memory diffBias;
        final IntMemoryMap args;

        WeightsPass(Descs d, Plan plan) {
            this.plan = plan;
            convolution_backward_weights.desc wd = d.bias
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, d.srcAny,
                            d.weightsAny, d.biasPlain, d.dstAny, d.strides, d.dilates, d.left, d.right)
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, d.srcAny,
                            d.weightsAny, d.dstAny, d.strides, d.dilates, d.left, d.right);
            convolution_backward_weights.primitive_desc pd = plan.own(
                    new convolution_backward_weights.primitive_desc(wd, ENGINE, plan.forwardDesc));
            primitive = plan.own(new convolution_backward_weights(pd));
            diffDst = plan.data != null && pd.diff_dst_desc().equals(plan.data.diffDst.inner.get_desc()) ? null
                    : new Operand(d.dstPlain, pd.diff_dst_desc(), true, plan);
            src = pd.src_desc().equals(plan.forwardDesc.src_desc()) ? null
                    : new Operand(d.srcPlain, pd.src_desc(), true, plan);
            diffWeights = new Operand(d.weightsPlain, pd.diff_weights_desc(), false, plan);
            diffBias = d.bias ? plan.own(new memory(d.biasPlain, ENGINE, (Pointer) null)) : null;
            args = plan.own(new IntMemoryMap());
            args.put(dnnl.DNNL_ARG_SRC, src == null ? plan.src.inner : src.inner);
            args.put(dnnl.DNNL_ARG_DIFF_DST, diffDst == null ? plan.data.diffDst.inner : diffDst.inner);
            args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, diffWeights.inner);
            if (diffBias != null) {
                args.put(dnnl.DNNL_ARG_DIFF_BIAS, diffBias);
            }
        }

        /** After {@link DataPass#run} (where there is one), which read the output gradient. */
        void run(INDArray input, INDArray delta, INDArray weightGrad, INDArray biasGrad) {
            if (diffDst != null) {
                diffDst.read(plan.stream, delta);
            }
            if (src != null) {
                src.read(plan.stream, input);
            }
            diffWeights.target(weightGrad);
            if (diffBias != null) {
                diffBias.set_data_handle(Dnnl.address(biasGrad));
            }
            primitive.execute(plan.stream, args);
            diffWeights.write(plan.stream);
        }
    }

    /**
     * Native buffers for the reordered source, weights and output, shared by a layer's serving plans (one runs at a
     * time): each slot grows to the largest plan that used it, and a plan binds its copies to the slots before each
     * pass. Aligned to 64 bytes, as oneDNN aligns what it allocates itself.
     */
    static final class Scratch implements AutoCloseable {
        static final int SRC = 0;
        static final int WEIGHTS = 1;
        static final int DST = 2;
        private static final int ALIGN = 64;

        private final BytePointer[] buffers = new BytePointer[3];
        /** Each buffer from its first aligned byte. */
        private final Pointer[] aligned = new Pointer[3];

        Pointer address(int slot, long bytes) {
            BytePointer buffer = buffers[slot];
            if (buffer == null || buffer.capacity() < bytes + ALIGN) {
                if (buffer != null) {
                    buffer.close();
                }
                buffer = new BytePointer(bytes + ALIGN);
                buffers[slot] = buffer;
                long skip = -buffer.address() & (ALIGN - 1);
                aligned[slot] = new BytePointer(buffer).position(skip);
            }
            return aligned[slot];
        }

        @Override
        public void close() {
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] != null) {
                    buffers[i].close();
                    buffers[i] = null;
                    aligned[i] = null;
                }
            }
        }
    }
}
