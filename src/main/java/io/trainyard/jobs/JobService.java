package io.trainyard.jobs;

import io.trainyard.system.PageCursor;
import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The user's side of the queue: submit, look, cancel, delete. */
class JobService {

    static final int MAX_PRIORITY = 1000;
    static final int MAX_LABELS = 32;
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final JobRepository jobs;
    private final JobSpecValidator specs;
    private final JobLinks links;
    private final JobEvents events;
    private final JobsProperties properties;
    private final JsonMapper json;

    JobService(JobRepository jobs, JobSpecValidator specs, JobEvents events,
            JobsProperties properties, JsonMapper json, JobLinks links) {
        this.links = links;
        this.jobs = jobs;
        this.specs = specs;
        this.events = events;
        this.properties = properties;
        this.json = json;
    }

    /** @param created false when an earlier request with the same idempotency key already created it */
    record Submitted(JobRow job, boolean created) {
    }

    Submitted submit(String team, SubmitJobRequest request, String idempotencyKey) {
        List<Violation> problems = check(request, idempotencyKey);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        if (!links.datasetExists(team, request.datasetId())) {
            throw noDataset();
        }
        ValidatedSpec spec = specs.validate(request.spec(), request.datasetId(), team, "/spec");
        String name = request.name().strip();
        int priority = request.priority() == null ? 0 : request.priority();
        Map<String, String> labels = request.labels() == null ? Map.of() : request.labels();
        NewJob job = new NewJob(UUID.randomUUID(), team, name, request.datasetId(), json.writeValueAsString(spec.spec()),
                labels, idempotencyKey, priority, properties.maxAttempts(), spec.totalEpochs());
        if (idempotencyKey != null) {
            Optional<JobRow> earlier = jobs.findByIdempotencyKey(team, idempotencyKey);
            if (earlier.isPresent()) {
                return replay(earlier.get(), job, spec.spec());
            }
        }
        try {
            return new Submitted(jobs.create(job, () -> holdDatasets(team, request.datasetId(), spec.spec(),
                    (role, id) -> role.equals("training") ? noDataset()
                            : ApiException.invalid("/spec/training/validation/dataset", "no dataset with this id (it "
                                    + "was deleted just now); upload one with POST /api/v1/datasets"))), true);
        } catch (DuplicateKeyException e) {
            // a concurrent request with the same key won the insert
            JobRow earlier = jobs.findByIdempotencyKey(team, idempotencyKey).orElseThrow(() -> e);
            return replay(earlier, job, spec.spec());
        }
    }

    /**
     * Holds the job's training dataset and its validation dataset, if it names one, until the creating transaction
     * ends ({@link JobLinks#holdDataset}); {@code missing} says what to answer for one that is gone, given its role
     * ("training" or "validation") and id.
     */
    private void holdDatasets(String team, UUID datasetId, JsonNode spec,
            BiFunction<String, UUID, ApiException> missing) {
        if (!links.holdDataset(team, datasetId)) {
            throw missing.apply("training", datasetId);
        }
        validationDataset(spec).ifPresent(id -> {
            if (!links.holdDataset(team, id)) {
                throw missing.apply("validation", id);
            }
        });
    }

    /** The spec's {@code training.validation.dataset}, which the validated spec holds as a dataset id. */
    private static Optional<UUID> validationDataset(JsonNode spec) {
        JsonNode id = spec.at("/training/validation/dataset");
        try {
            return id.isString() ? Optional.of(UUID.fromString(id.asString())) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not an id the spec validator let through; nothing to hold
        }
    }

    private static ApiException noDataset() {
        return ApiException.invalid("/datasetId", "no dataset with this id; upload one with POST /api/v1/datasets");
    }

