package io.trainyard.inference.bench;

import io.trainyard.TrainyardApplication;
import io.trainyard.datasets.InputShape;
import io.trainyard.datasets.Normalizer;
import io.trainyard.engine.Network;
import io.trainyard.models.ModelArtifact;
import io.trainyard.models.ModelRegistry;
import io.trainyard.models.ModelVersion;
import io.trainyard.models.NewModelVersion;
import io.trainyard.security.CurrentTeam;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers the benchmark's 784-1024-1024-10 MLP (random weights: inference costs the same trained or not) in the
 * database and object store of the current working directory, through {@link ModelRegistry#register} as a finished
 * training job does. The service is not running meanwhile: this starts the application without its web server
 * (workers off), registers, and exits; bench/inference/run.sh then starts the service on the same folder.
 * Not a test and not part of the service: run it with the test classpath (see bench/inference/run.sh).
 */
public final class RegisterBenchModel {

    static final String SPEC = """
            {"input": {"type": "features", "size": 784}, "task": {"type": "classification", "classes": 10},
             "layers": [{"type": "dense", "units": 1024, "activation": "relu"},
                        {"type": "dense", "units": 1024, "activation": "relu"}],
             "optimizer": {"type": "adam", "learningRate": 0.001}, "training": {"batchSize": 64, "seed": 1}}""";

    private RegisterBenchModel() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "bench-mlp";
        JsonMapper json = JsonMapper.builder().build();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TrainyardApplication.class)
                .web(WebApplicationType.NONE).properties("trainyard.jobs.workers=0").run()) {
            Network network = Network.build(json.readValue(SPEC, TrainingSpec.class));
            List<String> classes = IntStream.range(0, 10).mapToObj(String::valueOf).toList();
            ModelArtifact artifact = ModelArtifact.of(new ModelArtifact.Metadata("classification",
                    new InputShape(InputShape.Kind.FEATURES, List.of(784), null), classes,
                    new Normalizer(Normalizer.Kind.SCALE, 1, new float[] {0}, new float[] {255}), json.readTree(SPEC)),
                    network);
            ModelVersion version = context.getBean(ModelRegistry.class).register(new NewModelVersion(
                    CurrentTeam.DEFAULT, name, UUID.randomUUID(), UUID.randomUUID(), Map.of(),
                    Map.of("kind", "features", "shape", List.of(784)), classes),
                    new ByteArrayInputStream(artifact.toBytes()));
            System.out.println("Registered " + name + " version " + version.version() + " (" + version.sizeBytes()
                    + " bytes, " + network.numParams() + " parameters)");
        }
    }
}
