package io.trainyard.models;

import io.trainyard.security.CurrentTeam;
import io.trainyard.system.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/models")
class ModelController {

    private final ModelRegistry registry;
    private final CurrentTeam team;

    ModelController(ModelRegistry registry, CurrentTeam team) {
        this.registry = registry;
        this.team = team;
    }

    record Page(List<ModelSummary> items, String nextCursor) {
    }

    record ModelDetail(String name, int latestVersion, Map<String, Integer> aliases, List<ModelVersion> versions) {
    }

    record AliasRequest(@NotNull @Min(1) Integer version) {
    }

    record Alias(String model, String alias, int version) {
    }

    @GetMapping
    Page list(@RequestParam(defaultValue = "50") int limit, @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 500) {
            throw ApiException.invalid("limit", "must be between 1 and 500; got " + limit);
        }
        String after = cursor == null ? "" : decode(cursor);
        List<ModelSummary> items = registry.list(team.id(), after, limit + 1);
        String next = items.size() > limit ? encode(items.get(limit - 1).name()) : null;
        return new Page(items.subList(0, Math.min(limit, items.size())), next);
    }

    @GetMapping("/{name}")
    ModelDetail get(@PathVariable String name) {
        ModelSummary model = registry.get(team.id(), name);
        return new ModelDetail(model.name(), model.latestVersion(), model.aliases(), registry.versions(team.id(), name));
    }

    @GetMapping("/{name}/versions/{version}")
    ModelVersion version(@PathVariable String name, @PathVariable int version) {
        return registry.version(team.id(), name, version);
    }

    @GetMapping("/{name}/versions/{version}/artifact")
    ResponseEntity<InputStreamResource> artifact(@PathVariable String name, @PathVariable int version)
            throws IOException {
        ModelVersion v = registry.version(team.id(), name, version);
        InputStream in = registry.openArtifact(v);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/zip"))
                .contentLength(v.sizeBytes())
                .eTag("\"" + v.sha256() + "\"")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "-v" + version + ".zip\"")
                .header("X-Checksum-SHA256", v.sha256())
                .body(new InputStreamResource(in));
    }

    @PutMapping("/{name}/aliases/{alias}")
    Alias setAlias(@PathVariable String name, @PathVariable String alias, @Valid @RequestBody AliasRequest request) {
        registry.setAlias(team.id(), name, alias, request.version());
        return new Alias(name, alias, request.version());
    }

    @DeleteMapping("/{name}/aliases/{alias}")
    ResponseEntity<Void> deleteAlias(@PathVariable String name, @PathVariable String alias) {
        registry.deleteAlias(team.id(), name, alias);
        return ResponseEntity.noContent().build();
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        String name;
        try {
            name = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            name = null;
        }
        // A cursor is a model's name: anything that cannot be one was not issued here.
        if (name == null || !ModelRegistry.NAME.matcher(name).matches()) {
            throw ApiException.invalid("cursor", "is not a cursor this API returned; pass nextCursor unchanged");
        }
        return name;
    }
}
