package io.trainyard.datasets;

import java.util.List;
import java.util.Map;
import org.springframework.web.multipart.MultipartFile;

/**
 * One upload as the form sent it, before validation.
 *
 * @param files the file fields present ({@code file}, {@code images}, {@code labels}), by field name
 */
record UploadRequest(String name, String format, String label, List<String> features, String layout,
        Map<String, MultipartFile> files) {
}
