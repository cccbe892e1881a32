package io.trainyard.engine;

import io.trainyard.spec.DropoutSpec;
import io.trainyard.spec.OptimizerSpec;
import io.trainyard.spec.ScheduleSpec;
import io.trainyard.spec.TaskSpec;
import io.trainyard.spec.WeightInitSpec;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitConstant;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.CycleSchedule;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.InverseSchedule;
import org.nd4j.linalg.schedule.PolySchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** Spec vocabulary → DL4J objects. Only called for specs the validator accepted. */
final class Dl4jOptions {

    private Dl4jOptions() {
    }

    static Activation activation(io.trainyard.spec.Activation a) {
        return Activation.valueOf(a.name());
    }

    static WeightInit namedWeightInit(WeightInitSpec.Type type) {
        return switch (type) {
            case XAVIER -> WeightInit.XAVIER;
            case XAVIER_UNIFORM -> WeightInit.XAVIER_UNIFORM;
            case HE -> WeightInit.RELU;
            case HE_UNIFORM -> WeightInit.RELU_UNIFORM;
            case LECUN_NORMAL -> WeightInit.LECUN_NORMAL;
            case LECUN_UNIFORM -> WeightInit.LECUN_UNIFORM;
            case ZERO -> WeightInit.ZERO;
            case NORMAL, UNIFORM, CONSTANT -> null;
        };
    }

    static IWeightInit weightInit(WeightInitSpec w) {
        return switch (w.type()) {
            case NORMAL -> new WeightInitDistribution(new NormalDistribution(w.mean() == null ? 0 : w.mean(), w.std()));
            case UNIFORM -> new WeightInitDistribution(new UniformDistribution(w.lower(), w.upper()));
            case CONSTANT -> new WeightInitConstant(w.value());
            default -> namedWeightInit(w.type()).getWeightInitFunction();
        };
    }

    /** DL4J's Dropout and AlphaDropout take the probability of keeping an input; the spec's rate drops. */
    static IDropout dropout(DropoutSpec d) {
        return switch (d.typeOrDefault()) {
            case STANDARD -> new Dropout(1 - d.rate());
            case GAUSSIAN -> new GaussianDropout(d.rate());
            case ALPHA -> new AlphaDropout(1 - d.rate());
        };
    }

    static LossFunction loss(TaskSpec.Loss loss) {
        return switch (loss) {
            case MAE -> LossFunction.MEAN_ABSOLUTE_ERROR;
            default -> LossFunction.valueOf(loss.name());
        };
    }

    static GradientNormalization gradientNormalization(io.trainyard.spec.GradientNormalizationSpec.Type t) {
        return switch (t) {
            case NONE -> GradientNormalization.None;
            case RENORMALIZE_L2_PER_LAYER -> GradientNormalization.RenormalizeL2PerLayer;
            case RENORMALIZE_L2_PER_PARAM_TYPE -> GradientNormalization.RenormalizeL2PerParamType;
            case CLIP_ELEMENT_WISE_ABSOLUTE_VALUE -> GradientNormalization.ClipElementWiseAbsoluteValue;
            case CLIP_L2_PER_LAYER -> GradientNormalization.ClipL2PerLayer;
            case CLIP_L2_PER_PARAM_TYPE -> GradientNormalization.ClipL2PerParamType;
        };
    }

