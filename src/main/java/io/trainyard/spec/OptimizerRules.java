package io.trainyard.spec;

import io.trainyard.spec.OptimizerSpec.Type;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Checks the optimizer, its schedule and gradient normalisation; each type accepts only its own fields. */
final class OptimizerRules {

    private static final Set<Type> ADAMS = EnumSet.of(Type.ADAM, Type.ADAMAX, Type.NADAM, Type.AMSGRAD);

    private final Checks checks;

    OptimizerRules(Checks checks) {
        this.checks = checks;
    }

    void check(OptimizerSpec o) {
        if (o == null) {
            return;
        }
        Type t = o.typeOrDefault();
        String only = " for \"" + t + "\"";
        if (t == Type.ADADELTA) {
            checks.notAllowed("/optimizer/learningRate", o.learningRate(),
                    "for \"adadelta\": it adapts its own step size (use rho and epsilon)");
            checks.notAllowed("/optimizer/schedule", o.schedule(), "for \"adadelta\": it has no learning rate to schedule");
        } else {
            checks.range("/optimizer/learningRate", o.learningRate(), 0, false, 10, true);
        }
        field("momentum", o.momentum(), t == Type.MOMENTUM || t == Type.NESTEROV, only, "momentum, nesterov");
        field("beta1", o.beta1(), ADAMS.contains(t), only, "adam, adamax, nadam, amsgrad");
        field("beta2", o.beta2(), ADAMS.contains(t), only, "adam, adamax, nadam, amsgrad");
        field("epsilon", o.epsilon(), t != Type.SGD && t != Type.MOMENTUM && t != Type.NESTEROV, only,
                "adagrad, rmsprop, adadelta, adam, adamax, nadam, amsgrad");
        field("rho", o.rho(), t == Type.ADADELTA, only, "adadelta");
        field("decay", o.decay(), t == Type.RMSPROP, only, "rmsprop");
        checks.range("/optimizer/momentum", o.momentum(), 0, true, 1, false);
        checks.range("/optimizer/beta1", o.beta1(), 0, true, 1, false);
        checks.range("/optimizer/beta2", o.beta2(), 0, true, 1, false);
        checks.range("/optimizer/epsilon", o.epsilon(), 0, false, 1, true);
        checks.range("/optimizer/rho", o.rho(), 0, false, 1, false);
        checks.range("/optimizer/decay", o.decay(), 0, false, 1, false);
        schedule(o.schedule(), learningRate(o));
        gradient(o.gradientNormalization());
    }

    /** The effective initial learning rate (DL4J's default for the type when unset). */
    static double learningRate(OptimizerSpec o) {
        if (o.learningRate() != null) {
            return o.learningRate();
        }
        return switch (o.typeOrDefault()) {
            case SGD, ADAM, ADAMAX, NADAM, AMSGRAD -> 1e-3;
            case MOMENTUM, NESTEROV, ADAGRAD, RMSPROP -> 0.1;
            case ADADELTA -> 1.0;
        };
    }

    private void field(String name, Double value, boolean applies, String only, String types) {
        if (value != null && !applies) {
            checks.add("/optimizer/" + name, "is not a hyper-parameter" + only + "; it applies to: " + types);
        }
    }

    private static final Map<ScheduleSpec.Type, Set<String>> SCHEDULE_FIELDS = Map.of(
            ScheduleSpec.Type.CONSTANT, Set.of(),
            ScheduleSpec.Type.STEP, Set.of("gamma", "step"),
            ScheduleSpec.Type.EXPONENTIAL, Set.of("gamma"),
            ScheduleSpec.Type.INVERSE, Set.of("gamma", "power"),
            ScheduleSpec.Type.POLY, Set.of("power", "maxIterations"),
            ScheduleSpec.Type.CYCLE, Set.of("maxLearningRate", "cycleLength", "annealingLength", "annealingDecay"),
            ScheduleSpec.Type.COSINE, Set.of("period", "minLearningRate"));

