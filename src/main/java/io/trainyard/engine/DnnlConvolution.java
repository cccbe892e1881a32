package io.trainyard.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NCHW convolution layer's passes through oneDNN's own API (JavaCPP's preset), not through libnd4j's layer
 * helper. Per call the helper reorders the output array's stale contents into oneDNN's layout before the primitive
 * overwrites them, and reorders the source and the output gradient once for each of the two backward primitives
 * (docs/performance.md, "Where the CNN's step goes in oneDNN"). Here every array is reordered at most once per step:
 * the source and the weights as the forward pass laid them out serve both backward primitives, the output
 * gradient is reordered once for both, and outputs are written in oneDNN's layout and reordered once into the
 * NCHW arrays DL4J and the other layers read. Primitives are created once per input shape.
 *
 * <p>An instance belongs to one layer, which one thread uses at a time.
 */
final class DnnlConvolution implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnnlConvolution.class);
    private static final engine ENGINE = cpuEngine();
    /** Shapes an instance keeps primitives for: a full batch and the epoch's last, shorter one, and some slack. */
    private static final int PLANS = 4;

    /** Batch, channels, sizes, kernel, stride, top-left padding and dilation of one convolution. */
    record Shape(long batch, long inDepth, long inH, long inW, long outDepth, long outH, long outW, int[] kernel,
            int[] stride, int[] padding, int[] dilation, boolean bias) {

        private Key key() {
            return new Key(batch, inDepth, inH, inW, outDepth, outH, outW, List.of(kernel[0], kernel[1], stride[0],
                    stride[1], padding[0], padding[1], dilation[0], dilation[1]), bias);
        }
    }

    private record Key(long batch, long inDepth, long inH, long inW, long outDepth, long outH, long outW,
            List<Integer> geometry, boolean bias) {
    }

    private final boolean backwardData;
    private final boolean backwardWeights;
    private final Map<Key, Plan> plans = new LinkedHashMap<>();
    /** The plan of the last training forward pass: the backward pass reads its source and weights. */
    private Plan forwardPlan;

    /** {@code backwardData}/{@code backwardWeights}: which backward passes this layer will ask for. */
    DnnlConvolution(boolean backwardData, boolean backwardWeights) {
        this.backwardData = backwardData;
        this.backwardWeights = backwardWeights;
    }

    /** Whether the library loaded on this machine. */
    static boolean available() {
        return ENGINE != null;
    }

    /**
     * Whether the arrays are float and contiguous in 'c' order (NCHW for the activations), as this class reads
     * and writes them.
     */
    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && (a.dataType() != DataType.FLOAT || !contiguous(a))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code z = input ⊛ weights + bias} into {@code z [batch, outDepth, outH, outW]}. With {@code training}, the
     * reordered source and weights are kept for {@link #backward}.
     */
    void forward(Shape shape, INDArray input, INDArray weights, INDArray bias, INDArray z, boolean training) {
        Plan plan = plan(shape);
        plan.forward(input, weights, bias, z);
        forwardPlan = training ? plan : null;
    }

    /** Whether {@link #backward} can run for the last training forward pass, which had this shape. */
    boolean canGoBack(Shape shape) {
        return forwardPlan != null && forwardPlan.key.equals(shape.key());
    }

    /**
     * The gradients of the last training forward pass (of {@code input} with {@code weights}, unchanged since) from
     * {@code delta}, the gradient at its pre-activation: {@code epsilonNext} (the input's gradient, or null), the
     * weights' and the bias's (null without a bias).
     */
    void backward(INDArray input, INDArray weights, INDArray delta, INDArray epsilonNext, INDArray weightGrad,
            INDArray biasGrad) {
        Plan plan = forwardPlan;
        forwardPlan = null;
        plan.backward(input, weights, delta, epsilonNext, weightGrad, biasGrad);
    }

    /** Forgets the last forward pass (the layer was cleared). */
    void forget() {
        forwardPlan = null;
    }

    @Override
    public void close() {
        plans.values().forEach(Plan::close);
        plans.clear();
        forwardPlan = null;
    }

    private Plan plan(Shape shape) {
        Key key = shape.key();
        Plan plan = plans.remove(key);
        if (plan == null) {
            plan = new Plan(shape, key, backwardData, backwardWeights);
            if (plans.size() >= PLANS) {
                Key eldest = plans.keySet().iterator().next();
                Plan old = plans.remove(eldest);
                if (old != forwardPlan) {
                    old.close();
                }
            }
        }
        plans.put(key, plan); // most recently used last
        return plan;
    }

    private static boolean contiguous(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    private static engine cpuEngine() {
        try {
            return new engine(engine.kind.cpu, 0);
        } catch (RuntimeException | LinkageError e) {
            log.warn("oneDNN's own library did not load ({}); convolutions go through libnd4j's oneDNN helper",
                    e.toString());
            return null;
        }
    }

    /** An INDArray's first element, for oneDNN (a view's buffer starts at the view's first element). */
    private static Pointer address(INDArray a) {
        return new FloatPointer(a.data().addressPointer());
    }

    /** A memory in the caller's plain layout and, if the primitive wants another one, its own copy and a reorder. */
    private static final class Operand {
        final memory user;
        final memory inner;
        final reorder reorder;

        /** {@code toInner}: the caller's array is read (source, weights, gradients in); else written (outputs). */
        Operand(memory.desc plain, memory.desc wanted, boolean toInner) {
            user = new memory(plain, ENGINE, (Pointer) null);
            if (wanted.equals(plain)) {
                inner = user;
                reorder = null;
            } else {
                inner = new memory(wanted, ENGINE);
                reorder = toInner ? new reorder(user, inner) : new reorder(inner, user);
            }
        }

        /** The caller's array goes in. */
        void read(stream s, INDArray a) {
            user.set_data_handle(address(a));
            if (reorder != null) {
                reorder.execute(s, user, inner);
            }
        }

        void target(INDArray a) {
            user.set_data_handle(address(a));
        }

        void write(stream s) {
            if (reorder != null) {
                reorder.execute(s, inner, user);
            }
        }

        void close(List<Pointer> closing) {
            closing.add(user);
            if (reorder != null) {
                closing.add(inner);
                closing.add(reorder);
            }
        }
    }

    /** The primitives and operands of one shape. */
    private static final class Plan {
        final Key key;
        final stream stream = new stream(ENGINE);
        final convolution_forward.primitive_desc forwardDesc;
        final convolution_forward forward;
        final Operand src;
        final Operand weights;
        final memory bias;
        final Operand dst;
        final IntMemoryMap forwardArgs = new IntMemoryMap();
        // Backward data: the output gradient in (shared with backward weights when the layouts agree), the input's out.
        final convolution_backward_data backwardData;
        final Operand dataDiffDst;
        final Operand dataWeights;
        final Operand diffSrc;
        final IntMemoryMap dataArgs;
        // Backward weights.
        final convolution_backward_weights backwardWeights;
        final Operand weightsDiffDst;
        final Operand weightsSrc;
        final Operand diffWeights;
        final memory diffBias;
        final IntMemoryMap weightsArgs;
        final List<Pointer> owned = new ArrayList<>();

        Plan(Shape s, Key key, boolean wantData, boolean wantWeights) {
            this.key = key;
            memory.data_type f32 = memory.data_type.f32;
            memory.desc srcPlain = new memory.desc(new long[] {s.batch(), s.inDepth(), s.inH(), s.inW()}, f32,
                    memory.format_tag.abcd);
            memory.desc weightsPlain = new memory.desc(new long[] {s.outDepth(), s.inDepth(), s.kernel()[0],
                    s.kernel()[1]}, f32, memory.format_tag.abcd);
            memory.desc dstPlain = new memory.desc(new long[] {s.batch(), s.outDepth(), s.outH(), s.outW()}, f32,
                    memory.format_tag.abcd);
            memory.desc biasPlain = new memory.desc(new long[] {s.outDepth()}, f32, memory.format_tag.a);
            memory.desc srcAny = new memory.desc(new long[] {s.batch(), s.inDepth(), s.inH(), s.inW()}, f32,
                    memory.format_tag.any);
            memory.desc weightsAny = new memory.desc(new long[] {s.outDepth(), s.inDepth(), s.kernel()[0],
                    s.kernel()[1]}, f32, memory.format_tag.any);
            memory.desc dstAny = new memory.desc(new long[] {s.batch(), s.outDepth(), s.outH(), s.outW()}, f32,
                    memory.format_tag.any);
            long[] strides = {s.stride()[0], s.stride()[1]};
            long[] dilates = {s.dilation()[0] - 1, s.dilation()[1] - 1}; // oneDNN counts the gaps
            long[] left = {s.padding()[0], s.padding()[1]};
            long[] right = {rightPadding(s.outH(), s.stride()[0], s.kernel()[0], s.dilation()[0], s.inH(),
                    s.padding()[0]), rightPadding(s.outW(), s.stride()[1], s.kernel()[1], s.dilation()[1], s.inW(),
                    s.padding()[1])};
            dnnl.prop_kind kind = wantData || wantWeights ? dnnl.prop_kind.forward_training
                    : dnnl.prop_kind.forward_inference;
            convolution_forward.desc fd = s.bias()
                    ? new convolution_forward.desc(kind, dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                            biasPlain, dstAny, strides, dilates, left, right)
                    : new convolution_forward.desc(kind, dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                            dstAny, strides, dilates, left, right);
            forwardDesc = new convolution_forward.primitive_desc(fd, ENGINE);
            forward = new convolution_forward(forwardDesc);
            src = new Operand(srcPlain, forwardDesc.src_desc(), true);
            weights = new Operand(weightsPlain, forwardDesc.weights_desc(), true);
            bias = s.bias() ? new memory(biasPlain, ENGINE, (Pointer) null) : null;
            dst = new Operand(dstPlain, forwardDesc.dst_desc(), false);
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src.inner);
            forwardArgs.put(dnnl.DNNL_ARG_WEIGHTS, weights.inner);
            if (bias != null) {
                forwardArgs.put(dnnl.DNNL_ARG_BIAS, bias);
            }
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst.inner);
            owned.add(forward);
            owned.add(forwardDesc);
            src.close(owned);
            weights.close(owned);
            dst.close(owned);
            if (bias != null) {
                owned.add(bias);
            }

            if (wantData) {
                convolution_backward_data.primitive_desc bd = new convolution_backward_data.primitive_desc(
                        new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                                dstAny, strides, dilates, left, right), ENGINE, forwardDesc);
                backwardData = new convolution_backward_data(bd);
                dataDiffDst = new Operand(dstPlain, bd.diff_dst_desc(), true);
                dataWeights = bd.weights_desc().equals(forwardDesc.weights_desc()) ? null
                        : new Operand(weightsPlain, bd.weights_desc(), true);
                diffSrc = new Operand(srcPlain, bd.diff_src_desc(), false);
                dataArgs = new IntMemoryMap();
                dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, dataDiffDst.inner);
                dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, dataWeights == null ? weights.inner : dataWeights.inner);
                dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc.inner);
                owned.add(backwardData);
                owned.add(bd);
                dataDiffDst.close(owned);
                if (dataWeights != null) {
                    dataWeights.close(owned);
                }
                diffSrc.close(owned);
            } else {
                backwardData = null;
                dataDiffDst = null;
                dataWeights = null;
                diffSrc = null;
                dataArgs = null;
            }

            if (wantWeights) {
                convolution_backward_weights.desc wd = s.bias()
                        ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                                biasPlain, dstAny, strides, dilates, left, right)
                        : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, srcAny, weightsAny,
                                dstAny, strides, dilates, left, right);
                convolution_backward_weights.primitive_desc bw = new convolution_backward_weights.primitive_desc(wd,
                        ENGINE, forwardDesc);
                backwardWeights = new convolution_backward_weights(bw);
                weightsDiffDst = dataDiffDst != null && bw.diff_dst_desc().equals(dataDiffDst.inner.get_desc())
                        ? null : new Operand(dstPlain, bw.diff_dst_desc(), true);
                weightsSrc = bw.src_desc().equals(forwardDesc.src_desc()) ? null
                        : new Operand(srcPlain, bw.src_desc(), true);
                diffWeights = new Operand(weightsPlain, bw.diff_weights_desc(), false);
                diffBias = s.bias() ? new memory(biasPlain, ENGINE, (Pointer) null) : null;
                weightsArgs = new IntMemoryMap();
                weightsArgs.put(dnnl.DNNL_ARG_SRC, weightsSrc == null ? src.inner : weightsSrc.inner);
                weightsArgs.put(dnnl.DNNL_ARG_DIFF_DST, weightsDiffDst == null ? dataDiffDst.inner
                        : weightsDiffDst.inner);
                weightsArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, diffWeights.inner);
                if (diffBias != null) {
                    weightsArgs.put(dnnl.DNNL_ARG_DIFF_BIAS, diffBias);
                    owned.add(diffBias);
                }
                owned.add(backwardWeights);
                owned.add(bw);
                if (weightsDiffDst != null) {
                    weightsDiffDst.close(owned);
                }
                if (weightsSrc != null) {
                    weightsSrc.close(owned);
                }
                diffWeights.close(owned);
            } else {
                backwardWeights = null;
                weightsDiffDst = null;
                weightsSrc = null;
                diffWeights = null;
                diffBias = null;
                weightsArgs = null;
            }
            owned.add(forwardArgs);
            if (dataArgs != null) {
                owned.add(dataArgs);
            }
            if (weightsArgs != null) {
                owned.add(weightsArgs);
            }
            owned.add(stream);
        }

        void forward(INDArray input, INDArray w, INDArray b, INDArray z) {
            src.read(stream, input);
            weights.read(stream, w);
            if (bias != null) {
                bias.set_data_handle(address(b));
            }
            dst.target(z);
            forward.execute(stream, forwardArgs);
            dst.write(stream);
            stream._wait();
        }

        void backward(INDArray input, INDArray w, INDArray delta, INDArray epsilonNext, INDArray weightGrad,
                INDArray biasGrad) {
            boolean diffDstRead = false;
            if (backwardData != null && epsilonNext != null) {
                dataDiffDst.read(stream, delta);
                diffDstRead = true;
                if (dataWeights != null) {
                    dataWeights.read(stream, w);
                }
                diffSrc.target(epsilonNext);
                backwardData.execute(stream, dataArgs);
                diffSrc.write(stream);
            }
            if (backwardWeights != null) {
                if (weightsDiffDst != null) {
                    weightsDiffDst.read(stream, delta);
                } else if (!diffDstRead) {
                    dataDiffDst.read(stream, delta);
                }
                if (weightsSrc != null) {
                    weightsSrc.read(stream, input);
                }
                diffWeights.target(weightGrad);
                if (diffBias != null) {
                    diffBias.set_data_handle(address(biasGrad));
                }
                backwardWeights.execute(stream, weightsArgs);
                diffWeights.write(stream);
            }
            stream._wait();
        }

        void close() {
            for (int i = owned.size() - 1; i >= 0; i--) {
                owned.get(i).close();
            }
            owned.clear();
        }

        /** oneDNN's right (bottom) padding for the output size DL4J computed, which may truncate the input. */
        private static long rightPadding(long out, int stride, int kernel, int dilation, long in, int left) {
            return (out - 1) * stride + (long) (kernel - 1) * dilation + 1 - in - left;
        }
    }
}
