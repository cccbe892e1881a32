package io.trainyard.spec;

import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The one place that decides whether a spec can be built. Reports every problem at once, each with a
 * JSON pointer under a caller-given prefix ({@code ""} for the validate endpoint, {@code "/spec"} when a
 * job body embeds the spec), then enforces the configured {@link SpecLimits}.
 */
@Component
public class SpecValidator {

    private final SpecLimits limits;

    public SpecValidator(SpecLimits limits) {
        this.limits = limits;
    }

    /**
     * The resolved plan of a valid spec.
     *
     * @throws ApiException 400 with one violation per problem, or 422 naming each exceeded limit
     */
    /** The operator's ceiling on {@code training.epochs} ({@code trainyard.spec.max-epochs}). */
    public int maxEpochs() {
        return limits.maxEpochs();
    }

    public NetworkPlan validate(TrainingSpec spec, String pointerPrefix) {
        Checks checks = new Checks(pointerPrefix);
        if (spec == null) {
            checks.add("", "a training spec is required");
            throw ApiException.invalid(checks.violations());
        }
        OptionRules options = new OptionRules(checks);
        options.defaults(spec.defaults(), spec.layersOrEmpty());
        for (int i = 0; i < spec.layersOrEmpty().size(); i++) {
            options.layer("/layers/" + i, spec.layers().get(i));
        }
        taskWeightInit(spec.task(), options, checks);
        new OptimizerRules(checks).check(spec.optimizer());
        new TrainingRules(checks).check(spec.training(), spec.task());
        NetworkPlan plan = new ShapePlanner(checks, spec).plan();
        if (!checks.ok() || plan == null) {
            throw ApiException.invalid(dedupe(checks.violations()));
        }
        List<Violation> exceeded = limits(spec, plan, pointerPrefix == null ? "" : pointerPrefix);
        if (!exceeded.isEmpty()) {
            throw ApiException.limitExceeded(exceeded);
        }
        return plan;
    }

    private static void taskWeightInit(TaskSpec task, OptionRules options, Checks checks) {
        WeightInitSpec w = task instanceof TaskSpec.Classification c ? c.weightInit()
                : task instanceof TaskSpec.Regression r ? r.weightInit()
                : task instanceof TaskSpec.Autoencoder a ? a.weightInit() : null;
        // The output layer may start at zero (as logistic regression does): its units are told apart by the labels.
        options.weightInit("/task/weightInit", w);
    }

    private List<Violation> limits(TrainingSpec spec, NetworkPlan plan, String prefix) {
        List<Violation> out = new ArrayList<>();
        if (plan.totalParameters() > limits.maxParameters()) {
            out.add(Violation.at(prefix + "/layers", "the network has " + plan.totalParameters()
                    + " parameters; the limit trainyard.spec.max-parameters is " + limits.maxParameters()));
        }
        if (spec.layersOrEmpty().size() > limits.maxLayers()) {
            out.add(Violation.at(prefix + "/layers", "the network has " + spec.layers().size()
                    + " layers; the limit trainyard.spec.max-layers is " + limits.maxLayers()));
        }
        TrainingSettings t = spec.training();
        if (t != null && t.epochs() != null && t.epochs() > limits.maxEpochs()) {
            out.add(Violation.at(prefix + "/training/epochs", "is " + t.epochs()
                    + "; the limit trainyard.spec.max-epochs is " + limits.maxEpochs()));
        }
        if (t != null && t.batchSize() != null && t.batchSize() > limits.maxBatchSize()) {
            out.add(Violation.at(prefix + "/training/batchSize", "is " + t.batchSize()
                    + "; the limit trainyard.spec.max-batch-size is " + limits.maxBatchSize()));
        }
        return out;
    }

    private static List<Violation> dedupe(List<Violation> violations) {
        return List.copyOf(new java.util.LinkedHashSet<>(violations));
    }
}
