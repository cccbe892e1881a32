package io.trainyard.models;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A model with its latest version number and its aliases (alias name → version). */
public record ModelSummary(UUID id, String name, int latestVersion, Map<String, Integer> aliases, Instant createdAt) {
}
