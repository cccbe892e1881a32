package io.trainyard.engine;

import io.trainyard.spec.DropoutSpec;
import io.trainyard.spec.LayerDefaults;
import io.trainyard.spec.LayerSpec;
import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.OptimizerSpec;
import io.trainyard.spec.Shape;
import io.trainyard.spec.TaskSpec;
import io.trainyard.spec.TrainingSpec;
import io.trainyard.spec.WeightInitSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.AutoEncoder;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.ExponentialReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.GaussianReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.ReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Spec → DL4J MultiLayerConfiguration. Every option is set on every layer explicitly (never through
 * DL4J's global defaults), so what a layer gets is exactly spec value → {@code defaults} → the layer
 * type's natural default, as docs/spec.md says.
 */
final class NetworkBuilder {

    private final TrainingSpec spec;
    private final NetworkPlan plan;
    private final LayerDefaults defaults;

    NetworkBuilder(TrainingSpec spec, NetworkPlan plan) {
        this.spec = spec;
        this.plan = plan;
        this.defaults = spec.defaultsOrEmpty();
    }

    record Built(MultiLayerConfiguration conf, NetworkLayout layout) {
    }

    Built build() {
        OptimizerSpec o = spec.optimizer();
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder()
                .seed(spec.seedOrDefault())
                .dataType(DataType.FLOAT)
                .updater(Dl4jOptions.updater(o));
        if (o != null && o.gradientNormalization() != null) {
            global.gradientNormalization(Dl4jOptions.gradientNormalization(o.gradientNormalization().type()));
            if (o.gradientNormalization().threshold() != null) {
                global.gradientNormalizationThreshold(o.gradientNormalization().threshold());
            }
        }
        NeuralNetConfiguration.ListBuilder list = global.list();
        List<Layer> layers = new ArrayList<>();
        int[] dl4jIndex = new int[spec.layers().size()];
        List<Shape> inputs = new ArrayList<>();
        inputs.add(plan.input());
        plan.layers().forEach(r -> inputs.add(r.outputShape()));
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec l = spec.layers().get(i);
            if (l instanceof LayerSpec.LastTimeStep) {
                // DL4J's LastTimeStep wraps the recurrent layer before it (the validator ensures there is one).
                layers.set(layers.size() - 1, new LastTimeStep(layers.get(layers.size() - 1)));
                dl4jIndex[i] = layers.size() - 1;
                continue;
            }
            layers.add(layer(l, inputs.get(i)));
            dl4jIndex[i] = layers.size() - 1;
        }
        NetworkLayout.Kind kind = kind();
        boolean perTimeStep = false;
        if (kind != NetworkLayout.Kind.VARIATIONAL) {
            Shape last = inputs.get(spec.layers().size());
            perTimeStep = last.kind() == Shape.Kind.SEQUENCE;
            layers.add(output(perTimeStep));
        }
        layers.forEach(list::layer);
        list.setInputType(inputType(plan.input()));
        MultiLayerConfiguration conf = list.build();
        if (plan.input().kind() == Shape.Kind.TOKENS) {
            // setInputType overwrites the embedding's nIn with the input's channel count (1): restore the vocabulary.
            ((EmbeddingSequenceLayer) conf.getConf(0).getLayer()).setNIn(plan.input().dims().get(0));
        }
        int bottleneck = plan.bottleneckIndex() == null ? -1 : dl4jIndex[plan.bottleneckIndex()];
        return new Built(conf, new NetworkLayout(kind, plan.input(), perTimeStep, bottleneck));
    }

    private NetworkLayout.Kind kind() {
        if (!(spec.task() instanceof TaskSpec.Autoencoder)) {
            return NetworkLayout.Kind.SUPERVISED;
        }
        return spec.layers().get(0) instanceof LayerSpec.VariationalAutoencoder ? NetworkLayout.Kind.VARIATIONAL
                : NetworkLayout.Kind.AUTOENCODER;
    }

    static InputType inputType(Shape s) {
        return switch (s.kind()) {
            case FEATURES -> InputType.feedForward(s.dims().get(0));
            case IMAGE -> InputType.convolutional(s.dims().get(0), s.dims().get(1), s.dims().get(2));
            case SEQUENCE -> s.dims().get(1) == null ? InputType.recurrent(s.dims().get(0))
                    : InputType.recurrent(s.dims().get(0), s.dims().get(1));
            case TOKENS -> InputType.recurrent(1, s.dims().get(1));
        };
    }

    private Layer output(boolean perTimeStep) {
        TaskSpec task = spec.task();
        WeightInitSpec init;
        int n;
        if (task instanceof TaskSpec.Classification c) {
            n = c.classes();
            init = c.weightInit();
        } else if (task instanceof TaskSpec.Regression r) {
            n = r.outputs();
            init = r.weightInit();
        } else {
            TaskSpec.Autoencoder a = (TaskSpec.Autoencoder) task;
            n = (int) plan.input().width();
            init = a.weightInit();
        }
        LossFunction lf = Dl4jOptions.loss(task.lossOrDefault());
        BaseLayer.Builder<?> b = perTimeStep ? new RnnOutputLayer.Builder(lf).nOut(n) : new OutputLayer.Builder(lf).nOut(n);
        b.activation(Dl4jOptions.activation(task.activationOrDefault()));
        b.weightInit(Dl4jOptions.weightInit(init != null ? init : weightInitOrDefault(null)));
        regularize(b, null, null, null);
        DropoutSpec dropout = defaults.dropout();
        if (dropout != null) {
            b.dropOut(Dl4jOptions.dropout(dropout));
        }
        return b.build();
    }

    private Layer layer(LayerSpec l, Shape in) {
        if (l instanceof LayerSpec.Dense d) {
            return weighted(new DenseLayer.Builder().nOut(d.units()), d, io.trainyard.spec.Activation.RELU).build();
        }
        if (l instanceof LayerSpec.Autoencoder a) {
            AutoEncoder.Builder b = new AutoEncoder.Builder().nOut(a.units());
            if (a.corruptionLevel() != null) {
                b.corruptionLevel(a.corruptionLevel());
            }
            if (a.sparsity() != null) {
                b.sparsity(a.sparsity());
            }
            return weighted(b, a, io.trainyard.spec.Activation.RELU).build();
        }
        if (l instanceof LayerSpec.Convolution2d c) {
            ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(pair(c.kernel(), 1)).nOut(c.filters())
                    .stride(pair(c.stride(), 1)).padding(pair(c.padding(), 0)).dilation(pair(c.dilation(), 1))
                    .convolutionMode(mode(c.convolutionMode()));
            return weighted(b, c, io.trainyard.spec.Activation.RELU).build();
        }
        if (l instanceof LayerSpec.Pooling2d p) {
            int[] kernel = pair(p.kernel(), 1);
            return new SubsamplingLayer.Builder(p.pooling() == LayerSpec.Pooling.AVG ? PoolingType.AVG : PoolingType.MAX)
                    .kernelSize(kernel).stride(p.stride() == null ? kernel : pair(p.stride(), 1))
                    .padding(pair(p.padding(), 0)).convolutionMode(mode(p.convolutionMode())).build();
        }
        if (l instanceof LayerSpec.BatchNormalization bn) {
            BatchNormalization.Builder b = new BatchNormalization.Builder();
            if (bn.decay() != null) {
                b.decay(bn.decay());
            }
            if (bn.epsilon() != null) {
                b.eps(bn.epsilon());
            }
            return b.activation(Activation.IDENTITY).build();
        }
        if (l instanceof LayerSpec.Dropout d) {
            return new DropoutLayer.Builder().dropOut(Dl4jOptions.dropout(d.dropout())).build();
        }
        if (l instanceof LayerSpec.SimpleRnn r) {
            return weighted(new SimpleRnn.Builder().nOut(r.units()), r, io.trainyard.spec.Activation.TANH).build();
        }
        if (l instanceof LayerSpec.Lstm r) {
            LSTM.Builder b = new LSTM.Builder().nOut(r.units());
            if (r.gateActivation() != null) {
                b.gateActivationFunction(Dl4jOptions.activation(r.gateActivation()));
            }
            if (r.forgetGateBias() != null) {
                b.forgetGateBiasInit(r.forgetGateBias());
            }
            return weighted(b, r, io.trainyard.spec.Activation.TANH).build();
        }
        if (l instanceof LayerSpec.Bidirectional b) {
            Bidirectional.Mode mode = b.mode() == null ? Bidirectional.Mode.CONCAT : Bidirectional.Mode.valueOf(b.mode().name());
            return new Bidirectional(mode, layer(b.layer(), in));
        }
        if (l instanceof LayerSpec.Embedding e) {
            EmbeddingSequenceLayer.Builder b = new EmbeddingSequenceLayer.Builder().nIn(in.dims().get(0)).nOut(e.units())
                    .inputLength(in.dims().get(1)).hasBias(false);
            return weighted(b, e, io.trainyard.spec.Activation.IDENTITY).build();
        }
        if (l instanceof LayerSpec.SelfAttention s) {
            boolean project = s.projection() == null || s.projection();
            SelfAttentionLayer.Builder b = new SelfAttentionLayer.Builder().nHeads(s.heads()).projectInput(project);
            int f = (int) in.width();
            if (project) {
                b.headSize(s.headSize()).nOut(s.units() == null ? s.heads() * s.headSize() : s.units());
            } else {
                b.nIn(f).nOut(f).headSize(f);
            }
            return sameDiff(b, s).build();
        }
        if (l instanceof LayerSpec.RecurrentAttention r) {
            boolean project = r.projection() == null || r.projection();
            RecurrentAttentionLayer.Builder b = new RecurrentAttentionLayer.Builder().nIn((int) in.width()).nOut(r.units())
                    .nHeads(r.heads()).projectInput(project).headSize(project ? r.headSize() : r.units())
                    .activation(Dl4jOptions.activation(activationOr(r.activation(), io.trainyard.spec.Activation.TANH)));
            return sameDiff(b, r).build();
        }
        if (l instanceof LayerSpec.GlobalPooling g) {
            PoolingType type = switch (g.pooling() == null ? LayerSpec.GlobalPool.MAX : g.pooling()) {
                case MAX -> PoolingType.MAX;
                case AVG -> PoolingType.AVG;
                case SUM -> PoolingType.SUM;
            };
            return new GlobalPoolingLayer.Builder(type).build();
        }
        if (l instanceof LayerSpec.VariationalAutoencoder v) {
            VariationalAutoencoder.Builder b = new VariationalAutoencoder.Builder()
                    .encoderLayerSizes(v.encoder().stream().mapToInt(Integer::intValue).toArray())
                    .decoderLayerSizes(v.decoder().stream().mapToInt(Integer::intValue).toArray())
                    .nOut(v.latent()).reconstructionDistribution(distribution(v.reconstruction()));
            return weighted(b, v, io.trainyard.spec.Activation.RELU).build();
        }
        throw new IllegalArgumentException("not a buildable layer (validate the spec first): " + l);
    }

    private static ReconstructionDistribution distribution(LayerSpec.Reconstruction r) {
        if (r == null || r == LayerSpec.Reconstruction.BERNOULLI) {
            return new BernoulliReconstructionDistribution(Activation.SIGMOID);
        }
        return r == LayerSpec.Reconstruction.GAUSSIAN ? new GaussianReconstructionDistribution(Activation.IDENTITY)
                : new ExponentialReconstructionDistribution(Activation.IDENTITY);
    }

    private io.trainyard.spec.Activation activationOr(io.trainyard.spec.Activation own,
            io.trainyard.spec.Activation natural) {
        return own != null ? own : defaults.activation() != null ? defaults.activation() : natural;
    }

    private WeightInitSpec weightInitOrDefault(WeightInitSpec own) {
        return own != null ? own : defaults.weightInit() != null ? defaults.weightInit()
                : WeightInitSpec.of(LayerDefaults.WEIGHT_INIT);
    }

    private <B extends BaseLayer.Builder<?>> B weighted(B b, LayerSpec.Weighted w, io.trainyard.spec.Activation natural) {
        b.activation(Dl4jOptions.activation(activationOr(w.activation(), natural)));
        b.weightInit(Dl4jOptions.weightInit(weightInitOrDefault(w.weightInit())));
        regularize(b, w.l1(), w.l2(), w.weightDecay());
        DropoutSpec dropout = w.dropout() != null ? w.dropout() : defaults.dropout();
        if (dropout != null) {
            b.dropOut(Dl4jOptions.dropout(dropout));
        }
        return b;
    }

    private void regularize(BaseLayer.Builder<?> b, Double l1, Double l2, Double weightDecay) {
        Double l1v = l1 != null ? l1 : defaults.l1();
        Double l2v = l2 != null ? l2 : defaults.l2();
        Double wd = weightDecay != null ? weightDecay : defaults.weightDecay();
        if (l1v != null) {
            b.l1(l1v);
        }
        if (l2v != null) {
            b.l2(l2v);
        }
        if (wd != null) {
            b.weightDecay(wd);
        }
    }

    /** Attention layers are SameDiff layers: named initialisations only (the validator enforces it). */
    private <B extends SameDiffLayer.Builder<?>> B sameDiff(B b, LayerSpec.Weighted w) {
        WeightInit init = Dl4jOptions.namedWeightInit(weightInitOrDefault(w.weightInit()).type());
        b.weightInit(init == null ? WeightInit.XAVIER : init);
        Double l1v = w.l1() != null ? w.l1() : defaults.l1();
        Double l2v = w.l2() != null ? w.l2() : defaults.l2();
        Double wd = w.weightDecay() != null ? w.weightDecay() : defaults.weightDecay();
        AbstractSameDiffLayer.Builder<?> r = b;
        if (l1v != null) {
            r.l1(l1v);
        }
        if (l2v != null) {
            r.l2(l2v);
        }
        if (wd != null) {
            r.weightDecay(wd);
        }
        DropoutSpec dropout = w.dropout() != null ? w.dropout() : defaults.dropout();
        if (dropout != null) {
            b.dropOut(Dl4jOptions.dropout(dropout));
        }
        return b;
    }

    private static ConvolutionMode mode(LayerSpec.ConvolutionMode m) {
        if (m == null) {
            return ConvolutionMode.Truncate;
        }
        return switch (m) {
            case TRUNCATE -> ConvolutionMode.Truncate;
            case STRICT -> ConvolutionMode.Strict;
            case SAME -> ConvolutionMode.Same;
        };
    }

    private static int[] pair(List<Integer> values, int dflt) {
        if (values == null) {
            return new int[] {dflt, dflt};
        }
        return new int[] {values.get(0), values.get(values.size() - 1)};
    }
}
