package io.trainyard.datasets;

import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainyard.storage.ObjectStore;
import io.trainyard.support.Http;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Upload, list, get and delete over HTTP, the way curl would, against real PostgreSQL and object store. */
@DatasetsIntegrationTest
class DatasetApiTest {

    @LocalServerPort
    int port;
    @Autowired
    ObjectStore store;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DatasetLoader loader;
    @Autowired
    DatasetCatalog catalog;
    @Autowired
    DatasetCache cache;

    private Http http() {
        return new Http(port);
    }

    private Http.Response upload(Multipart form) {
        return http().send(form.post(http().uri("/api/v1/datasets")));
    }

    @Test
    void uploadsACsvAndAnswersTheDatasetResource() throws Exception {
        String csv = TestData.sklearnCsv("iris.csv", "species", true);
        Http.Response created = upload(new Multipart().file("file", "iris.csv", csv).field("label", "species"));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/datasets/" + id);
        assertThat(body.get("name").asString()).as("the file name without extension").isEqualTo("iris");
        assertThat(body.get("format").asString()).isEqualTo("csv");
        assertThat(body.get("exampleCount").asLong()).isEqualTo(150);
        assertThat(body.at("/inputShape/kind").asString()).isEqualTo("features");
        assertThat(body.at("/inputShape/shape/0").asInt()).isEqualTo(4);
        assertThat(body.at("/inputShape/featureNames/3").asString()).isEqualTo("f3");
        assertThat(body.at("/taskHints/labelColumn").asString()).isEqualTo("species");
        assertThat(body.at("/taskHints/classes/2/name").asString()).isEqualTo("virginica");
        assertThat(body.at("/taskHints/classes/2/count").asLong()).isEqualTo(50);
        byte[] bytes = csv.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(body.get("sizeBytes").asLong()).isEqualTo(bytes.length);
        assertThat(body.get("sha256").asString()).isEqualTo(sha256(bytes));
        assertThat(OffsetDateTime.parse(body.get("createdAt").asString())).isBefore(OffsetDateTime.now().plusMinutes(1));

        Http.Response fetched = http().get("/api/v1/datasets/" + id);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(body);
        assertThat(store.list("datasets/" + id + "/")).extracting(o -> o.key())
                .containsExactly("datasets/" + id + "/data.bin", "datasets/" + id + "/original/file/iris.csv");
    }

    @Test
    void uploadsFashionMnistIdxAndLoadsItForTraining() throws Exception {
        Path images = TestData.fashion("t10k-images-idx3-ubyte.gz");
        Http.Response created = upload(new Multipart().field("name", "fashion-test")
                .file("images", images).file("labels", TestData.fashion("t10k-labels-idx1-ubyte.gz")));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("format").asString()).isEqualTo("idx");
        assertThat(body.get("exampleCount").asLong()).isEqualTo(10_000);
        assertThat(body.at("/inputShape/kind").asString()).isEqualTo("image");
        assertThat(body.at("/inputShape/shape").toString()).isEqualTo("[1,28,28]");
        assertThat(body.at("/taskHints/classes").size()).isEqualTo(10);
        assertThat(body.at("/taskHints/classes/9/count").asLong()).isEqualTo(1000);
        assertThat(body.get("sha256").asString()).isEqualTo(sha256(Files.readAllBytes(images)));
        assertThat(body.at("/files/1/field").asString()).isEqualTo("labels");

        UUID id = UUID.fromString(body.get("id").asString());
        DatasetInfo info = catalog.find("default", id).orElseThrow();
        LoadedDataset data = loader.load("default", id);
        assertThat(data.count()).isEqualTo(10_000);
        assertThat(data.exampleShape()).containsExactly(1, 28, 28);
        assertThat(data.labels()).startsWith(9, 2, 1, 1, 6, 1, 4, 6, 5, 7);
        assertThat(data.features()).hasSize(10_000 * 784);
        Path cached = cache.dir().resolve(info.dataSha256() + ".bin");
        assertThat(cached).as("the upload warms the local cache").exists();

        // A lost cache file is fetched again from the object store and checked against its checksum.
        Files.delete(cached);
        assertThat(loader.load(info).labels()).startsWith(9, 2, 1);
        assertThat(cached).exists();

