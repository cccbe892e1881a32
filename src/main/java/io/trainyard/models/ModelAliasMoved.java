package io.trainyard.models;

/** Published when an alias points at another version, or at none ({@code version} null): caches re-resolve. */
public record ModelAliasMoved(String team, String model, String alias, Integer version) {
}
