-- Owned by: datasets. The parsed binary form's checksum (the local cache key) and size, every uploaded file
-- (IDX uploads have two), and a tombstone for datasets that finished jobs still reference (jobs.dataset_id is a
-- foreign key, so such a row cannot be removed; its objects are deleted and the API no longer shows it).
ALTER TABLE datasets ADD COLUMN data_sha256 CHAR(64);
ALTER TABLE datasets ADD COLUMN data_size_bytes BIGINT;
ALTER TABLE datasets ADD COLUMN files TEXT;
ALTER TABLE datasets ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
