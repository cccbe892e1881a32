-- Owned by: jobs. The queue, the state machine and the fenced lease (DESIGN.md §5).
CREATE TABLE jobs (
    id                   UUID         PRIMARY KEY,
    team_id              VARCHAR(64)  NOT NULL REFERENCES teams (id),
    name                 VARCHAR(200) NOT NULL,
    dataset_id           UUID         NOT NULL REFERENCES datasets (id),
    spec                 TEXT         NOT NULL,  -- the training spec as submitted (JSON)
    labels               TEXT,                   -- JSON object of string labels
    idempotency_key      VARCHAR(200),
    state                VARCHAR(16)  NOT NULL,  -- QUEUED, RUNNING, CANCELLING, SUCCEEDED, FAILED, CANCELLED
    priority             INTEGER      NOT NULL DEFAULT 0,
    attempt              INTEGER      NOT NULL DEFAULT 0,
    max_attempts         INTEGER      NOT NULL DEFAULT 3,
    lease_owner          VARCHAR(200),
    lease_epoch          BIGINT       NOT NULL DEFAULT 0, -- fencing token: bumped by every claim
    lease_expires_at     TIMESTAMP WITH TIME ZONE,
    cancel_requested     BOOLEAN      NOT NULL DEFAULT FALSE,
    epoch                INTEGER      NOT NULL DEFAULT 0,
    total_epochs         INTEGER      NOT NULL,
    iteration            BIGINT       NOT NULL DEFAULT 0,
    progress             TEXT,                   -- JSON: latest metrics, samples/s, ETA
    failure_reason       TEXT,
    parent_job_id        UUID,                   -- set by "continue": the job this one trains further
    parent_checkpoint_id UUID,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at           TIMESTAMP WITH TIME ZONE,
    finished_at          TIMESTAMP WITH TIME ZONE,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE UNIQUE INDEX jobs_team_idempotency_key ON jobs (team_id, idempotency_key);
CREATE INDEX jobs_claim_order ON jobs (state, priority, created_at);
CREATE INDEX jobs_team_created ON jobs (team_id, created_at);

-- One row per finished epoch; (job_id, epoch) is unique so a resumed job cannot duplicate history.
CREATE TABLE job_metrics (
    job_id       UUID        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch        INTEGER     NOT NULL,
    team_id      VARCHAR(64) NOT NULL REFERENCES teams (id),
    metrics      TEXT        NOT NULL,           -- JSON: losses, accuracy, F1, learning rate, samples/s, ...
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, epoch)
);