    static IUpdater updater(OptimizerSpec o) {
        OptimizerSpec.Type type = o == null ? OptimizerSpec.DEFAULT_TYPE : o.typeOrDefault();
        double lr = o == null || o.learningRate() == null ? defaultLearningRate(type) : o.learningRate();
        ISchedule schedule = o == null || o.schedule() == null ? null : schedule(o.schedule(), lr);
        double eps;
        switch (type) {
            case SGD:
                return schedule == null ? new Sgd(lr) : new Sgd(schedule);
            case MOMENTUM:
            case NESTEROV: {
                // DL4J has no heavy-ball momentum updater: both use Nesterov momentum (docs/spec.md).
                double m = o.momentum() == null ? Nesterovs.DEFAULT_NESTEROV_MOMENTUM : o.momentum();
                return schedule == null ? new Nesterovs(lr, m) : new Nesterovs(schedule, m);
            }
            case ADAGRAD:
                eps = o.epsilon() == null ? AdaGrad.DEFAULT_ADAGRAD_EPSILON : o.epsilon();
                return schedule == null ? new AdaGrad(lr, eps) : new AdaGrad(schedule, eps);
            case RMSPROP: {
                RmsProp r = schedule == null ? new RmsProp(lr) : new RmsProp(schedule);
                r.setRmsDecay(o.decay() == null ? RmsProp.DEFAULT_RMSPROP_RMSDECAY : o.decay());
                r.setEpsilon(o.epsilon() == null ? RmsProp.DEFAULT_RMSPROP_EPSILON : o.epsilon());
                return r;
            }
            case ADADELTA:
                return new AdaDelta(o.rho() == null ? AdaDelta.DEFAULT_ADADELTA_RHO : o.rho(),
                        o.epsilon() == null ? AdaDelta.DEFAULT_ADADELTA_EPSILON : o.epsilon());
            default:
                return adamFamily(type, o, lr, schedule);
        }
    }

    private static IUpdater adamFamily(OptimizerSpec.Type type, OptimizerSpec o, double lr, ISchedule schedule) {
        double b1 = o == null || o.beta1() == null ? 0.9 : o.beta1();
        double b2 = o == null || o.beta2() == null ? 0.999 : o.beta2();
        double eps = o == null || o.epsilon() == null ? 1e-8 : o.epsilon();
        switch (type) {
            case ADAMAX: {
                AdaMax u = schedule == null ? new AdaMax(lr) : new AdaMax(schedule);
                u.setBeta1(b1);
                u.setBeta2(b2);
                u.setEpsilon(eps);
                return u;
            }
            case NADAM: {
                Nadam u = schedule == null ? new Nadam(lr) : new Nadam(schedule);
                u.setBeta1(b1);
                u.setBeta2(b2);
                u.setEpsilon(eps);
                return u;
            }
            case AMSGRAD: {
                AMSGrad u = schedule == null ? new AMSGrad(lr) : new AMSGrad(schedule);
                u.setBeta1(b1);
                u.setBeta2(b2);
                u.setEpsilon(eps);
                return u;
            }
            default: {
                Adam u = schedule == null ? new Adam(lr) : new Adam(schedule);
                u.setBeta1(b1);
                u.setBeta2(b2);
                u.setEpsilon(eps);
                return u;
            }
        }
    }

    static double defaultLearningRate(OptimizerSpec.Type type) {
        return switch (type) {
            case SGD, ADAM, ADAMAX, NADAM, AMSGRAD -> 1e-3;
            case MOMENTUM, NESTEROV, ADAGRAD, RMSPROP -> 0.1;
            case ADADELTA -> 1.0;
        };
    }

    static ISchedule schedule(ScheduleSpec s, double lr) {
        ScheduleType unit = s.unitOrDefault() == ScheduleSpec.Unit.EPOCH ? ScheduleType.EPOCH : ScheduleType.ITERATION;
        ISchedule base = switch (s.type()) {
            case CONSTANT -> new FixedSchedule(lr);
            case STEP -> new StepSchedule(unit, lr, s.gamma(), s.step());
            case EXPONENTIAL -> new ExponentialSchedule(unit, lr, s.gamma());
            case INVERSE -> new InverseSchedule(unit, lr, s.gamma(), s.power());
            case POLY -> new PolySchedule(unit, lr, s.power(), s.maxIterations());
            case CYCLE -> new CycleSchedule(unit, lr, s.maxLearningRate(), s.cycleLength(),
                    s.annealingLength() == null ? Math.max(1, s.cycleLength() / 10) : s.annealingLength(),
                    s.annealingDecay() == null ? 0.1 : s.annealingDecay());
            case COSINE -> new CosineSchedule(unit, lr, s.minLearningRate() == null ? 0 : s.minLearningRate(), s.period());
        };
        // Warm-up always counts iterations, whatever the base schedule's unit.
        return s.warmup() == null ? base : new WarmupSchedule(base, s.warmup());
    }
}
