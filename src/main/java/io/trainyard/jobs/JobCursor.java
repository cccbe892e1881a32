package io.trainyard.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of the newest-first job list ended. Opaque to clients: base64url of "createdAt|id", which
 * is stable under concurrent inserts (unlike an offset).
 */
record JobCursor(Instant createdAt, UUID id) {

    String encode() {
        String raw = "v1|" + createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service issued */
    static JobCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 3 || !"v1".equals(parts[0])) {
                throw new IllegalArgumentException("not a job cursor");
            }
            return new JobCursor(Instant.parse(parts[1]), UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a job cursor", e);
        }
    }
}
