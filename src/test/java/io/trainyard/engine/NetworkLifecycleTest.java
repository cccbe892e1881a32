package io.trainyard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.spec.NetworkPlan;
import io.trainyard.spec.TrainingSpec;
import io.trainyard.system.ApiException;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

class NetworkLifecycleTest {

    @Test
    void sameSpecAndSeedGiveSameInitialParameters() {
        TrainingSpec spec = Specs.parse(Specs.example("cnn-image-classifier"));
        assertThat(Network.build(spec).parameters()).isEqualTo(Network.build(spec).parameters());
        TrainingSpec other = Specs.parse(Specs.example("cnn-image-classifier").replace("\"seed\": 1", "\"seed\": 2"));
        assertThat(Network.build(other).parameters()).isNotEqualTo(Network.build(spec).parameters());
    }

    /**
     * The MLP has the engine's lean dense layers (EngineNetwork replaces them again after loading); the autoencoder
     * trains with plain Adam, whose update runs through LeanSolver's single pass on the restored moments.
     */
    @ParameterizedTest
    @ValueSource(strings = {"lstm-sequence-classifier", "mlp-classifier", "dense-autoencoder"})
    void saveThenLoadGivesIdenticalOutputsAndContinuedTraining(String example) throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example(example));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 16, 4);
        for (int i = 0; i < 5; i++) {
            net.fitBatch(batch);
        }
        net.setEpochCount(3);
        Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));

        assertThat(loaded.output(batch.features())).isEqualTo(net.output(batch.features()));
        assertThat(loaded.epochCount()).isEqualTo(3);
        assertThat(loaded.iterationCount()).isEqualTo(net.iterationCount()).isEqualTo(5);
        // Same updater state (RMSProp's running averages, Adam's moments) → the same next steps.
        for (int i = 0; i < 3; i++) {
            Nd4j.getRandom().setSeed(99 + i);
            double a = net.fitBatch(batch);
            Nd4j.getRandom().setSeed(99 + i);
            double b = loaded.fitBatch(batch);
            assertThat(b).isEqualTo(a);
        }
        assertThat(loaded.parameters()).isEqualTo(net.parameters());
        assertThat(((EngineNetwork) loaded.dl4j()).fusedSteps()).as("steps through the fused update after loading")
                .isEqualTo(example.equals("dense-autoencoder") ? 3 : 0);
    }

    @Test
    void aSnapshotSavesTheNetworkAsItWasWhileTrainingGoesOn() throws Exception {
        Trained mlp = mlpAfterOneStep();
        Network net = mlp.net();
        net.setEpochCount(1);
        byte[] atSnapshot = net.toBytes();

        try (Network.Snapshot snapshot = net.snapshot()) {
            net.fitBatch(mlp.batch());
            net.setEpochCount(2);
            byte[] saved = saved(snapshot);

            assertThat(saved).isEqualTo(atSnapshot).isNotEqualTo(net.toBytes());
            Network restored = Network.load(new ByteArrayInputStream(saved));
            assertThat(restored.epochCount()).isEqualTo(1);
            assertThat(restored.iterationCount()).isEqualTo(1);
        }
    }

    /** A closed snapshot's copies are reused by the next one; one still open keeps its own. */
    @Test
    void eachSnapshotSavesItsOwnMomentWhetherItsCopiesAreReusedOrNot() throws Exception {
        Trained mlp = mlpAfterOneStep();
        Network net = mlp.net();
        Batch batch = mlp.batch();

        Network.Snapshot first = net.snapshot();
        byte[] atFirst = net.toBytes();
        net.fitBatch(batch);
        Network.Snapshot second = net.snapshot(); // the first is still open: fresh copies
        byte[] atSecond = net.toBytes();
        net.fitBatch(batch);
        assertThat(saved(first)).isEqualTo(atFirst);
        assertThat(saved(second)).isEqualTo(atSecond).isNotEqualTo(atFirst);

        first.close();
        second.close(); // a spare set of copies is kept already: these are freed
        for (int i = 0; i < 3; i++) {
            net.fitBatch(batch);
            byte[] now = net.toBytes();
            try (Network.Snapshot reused = net.snapshot()) {
                net.fitBatch(batch);
                assertThat(saved(reused)).as("snapshot %d", i).isEqualTo(now).isNotEqualTo(net.toBytes());
            }
        }
        assertThatThrownBy(() -> saved(first)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    /** The checkpoint archive's stored entry is declared with this size and CRC-32 before the bytes follow. */
    @Test
    void aSnapshotsChecksumIsThatOfTheBytesItSaves() throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier"));
        Network fresh = Network.build(spec, Specs.plan(spec));
        try (Network.Snapshot noOptimizerStateYet = fresh.snapshot()) {
            assertChecksumOfSaved(noOptimizerStateYet);
        }
        Trained mlp = mlpAfterOneStep();
        Network.Snapshot snapshot = mlp.net().snapshot();
        mlp.net().fitBatch(mlp.batch()); // training goes on: the checksum is still the snapshot's
        assertChecksumOfSaved(snapshot);
        snapshot.close();
        assertThatThrownBy(snapshot::checksum).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private static void assertChecksumOfSaved(Network.Snapshot snapshot) throws java.io.IOException {
        byte[] saved = saved(snapshot);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(saved);
        assertThat(snapshot.checksum()).isEqualTo(new Network.Checksum(saved.length, crc.getValue()));
    }

    /** What the service runs once at startup (training's EngineWarmUp); it must not fail on DL4J's API. */
    @Test
    void warmingUpRoundTripsAConfigurationThroughJson() {
        Network.warmUp();
        Network.warmUp();
    }

    private record Trained(Network net, Batch batch) {
    }

    private static Trained mlpAfterOneStep() {
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier"));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 16, 4);
        net.fitBatch(batch);
        return new Trained(net, batch);
    }

    private static byte[] saved(Network.Snapshot snapshot) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        snapshot.save(out);
        return out.toByteArray();
    }

    @Test
    void checkpointsWrittenWithNd4jArraysStillLoad() throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier"));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        net.fitBatch(Synthetic.batch(spec, plan, 16, 4));

        Network loaded = Network.load(new ByteArrayInputStream(asFormat2(net.toBytes())));

        assertThat(loaded.parameters()).isEqualTo(net.parameters());
        assertThat(loaded.toBytes()).as("re-saved in the current format").isEqualTo(net.toBytes());
    }

    /** Rewrites the current format (3: native array bytes) as format 2, whose arrays Nd4j.write wrote. */
    private static byte[] asFormat2(byte[] current) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new ByteArrayInputStream(current));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeUTF(in.readUTF());
        assertThat(in.readInt()).isEqualTo(3);
        out.writeInt(2);
        out.writeUTF(in.readUTF());
        byte[] conf = new byte[in.readInt()];
        in.readFully(conf);
        out.writeInt(conf.length);
        out.write(conf);
        Nd4j.write(RawArrays.read(in), out);
        boolean state = in.readBoolean();
        out.writeBoolean(state);
        if (state) {
            Nd4j.write(RawArrays.read(in), out);
        }
        out.flush();
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("io.trainyard.spec.SpecExamples#names")
    void everyNetworkFamilySurvivesSaveAndLoad(String example) throws Exception {
        TrainingSpec spec = Specs.parse(Specs.example(example));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 8, 2);
        net.fitBatch(batch);
        net.fitBatch(batch);

        Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));

        assertThat(loaded.parameters()).isEqualTo(net.parameters());
        assertThat(loaded.iterationCount()).isEqualTo(net.iterationCount());
        assertThat(loaded.toBytes()).as("saving again writes the same bytes").isEqualTo(net.toBytes());
    }

    @Test
    void updaterStateMattersForContinuedTraining() throws Exception {
        // Guards the test above: a fresh updater (not restored) would take different steps.
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier").replace("\"rate\": 0.1", "\"rate\": 0.5")
                .replace("\"dropout\": 0.1", "\"l1\": 0.0"));
        NetworkPlan plan = Specs.plan(spec);
        Network net = Network.build(spec, plan);
        Batch batch = Synthetic.batch(spec, plan, 16, 4);
        for (int i = 0; i < 5; i++) {
            Nd4j.getRandom().setSeed(i);
            net.fitBatch(batch);
        }
        Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));
        Network fresh = Network.build(spec, plan);
        fresh.dl4j().setParams(net.dl4j().params().dup());
        Nd4j.getRandom().setSeed(7);
        net.fitBatch(batch);
        Nd4j.getRandom().setSeed(7);
        loaded.fitBatch(batch);
        Nd4j.getRandom().setSeed(7);
        fresh.fitBatch(batch);
        assertThat(loaded.parameters()).isEqualTo(net.parameters());
        assertThat(fresh.parameters()).isNotEqualTo(net.parameters());
    }

    @Test
    void autoencodersEncodeFromTheNamedBottleneck() throws Exception {
        TrainingSpec dense = Specs.parse(Specs.example("dense-autoencoder"));
        Network net = Network.build(dense);
        Batch batch = Synthetic.batch(dense, Specs.plan(dense), 5, 1);
        assertThat(net.encode(batch.features()).shape()).containsExactly(5, 3);
        assertThat(net.output(batch.features()).shape()).containsExactly(5, 12);
        Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));
        assertThat(loaded.encode(batch.features())).isEqualTo(net.encode(batch.features()));

        TrainingSpec vae = Specs.parse(Specs.example("variational-autoencoder"));
        Network v = Network.build(vae);
        Batch vb = Synthetic.batch(vae, Specs.plan(vae), 4, 1);
        assertThat(v.encode(vb.features()).shape()).containsExactly(4, 2);
        assertThat(v.output(vb.features()).shape()).containsExactly(4, 10);
    }

    @Test
    void everyScheduleSurvivesSaveAndLoad() throws Exception {
        // DL4J's RampSchedule cannot be read back; warm-up uses our own WarmupSchedule. Cosine is ours too.
        for (String schedule : new String[] {"{\"type\":\"cosine\",\"period\":10,\"warmup\":3}",
                "{\"type\":\"cycle\",\"maxLearningRate\":0.1,\"cycleLength\":10}", "{\"type\":\"poly\",\"power\":2,\"maxIterations\":9}",
                "{\"type\":\"inverse\",\"gamma\":0.1,\"power\":1}", "{\"type\":\"step\",\"gamma\":0.5,\"step\":2}"}) {
            TrainingSpec spec = Specs.parse("{\"input\":{\"type\":\"features\",\"size\":3},\"task\":{\"type\":\"regression\","
                    + "\"outputs\":1},\"layers\":[{\"type\":\"dense\",\"units\":2}],\"optimizer\":{\"type\":\"sgd\","
                    + "\"learningRate\":0.01,\"schedule\":" + schedule + "}}");
            Network net = Network.build(spec);
            Batch batch = Synthetic.batch(spec, Specs.plan(spec), 4, 1);
            net.fitBatch(batch);
            Network loaded = Network.load(new ByteArrayInputStream(net.toBytes()));
            assertThat(loaded.fitBatch(batch)).as(schedule).isEqualTo(net.fitBatch(batch));
            assertThat(loaded.parameters()).as(schedule).isEqualTo(net.parameters());
        }
    }

    @Test
    void encodeIsOnlyForAutoencoders() {
        TrainingSpec spec = Specs.parse(Specs.example("mlp-classifier"));
        Network net = Network.build(spec);
        assertThatThrownBy(() -> net.encode(Tensor.of(new float[4], 1, 4))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void buildingAnInvalidSpecFailsWithTheViolations() {
        TrainingSpec spec = Specs.parse("{\"input\":{\"type\":\"features\",\"size\":4},\"layers\":[]}");
        assertThatThrownBy(() -> Network.build(spec)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).violations()).extracting("pointer").contains("/layers", "/task"));
    }

    @Test
    void perTimeStepOutputsComeBackBatchTimeFeatures() {
        TrainingSpec spec = Specs.parse("{\"input\":{\"type\":\"sequence\",\"features\":2,\"length\":4},"
                + "\"task\":{\"type\":\"regression\",\"outputs\":3,\"per\":\"time_step\"},\"layers\":[{\"type\":\"lstm\",\"units\":5}]}");
        Network net = Network.build(spec);
        assertThat(net.output(Tensor.of(new float[2 * 4 * 2], 2, 4, 2)).shape()).containsExactly(2, 4, 3);
    }
}
