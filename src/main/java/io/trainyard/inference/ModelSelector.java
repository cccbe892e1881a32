package io.trainyard.inference;

/** Which version of a model a request means: the latest, a number, or an alias. Exactly one of these applies. */
record ModelSelector(String model, Integer version, String alias) {

    static ModelSelector latest(String model) {
        return new ModelSelector(model, null, null);
    }

    static ModelSelector version(String model, int version) {
        return new ModelSelector(model, version, null);
    }

    static ModelSelector alias(String model, String alias) {
        return new ModelSelector(model, null, alias);
    }
}
