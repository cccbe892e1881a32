package io.trainyard.storage;

import java.util.regex.Pattern;

/** The one rule for keys, shared by every backend so an object written to one can move to another. */
final class ObjectKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=-]+");
    private static final int MAX_LENGTH = 512;

    private ObjectKeys() {
    }

    static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException(String.valueOf(key), "must not be empty");
        }
        if (key.length() > MAX_LENGTH) {
            throw new InvalidKeyException(key, "longer than " + MAX_LENGTH + " characters");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidKeyException(key, "empty, '.' or '..' path segment");
            }
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidKeyException(key, "only letters, digits and . _ = - are allowed between slashes");
            }
        }
        return key;
    }

    /** A prefix may be empty or end in a partial segment ("checkpoints/abc"); it may not climb out. */
    static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String probe = prefix.endsWith("/") ? prefix + "x" : prefix;
        check(probe);
        return prefix;
    }
}
