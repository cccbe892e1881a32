package io.trainyard.datasets;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The dataset as the API shows it (storage keys stay internal). */
record DatasetResource(UUID id, String name, DatasetFormat format, long exampleCount, InputShape inputShape,
        TaskHints taskHints, long sizeBytes, String sha256, List<FileResource> files, OffsetDateTime createdAt) {

    record FileResource(String field, String fileName, long sizeBytes, String sha256) {
    }

    record Page(List<DatasetResource> items, String nextCursor) {
    }

    static DatasetResource of(DatasetInfo d) {
        return new DatasetResource(d.id(), d.name(), d.format(), d.exampleCount(), d.inputShape(), d.taskHints(),
                d.sizeBytes(), d.sha256(), d.files().stream()
                        .map(f -> new FileResource(f.field(), f.fileName(), f.sizeBytes(), f.sha256())).toList(),
                d.createdAt());
    }
}
