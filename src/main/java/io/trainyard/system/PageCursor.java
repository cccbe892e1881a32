package io.trainyard.system;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a newest-first page ended: the last item's creation time and id. Opaque to clients (base64url of
 * "v1|createdAt|id"), and stable under concurrent inserts, unlike an offset.
 */
public record PageCursor(Instant createdAt, UUID id) {

    /** Creation times this service writes; both databases and {@code java.sql.Timestamp} take every one of them. */
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    public String encode() {
        String raw = "v1|" + createdAt + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service issued */
    public static PageCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 3 || !"v1".equals(parts[0])) {
                throw new IllegalArgumentException("not a page cursor");
            }
            Instant createdAt = Instant.parse(parts[1]);
            if (createdAt.isBefore(EARLIEST) || createdAt.isAfter(LATEST)) {
                throw new IllegalArgumentException("not a creation time of this service");
            }
            return new PageCursor(createdAt, UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a page cursor", e);
        }
    }

    /** The cursor of a {@code ?cursor=} parameter (null when absent), or a 400 naming the parameter. */
    public static PageCursor fromParameter(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("cursor", "not a cursor from a previous page; pass nextCursor unchanged");
        }
    }
}
