package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every documented example builds, matches its plan, and learns. */
class ExampleTrainingTest {

    @ParameterizedTest
    @ValueSource(strings = {"mlp-classifier", "cnn-image-classifier", "lstm-sequence-classifier",
            "attention-sequence-model", "dense-autoencoder", "variational-autoencoder"})
    void exampleBuildsAndLossFalls(String name) {
        TrainingSpec spec = Specs.parse(Specs.example(name));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        assertThat(net.numParams()).isEqualTo(plan.totalParameters());
        Batch batch = Synthetic.batch(spec, plan, 32, 1);
        double before = net.score(batch);
        for (int i = 0; i < 40; i++) {
            net.fitBatch(batch);
        }
        double after = net.score(batch);
        System.out.printf("%s: %d params, loss %.4f -> %.4f%n", name, plan.totalParameters(), before, after);
        assertThat(after).isLessThan(0.9 * before);
    }
}
