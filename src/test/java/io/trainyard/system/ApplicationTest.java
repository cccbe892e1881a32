package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.support.Http;
import io.trainyard.support.Multipart;
import io.trainyard.support.PostgresIntegrationTest;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The whole service on PostgreSQL: operations endpoints, schema and the error shape at the HTTP edge. */
@PostgresIntegrationTest
class ApplicationTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void readinessCoversTheDatabaseAndTheObjectStore() {
        Http.Response r = http.get("/actuator/health/readiness");

        assertThat(r.status()).isEqualTo(200);
        JsonNode components = r.json().get("components");
        assertThat(r.json().get("status").asString()).isEqualTo("UP");
        assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("PostgreSQL");
        assertThat(components.get("objectStore").get("status").asString()).isEqualTo("UP");
        assertThat(http.get("/actuator/health/liveness").json().get("status").asString()).isEqualTo("UP");
    }

    @Test
    void infoShowsTheNativeRuntime() {
        JsonNode nativeInfo = http.get("/actuator/info").json().get("native");

        assertThat(nativeInfo.get("backend").asString()).isEqualTo("CpuBackend");
        assertThat(nativeInfo.get("blasVendor").asString()).isEqualTo("OPENBLAS");
        assertThat(nativeInfo.get("blasCoreType").asString()).isNotBlank();
        assertThat(nativeInfo.get("sgemmGflops").asDouble()).isPositive();
        assertThat(nativeInfo.get("blasThreads").asInt()).isPositive();
        // the fast configuration is the default: libnd4j with oneDNN, and DL4J's layer helpers using it
        assertThat(nativeInfo.get("nativeBuild").asString()).isEqualTo("linux-x86_64-onednn");
        assertThat(nativeInfo.get("onednn").asBoolean()).isTrue();
        assertThat(nativeInfo.get("layerHelpers").asBoolean()).isTrue();
        // and oneDNN's own library for the engine's convolutions (engine/DnnlConvolution)
        assertThat(nativeInfo.get("engineOnednn").asBoolean()).isTrue();
        // the instruction set that decides the AVX-512-only paths (the served products, the first convolution)
        assertThat(nativeInfo.get("engineOnednnIsa").asString()).isNotEqualTo("none").matches("[a-z0-9_]+");
    }

    @Test
    void theErrorPathAskedForDirectlyIsNotFoundNotAnError() {
        for (String method : new String[] {"GET", "PUT"}) {
            Http.Response r = http.send(method, "/error", null, null);
            assertThat(r.status()).as(method).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void whatTomcatRefusesBeforeAnyServletIsAProblemToo() throws Exception {
        // java.net.URI will not send these paths, so the request is written by hand.
        for (String path : new String[] {"/api/v1/datasets/%00", "/api/v1/datasets/a%2Fb"}) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close"
                        + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).as(path).startsWith("HTTP/1.1 400")
                        .containsIgnoringCase("Content-Type: application/problem+json")
                        .contains("\"type\":\"urn:trainyard:problem:invalid-request\"").contains("\"status\":400")
                        .contains("\"pointer\":\"\"");
            }
        }
    }

    @Test
    void prometheusMetricsAreExposed() {
        Http.Response r = http.get("/actuator/prometheus");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes").contains("http_server_requests");
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        Http.Response docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("openapi").asString()).startsWith("3.");

        Http.Response ui = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/swagger-ui/index.html")).GET());
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
    }

    @Test
    void flywayCreatedEveryModulesTablesAndEachRowNamesItsTeam() {
        List<String> tables = jdbc.queryForList("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()""", String.class);
        List<String> owned = List.of("datasets", "jobs", "job_metrics", "checkpoints", "models", "model_versions",
                "model_aliases");
        assertThat(tables).contains("teams").containsAll(owned);
        for (String table : owned) {
            Integer teamColumns = jdbc.queryForObject("""
                    SELECT count(*) FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'team_id'
                      AND is_nullable = 'NO'""", Integer.class, table);
            assertThat(teamColumns).as("%s.team_id NOT NULL", table).isEqualTo(1);
        }
        assertThat(jdbc.queryForObject("SELECT name FROM teams WHERE id = 'default'", String.class)).isNotBlank();
    }

    @Test
    void unknownRoutesAnswerProblemJson() {
        Http.Response r = http.get("/api/v1/unicorns");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).isEqualTo("urn:trainyard:problem:not-found");
    }

    @Test
    void oversizedJsonBodiesAreRefusedBeforeTheyAreRead() {
        String big = "{\"x\":\"" + "a".repeat(9 * 1024 * 1024) + "\"}";

        Http.Response r = http.postJson("/api/v1/anything", big);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("detail").asString()).contains("trainyard.web.max-json-body");
    }

    @Test
    void integerPathVariablesAndQueryParametersAreDecimalDigitsOnly() {
        // Spring's own parse read each of these as version 4 or 1 (a 404 for a model that does not exist)
        for (String version : List.of("0x4", "%234", "+1", "%201", "%EF%BC%94")) {
            for (Http.Response r : List.of(http.get("/api/v1/models/no-such-model/versions/" + version),
                    http.postJson("/api/v1/models/no-such-model/versions/" + version + "/predict",
                            "{\"instances\":[[1,2]]}"))) {
                assertThat(r.status()).as(version + ": " + r.body()).isEqualTo(400);
                assertThat(r.json().at("/errors/0/pointer").asString()).isEqualTo("version");
                assertThat(r.json().get("detail").asString()).isEqualTo("Parameter 'version' must be an integer.");
            }
        }
        Http.Response limit = http.get("/api/v1/models?limit=0x2");
        assertThat(limit.status()).as(limit.body()).isEqualTo(400);
        assertThat(limit.json().at("/errors/0/pointer").asString()).isEqualTo("limit");
        assertThat(http.get("/api/v1/models?limit=2").status()).isEqualTo(200);
    }

    @Test
    void compressedRequestBodiesAre415NotUnreadableJson() throws Exception {
        byte[] spec;
        try (var in = getClass().getResourceAsStream("/spec-examples/mlp-classifier.json")) {
            spec = in.readAllBytes();
        }
        var gzipped = new java.io.ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gzipped)) {
            out.write(spec);
        }
        for (String coding : List.of("gzip", "deflate", "br", "x-gzip", "identity, gzip")) {
            Http.Response r = http.send(HttpRequest.newBuilder(http.uri("/api/v1/specs/validate"))
                    .header("Content-Type", "application/json").header("Content-Encoding", coding)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray())));

            assertThat(r.status()).as(coding + ": " + r.body()).isEqualTo(415);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("type").asString()).isEqualTo("urn:trainyard:problem:unsupported-media-type");
            assertThat(r.json().get("detail").asString()).contains("uncompressed");
            assertThat(r.json().at("/errors/0/pointer").asString()).isEqualTo("Content-Encoding");
            assertThat(r.headers().firstValue("Accept-Encoding")).hasValue("identity");
        }

        Http.Response upload = http.send(new Multipart().field("label", "y").file("file", "d.csv", "a,y\n1,0\n")
                .post(http.uri("/api/v1/datasets")).header("Content-Encoding", "gzip"));
        assertThat(upload.status()).as(upload.body()).isEqualTo(415);
        assertThat(upload.json().at("/errors/0/pointer").asString()).isEqualTo("Content-Encoding");

        Http.Response openInference = http.send(HttpRequest.newBuilder(http.uri("/v2/models/any/infer"))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray())));
        assertThat(openInference.status()).isEqualTo(415);
        assertThat(openInference.contentType()).as("the protocol's own error shape").startsWith("application/json");
        assertThat(openInference.json().get("error").asString()).contains("uncompressed");

        Http.Response identity = http.send(HttpRequest.newBuilder(http.uri("/api/v1/specs/validate"))
                .header("Content-Type", "application/json").header("Content-Encoding", "identity")
                .POST(HttpRequest.BodyPublishers.ofByteArray(spec)));
        assertThat(identity.status()).as(identity.body()).isEqualTo(200);
    }

    @Test
    void wrongMethodsOnOperationsEndpointsAnswerProblemJson() {
        Http.Response r = http.send("DELETE", "/actuator/health", null, null);

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }
}
