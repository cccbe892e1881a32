package io.trainyard.inference;

/** One registered model version of one team: the unit the cache loads and the batcher serves. */
record ModelKey(String team, String model, int version) {

    @Override
    public String toString() {
        return model + " v" + version;
    }
}
