package io.trainyard.inference;

import io.trainyard.security.CurrentTeam;
import io.trainyard.system.ApiException;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Batch predictions over a stored dataset: submit, poll, download the CSV or NPY. */
@RestController
@RequestMapping("/api/v1/models/{name}/batch-predictions")
class BatchPredictionController {

    private final BatchPredictions batches;
    private final CurrentTeam team;

    BatchPredictionController(BatchPredictions batches, CurrentTeam team) {
        this.batches = batches;
        this.team = team;
    }

    /** {@code version} or {@code alias} pins the model version (default: the latest at submission). */
    record BatchPredictionRequest(UUID datasetId, Integer version, String alias) {
    }

    /** {@code attempt} above 1: the task was started again after the replica running it stopped. */
    record BatchPredictionResource(UUID id, String model, int version, UUID datasetId, String state, long examples,
            long done, String error, int attempt, Instant createdAt, Instant startedAt, Instant finishedAt,
            Map<String, String> downloads) {

        static BatchPredictionResource of(BatchPredictions.Task t) {
            String base = "/api/v1/models/" + t.model() + "/batch-predictions/" + t.id();
            return new BatchPredictionResource(t.id(), t.model(), t.version(), t.datasetId(),
                    t.state().name(), t.examples(), t.done(), t.error(), t.attempt(), t.createdAt(), t.startedAt(),
                    t.finishedAt(),
                    t.state() == BatchPredictions.State.SUCCEEDED
                            ? Map.of("csv", base + "/predictions.csv", "npy", base + "/predictions.npy") : Map.of());
        }
    }

    @PostMapping
    ResponseEntity<BatchPredictionResource> submit(@PathVariable String name,
            @RequestBody BatchPredictionRequest request) {
        if (request.datasetId() == null) {
            throw ApiException.invalid("/datasetId", "is required: the id of an uploaded dataset");
        }
        if (request.version() != null && request.alias() != null) {
            throw ApiException.invalid("/alias", "give either version or alias, not both");
        }
        ModelSelector selector = request.version() != null ? ModelSelector.version(name, request.version())
                : request.alias() != null ? ModelSelector.alias(name, request.alias()) : ModelSelector.latest(name);
        BatchPredictionResource created = BatchPredictionResource.of(batches.submit(team.id(), selector,
                request.datasetId()));
        return ResponseEntity.accepted().location(URI.create("/api/v1/models/" + name + "/batch-predictions/"
                + created.id())).body(created);
    }

    @GetMapping("/{id}")
    BatchPredictionResource status(@PathVariable String name, @PathVariable UUID id) {
        return BatchPredictionResource.of(find(name, id));
    }

    @GetMapping("/{id}/predictions.csv")
    ResponseEntity<InputStreamResource> csv(@PathVariable String name, @PathVariable UUID id) throws IOException {
        return download(find(name, id), "csv", MediaType.parseMediaType("text/csv"));
    }

    @GetMapping("/{id}/predictions.npy")
    ResponseEntity<InputStreamResource> npy(@PathVariable String name, @PathVariable UUID id) throws IOException {
        return download(find(name, id), "npy", MediaType.APPLICATION_OCTET_STREAM);
    }

    private BatchPredictions.Task find(String name, UUID id) {
        return batches.find(team.id(), name, id).orElseThrow(() -> ApiException.notFound("Batch prediction", id));
    }

    private ResponseEntity<InputStreamResource> download(BatchPredictions.Task task, String format, MediaType type)
            throws IOException {
        if (task.state() != BatchPredictions.State.SUCCEEDED) {
            throw ApiException.conflict("Batch prediction " + task.id() + " is " + task.state()
                    + "; its files are there when it has SUCCEEDED.");
        }
        return ResponseEntity.ok().contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"predictions." + format + "\"")
                .body(new InputStreamResource(batches.open(task, format)));
    }
}
