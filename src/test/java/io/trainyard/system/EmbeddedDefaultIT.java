package io.trainyard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.support.Http;
import io.trainyard.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command on a fresh machine: bin/trainyard with no configuration at all serves a healthy
 * service on the embedded defaults (H2 file database and object folder under ./data).
 */
class EmbeddedDefaultIT {

    @TempDir
    Path workDir;

    @Test
    void theLauncherStartsAHealthyServiceWithNoSetupAndItKeepsItsDataAcrossRestarts() throws Exception {
        try (ServiceProcess service = new ServiceProcess(workDir, Map.of(), List.of()).start()) {
            Http http = service.awaitReady(Duration.ofMinutes(3));

            Http.Response health = http.get("/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asString()).isEqualTo("UP");
            assertThat(health.json().get("components").get("db").get("details").get("database").asString())
                    .isEqualTo("H2");
            var nativeInfo = http.get("/actuator/info").json().get("native");
            assertThat(nativeInfo.get("blasVendor").asString()).isEqualTo("OPENBLAS");
            // oneDNN inside the packaged jar: the stand-in class is found through Spring Boot's class loader
            assertThat(nativeInfo.get("onednn").asBoolean()).isTrue();
            assertThat(nativeInfo.get("layerHelpers").asBoolean()).isTrue();
            assertThat(workDir.resolve("data/trainyard.mv.db")).isRegularFile();
            assertThat(workDir.resolve("data/objects")).isDirectory();
            assertThat(service.log()).contains("ND4J backend").contains("OMP_WAIT_POLICY=PASSIVE")
                    .contains("OPENBLAS_THREAD_TIMEOUT=23")
                    .contains("(oneDNN yes), DL4J layer helpers on (MKLDNNConvHelper)")
                    .contains("every commit is written before it returns (WRITE_DELAY=0 added)")
                    .doesNotContain("openblas_set_num_threads was not found");

            // SIGTERM is a graceful shutdown: the process exits on its own and the database stays usable.
            assertThat(service.stop()).isIn(0, 143);
        }
        long size = Files.size(workDir.resolve("data/trainyard.mv.db"));
        try (ServiceProcess again = new ServiceProcess(workDir, Map.of(), List.of()).start()) {
            Http http = again.awaitReady(Duration.ofMinutes(3));
            assertThat(http.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
            assertThat(again.log()).doesNotContain("Migrating schema").contains("is up to date");
        }
        assertThat(size).isPositive();
    }
}
