package io.trainyard.datasets;

import io.trainyard.system.ApiException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Looks up dataset metadata for other modules (e.g. jobs validating a spec against the data's shape). */
@Component
public class DatasetCatalog {

    private final DatasetRepository repository;

    DatasetCatalog(DatasetRepository repository) {
        this.repository = repository;
    }

    /**
     * The answer to a request whose field at {@code pointer} names a dataset the team does not have: a 400 on that
     * field, as for any other wrong value in a body (the URL named an existing resource).
     */
    public static ApiException unknown(String pointer) {
        return ApiException.invalid(pointer, "no dataset with this id; upload one with POST /api/v1/datasets");
    }

    /** The team's dataset with this id; empty when there is none or it belongs to another team. */
    public Optional<DatasetInfo> find(String team, UUID id) {
        return repository.find(team, id);
    }

    /** Whether the team has a (not deleted) dataset with this id. */
    public boolean exists(String team, UUID id) {
        return repository.exists(team, id);
    }

    /**
     * Whether the team has this dataset, holding its row until the caller's transaction ends: a delete that starts
     * meanwhile waits, then sees the job the transaction committed and refuses. Call inside a transaction.
     */
    public boolean hold(String team, UUID id) {
        return repository.lockLive(team, id);
    }
}
