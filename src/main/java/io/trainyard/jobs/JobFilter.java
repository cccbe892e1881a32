package io.trainyard.jobs;

import io.trainyard.system.PageCursor;
import java.util.Map;
import java.util.Set;

/**
 * What {@code GET /api/v1/jobs} selects: any of {@code states} (all when empty), every label in {@code labels},
 * a name containing {@code nameContains} (case-insensitive, null for any), older than {@code after}.
 */
record JobFilter(Set<JobState> states, Map<String, String> labels, String nameContains, PageCursor after, int limit) {

    JobFilter {
        states = Set.copyOf(states);
        labels = Map.copyOf(labels);
    }

    static JobFilter all(int limit) {
        return new JobFilter(Set.of(), Map.of(), null, null, limit);
    }
}
