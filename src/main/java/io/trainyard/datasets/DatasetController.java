package io.trainyard.datasets;

import io.trainyard.system.PageCursor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.system.ApiException;
import io.trainyard.system.Violation;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

@RestController
@RequestMapping("/api/v1/datasets")
class DatasetController {

    /** Until the security module supplies the caller's team, everything belongs to the default team (DESIGN §6). */
    private static final String TEAM = "default";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final Set<String> FILE_FIELDS = Set.of("file", "images", "labels");
    private static final Set<String> TEXT_FIELDS = Set.of("name", "format", "label", "features", "layout");

    private final DatasetService service;

    DatasetController(DatasetService service) {
        this.service = service;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload a dataset (curl -F)", requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(
            required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                    schema = @Schema(implementation = UploadForm.class))))
    ResponseEntity<DatasetResource> upload(MultipartHttpServletRequest request) {
        List<Violation> problems = new ArrayList<>();
        Set<String> allowed = new TreeSet<>(FILE_FIELDS);
        allowed.addAll(TEXT_FIELDS);
        Map<String, MultipartFile> files = new HashMap<>();
        for (var entry : request.getMultiFileMap().entrySet()) {
            String field = entry.getKey();
            if (!FILE_FIELDS.contains(field)) {
                problems.add(Violation.at(field, TEXT_FIELDS.contains(field) ? "must be a plain form field, not a file"
                        : "unknown field; allowed: " + allowed));
            } else if (entry.getValue().size() > 1) {
                problems.add(Violation.at(field, "send one file per field; got " + entry.getValue().size()));
            } else {
                files.put(field, entry.getValue().get(0));
            }
        }
        for (var entry : request.getParameterMap().entrySet()) {
            String field = entry.getKey();
            if (FILE_FIELDS.contains(field)) {
                problems.add(Violation.at(field, "must be a file (curl -F '" + field + "=@path')"));
            } else if (!TEXT_FIELDS.contains(field)) {
                problems.add(Violation.at(field, "unknown field; allowed: " + allowed));
            } else if (!field.equals("features") && entry.getValue().length > 1) {
                problems.add(Violation.at(field, "given " + entry.getValue().length + " times; send it once"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        String[] featureValues = request.getParameterValues("features");
        List<String> features = featureValues == null ? null : Arrays.stream(featureValues)
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
        UploadRequest upload = new UploadRequest(request.getParameter("name"), request.getParameter("format"),
                request.getParameter("label"), features, request.getParameter("layout"), files);
        DatasetResource created = DatasetResource.of(service.upload(TEAM, upload));
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + created.id())).body(created);
    }

    @GetMapping
    DatasetResource.Page list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiException.invalid("limit", "must be between 1 and " + MAX_LIMIT + "; got " + size);
        }
        PageCursor after = PageCursor.fromParameter(cursor);
        // One extra row tells whether another page follows without a second query.
        List<DatasetInfo> rows = service.page(TEAM, after, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            DatasetInfo last = rows.get(size - 1);
            next = new PageCursor(last.createdAt().toInstant(), last.id()).encode();
        }
        return new DatasetResource.Page(rows.stream().map(DatasetResource::of).toList(), next);
    }

    @GetMapping("/{id}")
    DatasetResource get(@PathVariable UUID id) {
        return DatasetResource.of(service.get(TEAM, id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        service.delete(TEAM, id);
        return ResponseEntity.noContent().build();
    }
}
