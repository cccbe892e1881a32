-- Owned by: jobs. One row per label so that "label=key:value" filters are plain, portable SQL
-- (PostgreSQL and H2); jobs.labels keeps the JSON object for display.
CREATE TABLE job_labels (
    job_id       UUID         NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    label_key    VARCHAR(63)  NOT NULL,
    label_value  VARCHAR(200) NOT NULL,
    PRIMARY KEY (job_id, label_key)
);

CREATE INDEX job_labels_key_value ON job_labels (label_key, label_value);

-- The reaper looks for leased jobs whose lease has expired.
CREATE INDEX jobs_lease_expiry ON jobs (state, lease_expires_at);
