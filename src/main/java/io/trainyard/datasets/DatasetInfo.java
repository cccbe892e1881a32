package io.trainyard.datasets;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A stored dataset's metadata, as the training module sees it.
 *
 * @param sizeBytes  the original upload's size, all files together
 * @param sha256     SHA-256 of the original upload's main file ({@code file}, or {@code images} for IDX)
 * @param files      each uploaded file with its own size and checksum
 * @param dataKey    object-store key of the parsed binary form
 * @param dataSha256 SHA-256 of the parsed binary form; the local cache is keyed by it
 */
public record DatasetInfo(UUID id, String teamId, String name, DatasetFormat format, long exampleCount,
        InputShape inputShape, TaskHints taskHints, long sizeBytes, String sha256, List<UploadedFile> files,
        String dataKey, long dataSizeBytes, String dataSha256, OffsetDateTime createdAt) {

    /** One uploaded file: the form field it came in, its name, where it is stored, its size and checksum. */
    public record UploadedFile(String field, String fileName, String key, long sizeBytes, String sha256) {
    }

    public DatasetInfo {
        files = List.copyOf(files);
    }
}