    /** The same key with the same request returns the first job; with a different request it is an error. */
    private Submitted replay(JobRow earlier, NewJob again, JsonNode spec) {
        boolean same = earlier.name().equals(again.name()) && earlier.datasetId().equals(again.datasetId())
                && earlier.priority() == again.priority() && earlier.labels().equals(again.labels())
                && json.readTree(earlier.spec()).equals(spec);
        if (!same) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency key reused",
                    "Idempotency-Key '" + again.idempotencyKey() + "' was already used for job " + earlier.id()
                            + " with a different request. Use a new key for a new job.",
                    List.of(Violation.at("Idempotency-Key", "already used with a different request body")));
        }
        return new Submitted(earlier, false);
    }

    private List<Violation> check(SubmitJobRequest request, String idempotencyKey) {
        List<Violation> problems = new ArrayList<>();
        if (request.name() == null || request.name().isBlank()) {
            problems.add(Violation.at("/name", "required: a non-blank name"));
        } else if (request.name().strip().length() > 200) {
            problems.add(Violation.at("/name", "must be at most 200 characters"));
        } else if (request.name().chars().anyMatch(Character::isISOControl)) {
            problems.add(Violation.at("/name", "must be printable text: no control characters (NUL, tab, newline)"));
        }
        if (request.datasetId() == null) {
            problems.add(Violation.at("/datasetId", "required: the id of an uploaded dataset"));
        }
        if (request.spec() == null || request.spec().isNull()) {
            problems.add(Violation.at("/spec", "required: the training spec"));
        }
        if (request.priority() != null && (request.priority() < -MAX_PRIORITY || request.priority() > MAX_PRIORITY)) {
            problems.add(Violation.at("/priority", "must be from -" + MAX_PRIORITY + " to " + MAX_PRIORITY));
        }
        if (request.labels() != null) {
            if (request.labels().size() > MAX_LABELS) {
                problems.add(Violation.at("/labels", "at most " + MAX_LABELS + " labels"));
            }
            request.labels().forEach((key, value) -> {
                String pointer = "/labels/" + key.replace("~", "~0").replace("/", "~1");
                if (!LABEL_KEY.matcher(key).matches()) {
                    problems.add(Violation.at(pointer, "label keys are 1-63 letters, digits, '.', '_', '-' or '/', "
                            + "starting and ending with a letter or digit"));
                }
                if (value == null || value.length() > 200 || value.chars().anyMatch(Character::isISOControl)) {
                    problems.add(Violation.at(pointer, "must be a string of at most 200 printable characters"));
                }
            });
        }
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            problems.add(Violation.at("Idempotency-Key", "must be 1-200 printable ASCII characters without spaces"));
        }
        return problems;
    }

    JobRow get(UUID id, String team) {
        return jobs.find(id, team).orElseThrow(() -> ApiException.notFound("Job", id));
    }

    Page<JobRow> list(String team, List<String> states, List<String> labels, String name, Integer limit,
            String cursor) {
        List<Violation> problems = new ArrayList<>();
        Set<JobState> wanted = EnumSet.noneOf(JobState.class);
        for (String state : states == null ? List.<String>of() : states) {
            try {
                wanted.add(JobState.valueOf(state.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(Violation.at("state", "must be one of " + Arrays.toString(JobState.values())
                        + "; got '" + state + "'"));
            }
        }
        Map<String, String> wantedLabels = new LinkedHashMap<>();
        for (String label : labels == null ? List.<String>of() : labels) {
            int colon = label.indexOf(':');
            if (colon < 1) {
                problems.add(Violation.at("label", "must be key:value; got '" + label + "'"));
            } else {
                wantedLabels.put(label.substring(0, colon), label.substring(colon + 1));
            }
        }
        int size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            problems.add(Violation.at("limit", "must be from 1 to " + MAX_PAGE));
        }
        PageCursor after = null;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                after = PageCursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                problems.add(Violation.at("cursor", "not a cursor from a previous page (use nextCursor as given)"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        String nameFilter = name == null || name.isBlank() ? null : name.strip();
        return jobs.list(team, new JobFilter(wanted, wantedLabels, nameFilter, after, size));
    }

    /**
     * A QUEUED job ends CANCELLED at once; a RUNNING one becomes CANCELLING and its worker stops within a batch
     * of noticing. Cancelling a job that is already cancelling or cancelled changes nothing.
     */
    JobRow cancel(UUID id, String team) {
        // each attempt is conditioned on the state we read; a claim racing with us makes us read again
        for (int tries = 0; tries < 5; tries++) {
            JobRow job = get(id, team);
            JobState target = job.state() == JobState.QUEUED ? JobState.CANCELLED : JobState.CANCELLING;
            if (job.state() == JobState.CANCELLING || job.state() == JobState.CANCELLED) {
                return job;
            }
            if (!job.state().canTransitionTo(target)) {
                throw ApiException.conflict("Job " + id + " already ended " + job.state()
                        + "; only QUEUED or RUNNING jobs can be cancelled.");
            }
            boolean done = target == JobState.CANCELLED ? jobs.cancelQueued(id, team) : jobs.requestCancel(id, team);
            if (done) {
                events.stateChanged(id, team, job.state(), target);
                return get(id, team);
            }
        }
        throw ApiException.conflict("Job " + id + " kept changing state; retry the cancel.");
    }

    /** Deletes a job no worker holds, with its metrics; announces it so checkpoint bytes can go too. */
    void delete(UUID id, String team) {
        JobRow job = get(id, team);
        if (job.state().isLeased() || !jobs.deleteUnleased(id, team)) {
            JobRow now = get(id, team);
            if (!now.state().isLeased()) {
                List<UUID> continuations = jobs.activeContinuations(id);
                if (!continuations.isEmpty()) {
                    throw ApiException.conflict("Job " + id + " cannot be deleted yet: job " + continuations.get(0)
                            + " continues from its checkpoint and has not ended. Delete it once that job has ended "
                            + "(or cancel that job first).");
                }
            }
            throw ApiException.conflict("Job " + id + " is " + now.state() + "; cancel it first (POST /api/v1/jobs/"
                    + id + "/cancel) and delete it once it has ended.");
        }
        events.deleted(id, team);
    }

    List<EpochMetrics> metrics(UUID id, String team) {
        get(id, team);
        return jobs.metrics(id, -1);
    }

    JobResource resource(JobRow job) {
        Objects.requireNonNull(job);
        JobLinks.ModelRef model = job.state() == JobState.SUCCEEDED ? links.modelOf(job.team(), job.id()).orElse(null)
                : null;
        return JobResource.of(job, model, json);
    }

    /**
     * A new job that trains {@code epochs} more epochs from a checkpoint of a finished, failed or cancelled job,
     * with its optimizer state; it registers a new version of the same model when it succeeds.
     */
    JobRow continueFrom(UUID id, String team, ContinueJobRequest request) {
        JobRow source = get(id, team);
        if (!source.state().isTerminal()) {
            throw ApiException.conflict("Job " + id + " is " + source.state() + "; only a finished, failed or cancelled "
                    + "job can be continued (cancel it first).");
        }
        int maxEpochs = specs.maxEpochs();
        if (request.epochs() == null || request.epochs() < 1 || request.epochs() > maxEpochs) {
            throw ApiException.invalid("/epochs", "required: how many more epochs to train, from 1 to " + maxEpochs);
        }
        JobLinks.CheckpointRef checkpoint = links.checkpointOf(id, request.checkpointId()).orElseThrow(() ->
                request.checkpointId() != null
                        ? ApiException.invalid("/checkpointId", "job " + id + " has no checkpoint with this id; list "
                                + "them with GET /api/v1/jobs/" + id + "/checkpoints")
                        : ApiException.conflict("Job " + id + " has no checkpoint to continue from; submit a new job "
                                + "instead."));
        if (checkpoint.epoch() + request.epochs() > maxEpochs) {
            throw ApiException.invalid("/epochs", "at most " + (maxEpochs - checkpoint.epoch()) + ": the checkpoint is "
                    + "at epoch " + checkpoint.epoch() + " and a job trains at most " + maxEpochs + " epochs in all "
                    + "(trainyard.spec.max-epochs)");
        }
        int totalEpochs = checkpoint.epoch() + request.epochs();
        tools.jackson.databind.node.ObjectNode spec = (tools.jackson.databind.node.ObjectNode) json.readTree(source.spec());
        spec.withObjectProperty("training").put("epochs", totalEpochs);
        NewJob job = new NewJob(UUID.randomUUID(), team, source.name(), source.datasetId(),
                json.writeValueAsString(spec), source.labels(), null, source.priority(), properties.maxAttempts(),
                totalEpochs, id, checkpoint.id());
        return jobs.create(job, () -> {
            if (!jobs.lock(id)) {
                throw ApiException.conflict("Job " + id + " was deleted while this continuation was being created.");
            }
            holdDatasets(team, source.datasetId(), spec, (role, dataset) -> ApiException.conflict("Dataset " + dataset
                    + ", which job " + id + (role.equals("training") ? " trained" : " validated") + " on, has been "
                    + "deleted; continuing needs it. Upload the data again, or submit a new job with other data."));
        });
    }
}
