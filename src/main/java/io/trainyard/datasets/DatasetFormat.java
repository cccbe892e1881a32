package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Optional;

/** The file formats an upload may have. */
public enum DatasetFormat {
    @JsonProperty("csv") CSV,
    @JsonProperty("idx") IDX,
    @JsonProperty("npz") NPZ,
    @JsonProperty("npy") NPY;

    /** The lower-case name used in the API and the database. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<DatasetFormat> fromId(String id) {
        for (DatasetFormat f : values()) {
            if (f.id().equalsIgnoreCase(id.trim())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Guesses the format from a file name; IDX files are recognised by "idx" or "ubyte" in the name. */
    static Optional<DatasetFormat> fromFileName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (name.endsWith(".npz")) {
            return Optional.of(NPZ);
        }
        if (name.endsWith(".npy")) {
            return Optional.of(NPY);
        }
        if (name.contains("idx") || name.contains("ubyte")) {
            return Optional.of(IDX);
        }
        return Optional.empty();
    }
}
