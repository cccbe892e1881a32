package io.trainyard.spec;

import java.util.List;

/** Checks of the per-layer options shared by every weighted layer and by {@code defaults}. */
final class OptionRules {

    private final Checks checks;

    OptionRules(Checks checks) {
        this.checks = checks;
    }

    void defaults(LayerDefaults d, List<LayerSpec> layers) {
        if (d == null) {
            return;
        }
        regularization("/defaults", d.l1(), d.l2(), d.weightDecay());
        dropout("/defaults/dropout", d.dropout());
        if (weightInit("/defaults/weightInit", d.weightInit()) && d.weightInit().type().symmetric()) {
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof LayerSpec.Weighted w && w.weightInit() == null) {
                    checks.add("/defaults/weightInit", symmetric(d.weightInit().type()) + " (layer " + i
                            + " inherits it); set a different default, or give every hidden layer its own weightInit");
                    return;
                }
            }
        }
    }

    void layer(String at, LayerSpec layer) {
        if (layer instanceof LayerSpec.Bidirectional b && b.layer() != null) {
            layer(at + "/layer", b.layer());
        }
        if (layer instanceof LayerSpec.Dropout d) {
            dropout(at + "/dropout", d.dropout());
        }
        if (!(layer instanceof LayerSpec.Weighted w)) {
            return;
        }
        regularization(at, w.l1(), w.l2(), w.weightDecay());
        dropout(at + "/dropout", w.dropout());
        if (weightInit(at + "/weightInit", w.weightInit()) && w.weightInit().type().symmetric()) {
            checks.add(at + "/weightInit", symmetric(w.weightInit().type()));
        }
        boolean attention = layer instanceof LayerSpec.SelfAttention || layer instanceof LayerSpec.RecurrentAttention;
        if (attention && w.weightInit() != null && w.weightInit().type() != null) {
            WeightInitSpec.Type t = w.weightInit().type();
            if (t == WeightInitSpec.Type.NORMAL || t == WeightInitSpec.Type.UNIFORM || t == WeightInitSpec.Type.CONSTANT) {
                checks.add(at + "/weightInit", "attention layers take the named initialisations only (xavier, "
                        + "xavier_uniform, he, he_uniform, lecun_normal, lecun_uniform); got \"" + t + "\"");
            }
        }
        if (layer instanceof LayerSpec.Lstm l) {
            checks.range(at + "/forgetGateBias", l.forgetGateBias(), -10, true, 10, true);
        }
    }

    private static String symmetric(WeightInitSpec.Type type) {
        return "\"" + type + "\" is rejected for a hidden layer: symmetric units get identical gradients and never "
                + "differentiate; use \"xavier\", \"he\" or another random initialisation";
    }

    void regularization(String at, Double l1, Double l2, Double weightDecay) {
        checks.range(at + "/l1", l1, 0, true, 1, true);
        checks.range(at + "/l2", l2, 0, true, 1, true);
        checks.range(at + "/weightDecay", weightDecay, 0, true, 1, true);
        if (l2 != null && weightDecay != null && l2 > 0 && weightDecay > 0) {
            checks.add(at + "/weightDecay", "set either l2 or weightDecay, not both: they are two forms of the same "
                    + "penalty (weightDecay is applied after the learning rate, l2 before)");
        }
    }

    void dropout(String at, DropoutSpec d) {
        if (d == null) {
            return;
        }
        if (checks.required(at + "/rate", d.rate(), "the fraction of inputs dropped, greater than 0 and less than 1")) {
            checks.range(at + "/rate", d.rate(), 0, false, 1, false);
        }
    }

    /** True when present and well-formed. */
    boolean weightInit(String at, WeightInitSpec w) {
        if (w == null) {
            return false;
        }
        if (w.type() == null && w.unknownName() != null) {
            checks.add(at, "must be one of " + java.util.Arrays.toString(WeightInitSpec.Type.values()) + "; got '"
                    + w.unknownName() + "'");
            return false;
        }
        if (!checks.required(at + "/type", w.type(), "one of " + Checks.list(List.of(WeightInitSpec.Type.values())))) {
            return false;
        }
        int before = checks.count();
        WeightInitSpec.Type t = w.type();
        String why = "for \"" + t + "\"";
        if (t == WeightInitSpec.Type.NORMAL) {
            checks.required(at + "/std", w.std(), "the standard deviation, > 0");
            checks.range(at + "/std", w.std(), 0, false, 100, true);
            checks.range(at + "/mean", w.mean(), -100, true, 100, true);
        } else {
            checks.notAllowed(at + "/std", w.std(), why + "; only \"normal\" takes std");
            checks.notAllowed(at + "/mean", w.mean(), why + "; only \"normal\" takes mean");
        }
        if (t == WeightInitSpec.Type.UNIFORM) {
            if (checks.required(at + "/lower", w.lower(), "the lower bound") & checks.required(at + "/upper", w.upper(),
                    "the upper bound") && w.lower() >= w.upper()) {
                checks.add(at + "/upper", "must be greater than lower (" + w.lower() + "); got " + w.upper());
            }
        } else {
            checks.notAllowed(at + "/lower", w.lower(), why + "; only \"uniform\" takes bounds");
            checks.notAllowed(at + "/upper", w.upper(), why + "; only \"uniform\" takes bounds");
        }
        if (t == WeightInitSpec.Type.CONSTANT) {
            checks.required(at + "/value", w.value(), "the constant");
        } else {
            checks.notAllowed(at + "/value", w.value(), why + "; only \"constant\" takes a value");
        }
        return checks.count() == before;
    }
}
