package io.trainyard.models;

import io.trainyard.storage.ObjectStore;
import io.trainyard.storage.StoredObject;
import io.trainyard.system.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The model registry: versions with their own copy of the artifact (so deleting a job never breaks serving),
 * and aliases such as {@code production} that move atomically between versions.
 */
@Service
public class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final ModelRepository repository;
    private final ObjectStore objects;
    private final ApplicationEventPublisher events;

    ModelRegistry(ModelRepository repository, ObjectStore objects, ApplicationEventPublisher events) {
        this.repository = repository;
        this.objects = objects;
        this.events = events;
    }

    /** Stores the artifact, then registers it as the model's next version. */
    public ModelVersion register(NewModelVersion version, InputStream artifact) throws IOException {
        if (!NAME.matcher(version.model()).matches()) {
            throw new IllegalArgumentException("Invalid model name '" + version.model() + "'");
        }
        UUID modelId = repository.findOrCreateModel(version.team(), version.model());
        UUID versionId = UUID.randomUUID();
        String key = "models/" + modelId + "/" + versionId + ".zip";
        StoredObject stored = objects.put(key, artifact);
        try {
            int number = repository.insertNextVersion(versionId, modelId, version, key, stored.size(),
                    stored.sha256(), Instant.now());
            events.publishEvent(new ModelVersionRegistered(version.team(), version.model(), number));
            log.info("Registered model {} version {} from job {}", version.model(), number, version.jobId());
            return repository.version(version.team(), version.model(), number).orElseThrow();
        } catch (RuntimeException e) {
            objects.delete(key);
            throw e;
        }
    }

    public List<ModelSummary> list(String team, String afterName, int limit) {
        return repository.list(team, afterName, limit);
    }

    public ModelSummary get(String team, String name) {
        return repository.findModel(team, name).map(repository::summary)
                .orElseThrow(() -> modelNotFound(name));
    }

    public List<ModelVersion> versions(String team, String name) {
        get(team, name);
        return repository.versions(team, name);
    }

    public ModelVersion version(String team, String name, int version) {
        get(team, name);
        return repository.version(team, name, version).orElseThrow(() -> new ApiException(
                org.springframework.http.HttpStatus.NOT_FOUND, "not-found", "Model version not found",
                "Model '" + name + "' has no version " + version + "; list them with GET /api/v1/models/" + name + ".",
                List.of()));
    }

    public ModelVersion latest(String team, String name) {
        ModelSummary model = get(team, name);
        if (model.latestVersion() == 0) {
            throw modelNotFound(name);
        }
        return version(team, name, model.latestVersion());
    }

    public ModelVersion byAlias(String team, String name, String alias) {
        Integer version = get(team, name).aliases().get(alias);
        if (version == null) {
            throw new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "not-found", "Alias not found",
                    "Model '" + name + "' has no alias '" + alias + "'; set one with PUT /api/v1/models/" + name
                            + "/aliases/" + alias + ".", List.of());
        }
        return version(team, name, version);
    }

    public Optional<ModelVersion> versionForJob(String team, UUID jobId) {
        return repository.versionByJob(team, jobId);
    }

    /** Moves (or creates) the alias; the version must exist. */
    public void setAlias(String team, String name, String alias, int version) {
        if (!ALIAS.matcher(alias).matches()) {
            throw ApiException.invalid("alias", "must be lowercase letters, digits and '-', starting with a letter "
                    + "(at most 63 characters); got '" + alias + "'");
        }
        ModelSummary model = get(team, name);
        if (repository.version(team, name, version).isEmpty()) {
            throw ApiException.invalid("/version", "model '" + name + "' has no version " + version
                    + "; its versions are 1 to " + model.latestVersion());
        }
        repository.setAlias(team, model.id(), alias, version);
        events.publishEvent(new ModelAliasMoved(team, name, alias, version));
    }

    public void deleteAlias(String team, String name, String alias) {
        ModelSummary model = get(team, name);
        if (!repository.deleteAlias(model.id(), alias)) {
            throw new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "not-found", "Alias not found",
                    "Model '" + name + "' has no alias '" + alias + "'.", List.of());
        }
        events.publishEvent(new ModelAliasMoved(team, name, alias, null));
    }

    /** The artifact's bytes, checked against the size and SHA-256 recorded at registration. */
    public void copyVerifiedArtifact(ModelVersion version, java.io.OutputStream out) throws IOException {
        objects.copyVerified(version.artifactKey(), version.sizeBytes(), version.sha256(), out);
    }

    public InputStream openArtifact(ModelVersion version) throws IOException {
        return objects.get(version.artifactKey());
    }

    private static ApiException modelNotFound(String name) {
        return new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "not-found", "Model not found",
                "No model named '" + name + "' exists; a model appears when a training job succeeds "
                        + "(list them with GET /api/v1/models).", List.of());
    }
}
