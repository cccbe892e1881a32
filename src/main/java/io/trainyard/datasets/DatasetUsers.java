package io.trainyard.datasets;

import java.util.Optional;
import java.util.UUID;

/**
 * A module whose records read datasets, asked before one is deleted. The datasets module does not read other
 * modules' tables; each module answers over its own. Implementations are asked in their {@code @Order}.
 */
public interface DatasetUsers {

    /**
     * Why the dataset cannot be deleted now, when unfinished work still reads it: the rest of a sentence that
     * starts "Dataset &lt;id&gt; ", naming the work and what to do; empty when nothing stops the deletion.
     */
    Optional<String> blocksDeletion(UUID datasetId);

    /** Whether finished records still reference the dataset's row (a foreign key), so it must stay as a tombstone. */
    default boolean referencesRow(UUID datasetId) {
        return false;
    }
}