        // Bytes that do not match the recorded checksum are refused.
        Files.delete(cached);
        store.put(info.dataKey(), new ByteArrayInputStream(new byte[(int) info.dataSizeBytes()]));
        assertThatThrownBy(() -> loader.load(info)).isInstanceOf(IOException.class)
                .hasMessageContaining("is damaged").hasMessageContaining("refusing to use it");
    }

    @Test
    void uploadsPaddedSequencesAndSeparateNpyLabels() throws Exception {
        byte[] npz = NpyWriter.npz(Map.of(
                "x", NpyWriter.npy("<f4", new int[] {2, 3, 2}, NpyWriter.range(12)),
                "y", NpyWriter.npy("<f8", new int[] {2}, new double[] {0.25, 0.75}),
                "mask", NpyWriter.npy("|b1", new int[] {2, 3}, new double[] {1, 1, 1, 1, 0, 0})), true);
        Http.Response sequences = upload(new Multipart().file("file", "walks.npz", npz));
        assertThat(sequences.status()).as(sequences.body()).isEqualTo(201);
        assertThat(sequences.json().at("/inputShape/kind").asString()).isEqualTo("sequence");
        assertThat(sequences.json().at("/taskHints/target/mean").asDouble()).isEqualTo(0.5);
        LoadedDataset loaded = loader.load("default", UUID.fromString(sequences.json().get("id").asString()));
        assertThat(loaded.mask()).containsExactly(1, 1, 1, 1, 0, 0);
        assertThat(loaded.targets()).containsExactly(0.25f, 0.75f);

        Http.Response npy = upload(new Multipart().field("format", "npy").field("layout", "image")
                .file("file", "x.bin", NpyWriter.npy("|u1", new int[] {2, 2, 2}, NpyWriter.range(8)))
                .file("labels", "y.bin", NpyWriter.npyText(new int[] {2}, 3, "dog", "cat")));
        assertThat(npy.status()).as(npy.body()).isEqualTo(201);
        assertThat(npy.json().at("/inputShape/shape").toString()).isEqualTo("[1,2,2]");
        assertThat(npy.json().at("/taskHints/classes/0/name").asString()).isEqualTo("cat");
    }

    @Test
    void uploadsAGzippedCsvWithNumericClasses() throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(TestData.sklearnCsv("wine_data.csv", "class", false).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        Http.Response created = upload(new Multipart().field("label", "class").file("file", "wine.csv.gz",
                gz.toByteArray()));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("name").asString()).isEqualTo("wine");
        assertThat(body.get("exampleCount").asLong()).isEqualTo(178);
        assertThat(body.at("/inputShape/shape/0").asInt()).isEqualTo(13);
        assertThat(body.at("/taskHints/classes").findValues("count")).extracting(JsonNode::asLong)
                .containsExactly(59L, 71L, 48L);
        assertThat(body.at("/taskHints/target/mean").isNumber()).as("integer labels also allow regression").isTrue();
        assertThat(body.get("sha256").asString()).isEqualTo(sha256(gz.toByteArray()));
    }

    @Test
    void listsNewestFirstInPages() {
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = upload(new Multipart().field("name", "page-" + i).field("label", "y")
                    .file("file", "p.csv", "a,y\n1,0\n2,1\n")).json().get("id").asString();
        }
        JsonNode first = http().get("/api/v1/datasets?limit=2").json();
        assertThat(first.get("items").size()).isEqualTo(2);
        assertThat(first.at("/items/0/id").asString()).isEqualTo(ids[2]);
        assertThat(first.at("/items/1/id").asString()).isEqualTo(ids[1]);
        JsonNode second = http().get("/api/v1/datasets?limit=2&cursor=" + first.get("nextCursor").asString()).json();
        assertThat(second.at("/items/0/id").asString()).isEqualTo(ids[0]);

        Http.Response badCursor = http().get("/api/v1/datasets?cursor=nonsense");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.json().at("/errors/0/pointer").asString()).isEqualTo("cursor");
        assertThat(http().get("/api/v1/datasets?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aDatasetOfAnotherTeamIsNotFound() {
        jdbc.sql("INSERT INTO teams (id, name) SELECT 'other-team', 'Other' WHERE NOT EXISTS "
                + "(SELECT 1 FROM teams WHERE id = 'other-team')").update();
        UUID theirs = UUID.randomUUID();
        jdbc.sql("INSERT INTO datasets (id, team_id, name, format, example_count, input_shape, size_bytes, sha256, "
                        + "object_key, files, created_at) VALUES (:id, 'other-team', 'theirs', 'csv', 1, "
                        + "'{\"kind\":\"features\",\"shape\":[1]}', 1, :sha, 'k', '[]', :now)")
                .param("id", theirs).param("sha", "0".repeat(64)).param("now", OffsetDateTime.now()).update();

        Http.Response response = http().get("/api/v1/datasets/" + theirs);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(http().send("DELETE", "/api/v1/datasets/" + theirs, null, null).status()).isEqualTo(404);
        assertThat(catalog.find("default", theirs)).isEmpty();
        assertThat(catalog.find("other-team", theirs)).isPresent();
    }

    @Test
    void deletesTheRowAndTheObjects() {
        String id = upload(new Multipart().field("label", "y").file("file", "d.csv", "a,y\n1,0\n")).json()
                .get("id").asString();

        Http.Response deleted = http().send("DELETE", "/api/v1/datasets/" + id, null, null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(http().get("/api/v1/datasets/" + id).status()).isEqualTo(404);
        assertThat(http().send("DELETE", "/api/v1/datasets/" + id, null, null).status()).isEqualTo(404);
        assertThat(rows(id)).isZero();
        assertThat(objects(id)).isZero();
    }

    @Test
    void refusesToDeleteWhileAJobNeedsTheDataAndTombstonesWhenFinishedJobsReferenceIt() throws IOException {
        String id = upload(new Multipart().field("label", "y").file("file", "d.csv", "a,y\n1,0\n")).json()
                .get("id").asString();
        UUID job = insertJob(id, "RUNNING", "{}");

        Http.Response refused = http().send("DELETE", "/api/v1/datasets/" + id, null, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).contains(job.toString()).contains("queued or running");
        assertThat(objects(id)).isEqualTo(2);

        jdbc.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = :id").param("id", job).update();
        assertThat(http().send("DELETE", "/api/v1/datasets/" + id, null, null).status()).isEqualTo(204);
        assertThat(http().get("/api/v1/datasets/" + id).status()).isEqualTo(404);
        assertThat(objects(id)).isZero();
        assertThat(rows(id)).as("the finished job's foreign key keeps a tombstone").isEqualTo(1);
    }

    @Test
    void refusesToDeleteWhileAJobValidatesOnTheData() {
        String training = upload(new Multipart().field("label", "y").file("file", "t.csv", "a,y\n1,0\n")).json()
                .get("id").asString();
        String validation = upload(new Multipart().field("label", "y").file("file", "v.csv", "a,y\n1,0\n")).json()
                .get("id").asString();
        UUID job = insertJob(training, "QUEUED",
                "{\"training\":{\"validation\":{\"dataset\":\"" + validation + "\"}}}");

        Http.Response refused = http().send("DELETE", "/api/v1/datasets/" + validation, null, null);
        assertThat(refused.status()).as("the job would fail when it starts").isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains(job.toString());

        jdbc.sql("UPDATE jobs SET state = 'CANCELLED' WHERE id = :id").param("id", job).update();
        assertThat(http().send("DELETE", "/api/v1/datasets/" + validation, null, null).status()).isEqualTo(204);
    }

    @Test
    void refusesToDeleteWhileABatchPredictionReadsTheData() {
        String id = upload(new Multipart().field("label", "y").file("file", "d.csv", "a,y\n1,0\n")).json()
                .get("id").asString();
        UUID task = insertBatchPrediction(id, "QUEUED");

        Http.Response refused = http().send("DELETE", "/api/v1/datasets/" + id, null, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains(task.toString()).contains("batch prediction");
        assertThat(objects(id)).isEqualTo(2);

        jdbc.sql("UPDATE batch_predictions SET state = 'FAILED' WHERE id = :id").param("id", task).update();
        assertThat(http().send("DELETE", "/api/v1/datasets/" + id, null, null).status()).isEqualTo(204);
    }

    @Test
    void oneRefusalNamesEveryJobAndBatchPredictionThatStillReadsTheData() {
        String id = upload(new Multipart().field("label", "y").file("file", "d.csv", "a,y\n1,0\n")).json()
                .get("id").asString();
        UUID job = insertJob(id, "QUEUED", "{}");
        UUID task = insertBatchPrediction(id, "RUNNING");

        Http.Response refused = http().send("DELETE", "/api/v1/datasets/" + id, null, null);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains(job.toString()).contains(task.toString());
        assertThat(objects(id)).isEqualTo(2);
    }

    /** A job row over the dataset, as the jobs module stores one, in {@code state}. */
    private UUID insertJob(String datasetId, String state, String spec) {
        UUID job = UUID.randomUUID();
        jdbc.sql("INSERT INTO jobs (id, team_id, name, dataset_id, spec, state, total_epochs, created_at, updated_at) "
                        + "VALUES (:id, 'default', 'j', :dataset, :spec, :state, 1, :now, :now)")
                .param("id", job).param("dataset", UUID.fromString(datasetId)).param("spec", spec)
                .param("state", state).param("now", OffsetDateTime.now()).update();
        return job;
    }

    /** A batch prediction row over the dataset, as the inference module stores one, in {@code state}. */
    private UUID insertBatchPrediction(String datasetId, String state) {
        UUID task = UUID.randomUUID();
        jdbc.sql("INSERT INTO batch_predictions (id, team_id, model_name, model_version, dataset_id, state, examples, "
                        + "created_at) VALUES (:id, 'default', 'm', 1, :dataset, :state, 1, :now)")
                .param("id", task).param("dataset", UUID.fromString(datasetId)).param("state", state)
                .param("now", OffsetDateTime.now()).update();
        return task;
    }

    private long rows(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM datasets WHERE id = :id").param("id", UUID.fromString(id))
                .query(Long.class).single();
    }

    private int objects(String id) {
        try {
            return store.list("datasets/" + id + "/").size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
