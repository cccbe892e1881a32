package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.engine.Batch;
import io.trainyard.engine.Network;
import io.trainyard.engine.Tensor;
import io.trainyard.spec.SpecLimits;
import io.trainyard.spec.SpecValidator;
import io.trainyard.spec.TrainingSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CheckpointArchiveTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Network trainedMlp() throws Exception {
        TrainingSpec spec;
        try (InputStream in = CheckpointArchiveTest.class.getResourceAsStream("/spec-examples/mlp-classifier.json")) {
            spec = JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), TrainingSpec.class);
        }
        Network network = Network.build(spec, new SpecValidator(SpecLimits.defaults()).validate(spec, ""));
        float[] x = new float[16 * 4];
        float[] y = new float[16 * 3];
        for (int i = 0; i < 16; i++) {
            for (int f = 0; f < 4; f++) {
                x[i * 4 + f] = (i * 7 + f * 3) % 11 / 11f;
            }
            y[i * 3 + i % 3] = 1f;
        }
        Batch batch = new Batch(Tensor.of(x, 16, 4), Tensor.of(y, 16, 3));
        for (int i = 0; i < 3; i++) {
            network.fitBatch(batch);
        }
        return network;
    }

    private static CheckpointState state() {
        return new CheckpointState(4, 12, null, null, List.of(new double[] {1.1, 0.9}), 2500);
    }

    @Test
    void bothEntriesAreStoredWithTheirChecksumsAndReadBack() throws Exception {
        Network network = trainedMlp();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Network.Snapshot snapshot = network.snapshot()) {
            CheckpointArchive.write(out, snapshot, state(), JSON);
        }

        List<String> entries = new ArrayList<>();
        // A stored entry's bytes are checked against its CRC-32 as they are read: a wrong one throws here.
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                byte[] bytes = zip.readAllBytes();
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
                assertThat(e.getSize()).as(e.getName()).isEqualTo(bytes.length);
                entries.add(e.getName());
            }
        }
        assertThat(entries).containsExactly("state.json", "network.bin");

        CheckpointArchive.Restored restored = CheckpointArchive.read(new ByteArrayInputStream(out.toByteArray()), JSON);
        assertThat(restored.networkBytes()).isEqualTo(network.toBytes());
        assertThat(restored.network().parameters()).isEqualTo(network.parameters());
        assertThat(restored.state().epoch()).isEqualTo(4);
        assertThat(restored.state().iteration()).isEqualTo(12);
        assertThat(restored.state().losses()).containsExactly(new double[] {1.1, 0.9});
    }

    /** Past 4 GiB the archive goes through ZipOutputStream (zip64): the same entries, read back the same way. */
    @Test
    void archivesTooLargeForTheStoredZipGoThroughZipOutputStream() throws Exception {
        Network network = trainedMlp();
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        ByteArrayOutputStream viaZipOutputStream = new ByteArrayOutputStream();
        try (Network.Snapshot snapshot = network.snapshot()) {
            CheckpointArchive.write(stored, snapshot, state(), JSON);
            CheckpointArchive.write(viaZipOutputStream, snapshot, state(), JSON, 0);
        }

        CheckpointArchive.Restored restored = CheckpointArchive.read(
                new ByteArrayInputStream(viaZipOutputStream.toByteArray()), JSON);
        assertThat(restored.networkBytes()).isEqualTo(network.toBytes());
        assertThat(restored.state().epoch()).isEqualTo(4);
        // Same entries, sizes and CRC-32s, whichever writer: only the entries' times may differ.
        assertThat(viaZipOutputStream.size()).isEqualTo(stored.size());
    }

    /** Checkpoints written before the entries were stored (deflated at level 0) still restore. */
    @Test
    void readsTheDeflatedArchivesOfEarlierVersions() throws Exception {
        Network network = trainedMlp();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry("state.json"));
            zip.write(JSON.writeValueAsBytes(state()));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("network.bin"));
            network.save(zip);
            zip.closeEntry();
        }

        CheckpointArchive.Restored restored = CheckpointArchive.read(new ByteArrayInputStream(out.toByteArray()), JSON);

        assertThat(restored.network().parameters()).isEqualTo(network.parameters());
        assertThat(restored.state().epoch()).isEqualTo(4);
    }
}
