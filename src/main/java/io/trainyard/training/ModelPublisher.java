package io.trainyard.training;

import io.trainyard.checkpoints.CheckpointInfo;
import io.trainyard.checkpoints.CheckpointStore;
import io.trainyard.checkpoints.RetentionPolicy;
import io.trainyard.checkpoints.VerifiedCheckpoint;
import io.trainyard.engine.Network;
import io.trainyard.jobs.ClaimedJob;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.NewModelVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers a finished job's model: the best checkpoint by the monitored metric (or the last), under the job's name.
 * A retried attempt that finds its version already registered registers nothing again.
 */
@Component
class ModelPublisher {

    private final ModelRegistry registry;
    private final CheckpointStore checkpoints;
    private final JsonMapper json;

    ModelPublisher(ModelRegistry registry, CheckpointStore checkpoints, JsonMapper json) {
        this.registry = registry;
        this.checkpoints = checkpoints;
        this.json = json;
    }

    void publish(ClaimedJob job, ModelArtifact.Metadata metadata, EarlyStopping early, CheckpointInfo last,
            Network current) throws IOException {
        if (registry.versionForJob(job.team(), job.id()).isPresent()) {
            return;
        }
        Optional<CheckpointInfo> best = checkpoints.best(job.id(), early.metric(),
                early.maximise() ? RetentionPolicy.Mode.max : RetentionPolicy.Mode.min);
        CheckpointInfo source = last;
        byte[] network = null;
        if (best.isPresent() && (last == null || !best.get().id().equals(last.id()))) {
            Optional<VerifiedCheckpoint> verified = checkpoints.loadVerified(job.id(), best.get().id());
            if (verified.isPresent()) {
                try (VerifiedCheckpoint v = verified.get(); InputStream in = Files.newInputStream(v.file())) {
                    network = CheckpointArchive.read(in, json).networkBytes();
                    source = v.info();
                }
            }
        }
        if (network == null) {
            network = current.toBytes();
        }
        Map<String, Object> shape = json.convertValue(metadata.inputShape(), new TypeReference<Map<String, Object>>() {
        });
        registry.register(new NewModelVersion(job.team(), modelName(job.name()), job.id(),
                        source == null ? null : source.id(), source == null ? Map.of() : source.metrics(), shape,
                        metadata.classNames()),
                new ByteArrayInputStream(new ModelArtifact(metadata, network).toBytes()));
    }

    /** Model names allow letters, digits and . _ -; anything else in the job name becomes '-'. */
    static String modelName(String jobName) {
        String name = jobName.strip().replaceAll("[^A-Za-z0-9._-]+", "-");
        if (name.isEmpty() || !Character.isLetterOrDigit(name.charAt(0))) {
            name = "model-" + name;
        }
        return name.length() > 100 ? name.substring(0, 100) : name;
    }
}
