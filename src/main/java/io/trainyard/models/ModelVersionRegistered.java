package io.trainyard.models;

/** Published after a version's row is committed; inference may warm it up. */
public record ModelVersionRegistered(String team, String model, int version) {
}
