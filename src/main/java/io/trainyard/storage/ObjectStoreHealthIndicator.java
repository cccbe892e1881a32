package io.trainyard.storage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness includes the object store: without it no dataset, checkpoint or model can be read or written. */
class ObjectStoreHealthIndicator implements HealthIndicator {

    private final ObjectStore store;

    ObjectStoreHealthIndicator(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.checkAvailable();
            return Health.up().withDetail("store", store.describe()).build();
        } catch (Exception e) {
            return Health.down().withDetail("store", store.describe()).withDetail("error", e.getMessage()).build();
        }
    }
}