    private void schedule(ScheduleSpec s, double lr) {
        if (s == null) {
            return;
        }
        String at = "/optimizer/schedule";
        if (!checks.required(at + "/type", s.type(), "one of " + Checks.list(java.util.List.of(ScheduleSpec.Type.values())))) {
            return;
        }
        Set<String> allowed = SCHEDULE_FIELDS.get(s.type());
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("gamma", s.gamma());
        given.put("power", s.power());
        given.put("step", s.step());
        given.put("maxIterations", s.maxIterations());
        given.put("maxLearningRate", s.maxLearningRate());
        given.put("cycleLength", s.cycleLength());
        given.put("annealingLength", s.annealingLength());
        given.put("annealingDecay", s.annealingDecay());
        given.put("period", s.period());
        given.put("minLearningRate", s.minLearningRate());
        given.forEach((k, v) -> {
            if (v != null && !allowed.contains(k)) {
                checks.add(at + "/" + k, "is not used by a \"" + s.type() + "\" schedule"
                        + (allowed.isEmpty() ? "" : "; it takes: " + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        });
        switch (s.type()) {
            case STEP -> {
                req(at + "/gamma", s.gamma(), "the factor applied every step, > 0 and <= 1");
                checks.range(at + "/gamma", s.gamma(), 0, false, 1, true);
                req(at + "/step", s.step(), "how many iterations (or epochs) between decays, >= 1");
                checks.range(at + "/step", s.step(), 1, 1_000_000_000);
            }
            case EXPONENTIAL -> {
                req(at + "/gamma", s.gamma(), "the factor per iteration (or epoch), > 0 and <= 1");
                checks.range(at + "/gamma", s.gamma(), 0, false, 1, true);
            }
            case INVERSE -> {
                req(at + "/gamma", s.gamma(), "> 0");
                req(at + "/power", s.power(), "> 0");
                checks.range(at + "/gamma", s.gamma(), 0, false, 1e6, true);
                checks.range(at + "/power", s.power(), 0, false, 100, true);
            }
            case POLY -> {
                req(at + "/power", s.power(), "> 0");
                req(at + "/maxIterations", s.maxIterations(), "the iteration (or epoch) at which the rate reaches 0");
                checks.range(at + "/power", s.power(), 0, false, 100, true);
                checks.range(at + "/maxIterations", s.maxIterations(), 1, 1_000_000_000);
            }
            case CYCLE -> {
                req(at + "/maxLearningRate", s.maxLearningRate(), "the peak rate, greater than learningRate");
                req(at + "/cycleLength", s.cycleLength(), "iterations (or epochs) of one cycle, >= 2");
                if (s.maxLearningRate() != null && s.maxLearningRate() <= lr) {
                    checks.add(at + "/maxLearningRate", "must be greater than the learning rate (" + lr + "); got "
                            + s.maxLearningRate());
                }
                checks.range(at + "/cycleLength", s.cycleLength(), 2, 1_000_000_000);
                if (s.cycleLength() != null) {
                    checks.range(at + "/annealingLength", s.annealingLength(), 0, s.cycleLength() - 1);
                }
                checks.range(at + "/annealingDecay", s.annealingDecay(), 0, false, 1, true);
            }
            case COSINE -> {
                req(at + "/period", s.period(), "iterations (or epochs) of one cosine cycle, >= 1");
                checks.range(at + "/period", s.period(), 1, 1_000_000_000);
                if (s.minLearningRate() != null && (s.minLearningRate() < 0 || s.minLearningRate() >= lr)) {
                    checks.add(at + "/minLearningRate", "must be >= 0 and less than the learning rate (" + lr + "); got "
                            + s.minLearningRate());
                }
            }
            case CONSTANT -> {
            }
        }
        checks.range(at + "/warmup", s.warmup(), 1, 10_000_000);
    }

    private void req(String at, Object value, String hint) {
        checks.required(at, value, hint);
    }

    private void gradient(GradientNormalizationSpec g) {
        if (g == null) {
            return;
        }
        String at = "/optimizer/gradientNormalization";
        if (!checks.required(at + "/type", g.type(), "one of "
                + Checks.list(java.util.List.of(GradientNormalizationSpec.Type.values())))) {
            return;
        }
        if (g.type().clips()) {
            if (checks.required(at + "/threshold", g.threshold(), "the clipping threshold, > 0")) {
                checks.range(at + "/threshold", g.threshold(), 0, false, 1e6, true);
            }
        } else {
            checks.notAllowed(at + "/threshold", g.threshold(), "for \"" + g.type() + "\": only the clip_* types "
                    + "take a threshold");
        }
    }
}
