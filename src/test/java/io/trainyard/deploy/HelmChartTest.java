package io.trainyard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Helm chart lints and renders (helm-java runs Helm in-process; no helm binary needed). */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/trainyard");

    @Test
    void theChartLintsCleanInStrictMode() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void theDeploymentRunsNonRootOnAReadOnlyRootWithScratchVolumesProbesAndNativeSettings() {
        Map<String, Map<String, Object>> objects = render(new Helm(CHART).template().withName("ty"));

        Map<String, Object> deployment = objects.get("Deployment/ty-trainyard");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        assertThat(at(pod, "securityContext")).containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
        Map<String, Object> container = list(pod, "containers").get(0);
        assertThat(at(container, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
        assertThat(list(container, "volumeMounts")).extracting(m -> m.get("mountPath"))
                .contains("/tmp", "/var/cache/javacpp");
        assertThat(list(pod, "volumes")).allSatisfy(v -> assertThat(v).containsKey("emptyDir"));
        assertThat(at(container, "livenessProbe", "httpGet")).containsEntry("path", "/actuator/health/liveness");
        assertThat(at(container, "readinessProbe", "httpGet")).containsEntry("path", "/actuator/health/readiness");
        assertThat(at(container, "resources", "requests")).containsKeys("cpu", "memory");

        Map<String, Object> config = at(objects.get("ConfigMap/ty-trainyard"), "data");
        assertThat(config).containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("OPENBLAS_THREAD_TIMEOUT", "23")
                .containsEntry("TRAINYARD_STORAGE_TYPE", "s3")
                .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/trainyard")
                .doesNotContainKey("OPENBLAS_CORETYPE"); // the launcher picks it from the node's CPU
        assertThat((String) config.get("JAVA_OPTS")).contains("-Dorg.bytedeco.javacpp.cachedir=/var/cache/javacpp")
                // the engine switches DL4J's oneDNN helpers on and the jar ships one oneDNN build: nothing to override
                .doesNotContain("helpers.disable").doesNotContain("platform.extension");
        assertThat(objects).containsKey("Service/ty-trainyard").doesNotContainKey("ServiceAccount/ty-trainyard");
    }

    @Test
    void credentialsLiveInTheSecretAndReachTheContainerFromThere() {
        Map<String, Map<String, Object>> objects = render(new Helm(CHART).template().withName("ty")
                .set("database.password", "db-pass").set("objectStore.secretKey", "s3-pass"));

        Map<String, Object> secret = at(objects.get("Secret/ty-trainyard"), "data");
        assertThat(new String(Base64.getDecoder().decode((String) secret.get("database-password")))).isEqualTo("db-pass");
        assertThat(new String(Base64.getDecoder().decode((String) secret.get("s3-secret-key")))).isEqualTo("s3-pass");
        Map<String, Object> container = list(at(objects.get("Deployment/ty-trainyard"), "spec", "template", "spec"),
                "containers").get(0);
        assertThat(list(container, "env")).extracting(e -> e.get("name"))
                .contains("SPRING_DATASOURCE_PASSWORD", "TRAINYARD_STORAGE_S3_SECRET_KEY");
        assertThat(objects.get("ConfigMap/ty-trainyard").toString()).doesNotContain("db-pass", "s3-pass");
    }

    @Test
    void optionalSettingsAppearOnlyWhenAskedFor() {
        Map<String, Map<String, Object>> objects = render(new Helm(CHART).template().withName("ty")
                .set("native.openblasCoreType", "Haswell").set("serviceAccount.create", "true")
                .set("database.existingSecret", "my-secret").set("replicaCount", "3"));

        assertThat(at(objects.get("ConfigMap/ty-trainyard"), "data")).containsEntry("OPENBLAS_CORETYPE", "Haswell");
        assertThat(objects).containsKey("ServiceAccount/ty-trainyard").doesNotContainKey("Secret/ty-trainyard");
        Map<String, Object> deployment = objects.get("Deployment/ty-trainyard");
        assertThat(at(deployment, "spec")).containsEntry("replicas", 3);
        assertThat(deployment.toString()).contains("my-secret");
    }

    private static Map<String, Map<String, Object>> render(com.marcnuri.helm.TemplateCommand command) {
        Map<String, Map<String, Object>> byKindAndName = new java.util.LinkedHashMap<>();
        for (Object doc : new Yaml().loadAll(command.call())) {
            if (doc instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) m;
                byKindAndName.put(object.get("kind") + "/" + at(object, "metadata").get("name"), object);
            }
        }
        return byKindAndName;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> map, String... path) {
        Map<String, Object> current = map;
        for (String key : path) {
            current = (Map<String, Object>) current.get(key);
            assertThat(current).as("missing %s", key).isNotNull();
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> map, String key) {
        Object value = map.get(key);
        assertThat(value).as("missing list %s", key).isInstanceOf(List.class);
        return new ArrayList<>((List<Map<String, Object>>) value);
    }
}
