package io.trainyard.jobs;

import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/jobs}.
 *
 * @param priority higher runs first (default 0, from -1000 to 1000)
 * @param labels   free-form string labels to find jobs by (GET /api/v1/jobs?label=key:value)
 */
record SubmitJobRequest(String name, UUID datasetId, JsonNode spec, Integer priority, Map<String, String> labels) {
}
