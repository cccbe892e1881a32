package io.trainyard.support;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A multipart/form-data body built the way {@code curl -F} sends one; files stream from disk. */
public final class Multipart {

    private final String boundary = "trainyard-" + UUID.randomUUID();
    private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

    public Multipart field(String name, String value) {
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        return this;
    }

    public Multipart file(String name, String fileName, byte[] content) {
        fileHeader(name, fileName);
        parts.add(HttpRequest.BodyPublishers.ofByteArray(content));
        text("\r\n");
        return this;
    }

    public Multipart file(String name, String fileName, String content) {
        return file(name, fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    public Multipart file(String name, Path path) {
        fileHeader(name, path.getFileName().toString());
        try {
            parts.add(HttpRequest.BodyPublishers.ofFile(path));
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException(e);
        }
        text("\r\n");
        return this;
    }

    public HttpRequest.Builder post(java.net.URI uri) {
        List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
        all.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new)));
    }

    private void fileHeader(String name, String fileName) {
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    }

    private void text(String value) {
        parts.add(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8));
    }
}
