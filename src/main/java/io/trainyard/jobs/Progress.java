package io.trainyard.jobs;

import java.util.Map;

/** The live part of a running job's status, stored as JSON in jobs.progress. */
record Progress(Map<String, Object> latestMetrics, Double samplesPerSecond, Long etaSeconds) {

    static final Progress NONE = new Progress(Map.of(), null, null);

    Progress {
        latestMetrics = latestMetrics == null ? Map.of() : latestMetrics;
    }
}
