package io.trainyard.jobs;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code /api/v1/jobs}: submit, inspect, list, cancel and delete training jobs, and follow them live. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    /** Until API keys exist everything belongs to the built-in team (DESIGN.md §6); security replaces this. */
    static final String TEAM = "default";

    private final JobService service;
    private final JobEventStreams streams;

    JobController(JobService service, JobEventStreams streams) {
        this.service = service;
        this.streams = streams;
    }

    record JobList(List<JobResource> items, String nextCursor) {
    }

    record MetricsList(List<EpochMetrics> items) {
    }

    /** 201 with the new job; 200 with the earlier job when the Idempotency-Key was already used for it. */
    @PostMapping
    ResponseEntity<JobResource> submit(@RequestBody SubmitJobRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        JobService.Submitted submitted = service.submit(TEAM, body, idempotencyKey);
        JobResource job = service.resource(submitted.job());
        return submitted.created()
                ? ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id())).body(job)
                : ResponseEntity.ok().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @GetMapping("/{id}")
    JobResource get(@PathVariable UUID id) {
        return service.resource(service.get(id, TEAM));
    }

    /**
     * Newest first. {@code state} may repeat or list several states separated by commas; each {@code label} is
     * {@code key:value} and all must match; {@code name} matches any part of the name, ignoring case.
     */
    @GetMapping
    JobList list(@RequestParam(required = false) List<String> state,
            @RequestParam(required = false) List<String> label,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        Page<JobRow> page = service.list(TEAM, state, label, name, limit, cursor);
        return new JobList(page.items().stream().map(service::resource).toList(), page.nextCursor());
    }

    @PostMapping("/{id}/cancel")
    JobResource cancel(@PathVariable UUID id) {
        return service.resource(service.cancel(id, TEAM));
    }

    /** 201 with a new job that trains further from a checkpoint of this one. */
    @PostMapping("/{id}/continue")
    ResponseEntity<JobResource> continueJob(@PathVariable UUID id, @RequestBody ContinueJobRequest body) {
        JobResource job = service.resource(service.continueFrom(id, TEAM, body));
        return ResponseEntity.created(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        service.delete(id, TEAM);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/metrics")
    MetricsList metrics(@PathVariable UUID id) {
        return new MetricsList(service.metrics(id, TEAM));
    }

    /**
     * Server-Sent Events: {@code state} (the job, first on connect and on every change), {@code metrics} (each
     * finished epoch), {@code progress} (epoch/iteration moved). Ends after a terminal state.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable UUID id) {
        return streams.open(service.get(id, TEAM));
    }
}
