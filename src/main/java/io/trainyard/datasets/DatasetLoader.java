package io.trainyard.datasets;

import io.trainyard.system.ApiException;
import java.io.IOException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Loads a dataset's parsed form into memory for training. The bytes come from the local cache (keyed by
 * checksum) or, the first time on this machine, from the object store, verified against the recorded checksum.
 */
@Component
public class DatasetLoader {

    private final DatasetCatalog catalog;
    private final DatasetCache cache;

    DatasetLoader(DatasetCatalog catalog, DatasetCache cache) {
        this.catalog = catalog;
        this.cache = cache;
    }

    /** Throws a 404 {@link ApiException} when the team has no such dataset. */
    public LoadedDataset load(String team, UUID id) throws IOException {
        return load(catalog.find(team, id).orElseThrow(() -> ApiException.notFound("Dataset", id)));
    }

    public LoadedDataset load(DatasetInfo dataset) throws IOException {
        return DataFile.read(cache.fetch(dataset.dataKey(), dataset.dataSizeBytes(), dataset.dataSha256()));
    }
}
