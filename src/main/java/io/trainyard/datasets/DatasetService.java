package io.trainyard.datasets;

import io.trainyard.system.PageCursor;
import io.trainyard.storage.ObjectInfo;
import io.trainyard.storage.ObjectStore;
import io.trainyard.storage.StoredObject;
import io.trainyard.system.ApiException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

/**
 * Upload and deletion. An upload streams each file to the object store under {@code datasets/{id}/original/},
 * parses it from there once into {@code datasets/{id}/data.bin}, and only then inserts the row, which is the
 * commit marker: whatever fails before the row exists deletes everything under {@code datasets/{id}/}.
 */
@Service
class DatasetService {

    private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

    private final DatasetRepository repository;
    private final ObjectStore store;
    private final DatasetCache cache;
    private final DatasetsProperties properties;
    private final TransactionTemplate transaction;
    private final ObjectProvider<DatasetUsers> users;

    DatasetService(DatasetRepository repository, ObjectStore store, DatasetCache cache, DatasetsProperties properties,
            TransactionTemplate transaction, ObjectProvider<DatasetUsers> users) {
        this.repository = repository;
        this.store = store;
        this.cache = cache;
        this.properties = properties;
        this.transaction = transaction;
        this.users = users;
    }

    DatasetInfo upload(String team, UploadRequest request) {
        UploadPlan plan = UploadPlan.of(request);
        UUID id = UUID.randomUUID();
        String prefix = "datasets/" + id + "/";
        boolean committed = false;
        Path temp = null;
        try {
            List<DatasetInfo.UploadedFile> files = storeOriginals(prefix, plan);
            Parsed parsed = parse(plan, files);
            temp = cache.newTempFile();
            try (OutputStream out = Files.newOutputStream(temp)) {
                DataFile.write(parsed, out);
            }
            StoredObject data;
            try (InputStream in = Files.newInputStream(temp)) {
                data = store.put(prefix + "data.bin", in);
            }
            long size = files.stream().mapToLong(DatasetInfo.UploadedFile::sizeBytes).sum();
            DatasetInfo info = new DatasetInfo(id, team, plan.name(), plan.format(), parsed.count(), parsed.shape(),
                    parsed.labels().hints(plan.format() == DatasetFormat.CSV ? request.label().trim() : null), size,
                    files.get(0).sha256(), files, data.key(), data.size(), data.sha256(),
                    OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
            repository.insert(info);
            committed = true;
            warmCache(temp, data.sha256());
            return info;
        } catch (BadDataException e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        } catch (UploadTooLargeException e) {
            throw ApiException.tooLarge(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!committed) {
                deleteObjects(prefix);
            }
            deleteQuietly(temp);
        }
    }

    List<DatasetInfo> page(String team, PageCursor after, int limit) {
        return repository.page(team, after, limit);
    }

    DatasetInfo get(String team, UUID id) {
        return repository.find(team, id).orElseThrow(() -> ApiException.notFound("Dataset", id));
    }

    /** Refused while a queued or running job needs the data; otherwise the row goes first, then the bytes. */
    void delete(String team, UUID id) {
        DatasetInfo dataset;
        try {
            dataset = transaction.execute(status -> removeRow(team, id));
        } catch (DataIntegrityViolationException e) {
            // A job was submitted for this dataset between the check and the delete; its foreign key won.
            throw ApiException.conflict("Dataset " + id + " was just taken up by a new job; retry the delete once "
                    + "that job has finished.");
        }
        deleteObjects("datasets/" + id + "/");
        try {
            if (!repository.dataInUse(dataset.dataSha256())) {
                cache.evict(dataset.dataSha256());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not evict cached data of deleted dataset {}", id, e);
        }
    }

    /** Best effort: the dataset is committed, and a missing cache file is simply fetched again when needed. */
    private void warmCache(Path parsed, String sha256) {
        try {
            cache.adopt(parsed, sha256);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not keep the parsed dataset {} in the local cache", sha256, e);
        }
    }

    private DatasetInfo removeRow(String team, UUID id) {
        DatasetInfo found = get(team, id);
        // Held until the delete commits: a job being submitted for this dataset either committed first (and is
        // counted below) or waits and then finds the dataset gone.
        repository.lockLive(team, id);
        List<DatasetUsers> modules = users.orderedStream().toList();
        // Every module's reason at once, so one answer names everything that has to end first.
        List<String> reasons = modules.stream().flatMap(module -> module.blocksDeletion(id).stream()).toList();
        if (!reasons.isEmpty()) {
            throw ApiException.conflict("Dataset " + id + " " + String.join(" Also, it ", reasons));
        }
        boolean tombstone = modules.stream().anyMatch(module -> module.referencesRow(id));
        if (!repository.delete(team, id, tombstone)) {
            throw ApiException.notFound("Dataset", id);
        }
        return found;
    }

    private List<DatasetInfo.UploadedFile> storeOriginals(String prefix, UploadPlan plan) throws IOException {
        long limit = properties.maxUploadSize().toBytes();
        long remaining = limit;
        List<DatasetInfo.UploadedFile> stored = new ArrayList<>();
        for (var part : plan.files().entrySet()) {
            MultipartFile file = part.getValue();
            if (file.getSize() > remaining) {
                throw new UploadTooLargeException(limit);
            }
            String fileName = file.getOriginalFilename() == null ? part.getKey() : file.getOriginalFilename();
            String key = prefix + "original/" + part.getKey() + "/" + safeName(fileName, part.getKey());
            StoredObject object;
            try (InputStream in = new LimitedInputStream(file.getInputStream(), remaining, limit)) {
                object = store.put(key, in);
            }
            if (object.size() == 0) {
                throw new BadDataException(part.getKey(), "the file '" + fileName + "' is empty");
            }
            remaining -= object.size();
            stored.add(new DatasetInfo.UploadedFile(part.getKey(), fileName, key, object.size(), object.sha256()));
        }
        return stored;
    }

    /** Reads the stored originals back; any file may be gzip'd (recognised by its first bytes). */
    private Parsed parse(UploadPlan plan, List<DatasetInfo.UploadedFile> files) throws IOException {
        int maxClasses = properties.maxClasses();
        try (InputStream first = Streams.maybeGunzip(store.get(files.get(0).key()));
             InputStream second = files.size() > 1 ? Streams.maybeGunzip(store.get(files.get(1).key())) : null) {
            return switch (plan.format()) {
                case CSV -> CsvParser.parse(first, plan.label(), plan.features(), maxClasses);
                case IDX -> IdxParser.parse(first, second, maxClasses);
                case NPZ -> ArrayDatasets.npz(first, plan.layout(), maxClasses);
                case NPY -> ArrayDatasets.npy(first, second, plan.layout(), maxClasses);
            };
        } catch (ZipException | EOFException e) {
            // Parsers report their own format errors; what reaches here is a broken gzip stream or a cut-off file.
            throw new BadDataException(files.get(0).field(), "the file is corrupt or cut off ("
                    + e.getMessage() + "); if it is gzip'd, check that `gzip -t` accepts it");
        }
    }

    private void deleteObjects(String prefix) {
        try {
            for (ObjectInfo object : store.list(prefix)) {
                store.delete(object.key());
            }
        } catch (IOException | RuntimeException e) {
            // The row is the commit marker: objects without one are garbage a sweeper may collect later.
            log.warn("Could not delete objects under {}", prefix, e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Could not delete temporary file {}", file, e);
            }
        }
    }

    /** Object keys allow letters, digits and {@code . _ - =}; everything else in a file name becomes '_'. */
    static String safeName(String fileName, String fallback) {
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._=-]", "_")
                .replaceAll("^[.]+", "");
        if (base.length() > 100) {
            base = base.substring(base.length() - 100);
        }
        return base.isEmpty() ? fallback : base;
    }
}
