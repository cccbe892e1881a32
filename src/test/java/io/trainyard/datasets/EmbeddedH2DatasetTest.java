package io.trainyard.datasets;

import io.trainyard.support.Multipart;
import io.trainyard.support.NpyWriter;
import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.support.Http;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded default (`java -jar` without configuration) runs the same migrations and SQL on H2 in PostgreSQL
 * mode: upload, page, get and delete (with the tombstone path) must work there too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:datasets;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
    "trainyard.storage.filesystem.root=target/test-h2-objects",
    "trainyard.datasets.cache-dir=target/test-h2-cache"
})
class EmbeddedH2DatasetTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void theWholeLifecycleWorksOnH2() {
        Http http = new Http(port);
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            Http.Response created = http.send(new Multipart().field("label", "species").field("name", "iris-" + i)
                    .file("file", "iris.csv", TestData.sklearnCsv("iris.csv", "species", true))
                    .post(http.uri("/api/v1/datasets")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            ids[i] = created.json().get("id").asString();
        }
        Http.Response page = http.get("/api/v1/datasets?limit=2");
        assertThat(page.json().at("/items/0/id").asString()).isEqualTo(ids[2]);
        Http.Response next = http.get("/api/v1/datasets?limit=2&cursor=" + page.json().get("nextCursor").asString());
        assertThat(next.json().at("/items/0/id").asString()).isEqualTo(ids[0]);
        assertThat(next.json().get("nextCursor").isNull()).isTrue();
        assertThat(http.get("/api/v1/datasets/" + ids[1]).json().at("/taskHints/classes/1/count").asLong())
                .isEqualTo(50);

        jdbc.sql("INSERT INTO jobs (id, team_id, name, dataset_id, spec, state, total_epochs, created_at, updated_at) "
                        + "VALUES (:id, 'default', 'j', :dataset, '{}', 'QUEUED', 1, :now, :now)")
                .param("id", UUID.randomUUID()).param("dataset", UUID.fromString(ids[0]))
                .param("now", OffsetDateTime.now()).update();
        assertThat(http.send("DELETE", "/api/v1/datasets/" + ids[0], null, null).status()).isEqualTo(409);
        jdbc.sql("UPDATE jobs SET state = 'FAILED'").update();
        assertThat(http.send("DELETE", "/api/v1/datasets/" + ids[0], null, null).status()).isEqualTo(204);
        assertThat(http.send("DELETE", "/api/v1/datasets/" + ids[1], null, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/datasets").json().get("items").size()).isEqualTo(1);

        // The upload form is documented for Swagger UI although the controller reads the request itself.
        Http.Response docs = http.get("/v3/api-docs");
        assertThat(docs.json().at("/components/schemas/DatasetUpload/properties/images/format").asString())
                .isEqualTo("binary");
        assertThat(docs.json().at("/paths/~1api~1v1~1datasets/post/requestBody/content").propertyNames())
                .containsExactly("multipart/form-data");
    }
}
