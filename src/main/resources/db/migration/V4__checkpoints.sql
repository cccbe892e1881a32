-- Owned by: checkpoints. The row is the commit marker; an object without a row is garbage.
CREATE TABLE checkpoints (
    id           UUID         PRIMARY KEY,
    team_id      VARCHAR(64)  NOT NULL REFERENCES teams (id),
    job_id       UUID         NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    epoch        INTEGER      NOT NULL,
    iteration    BIGINT       NOT NULL,
    object_key   VARCHAR(512) NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    metrics      TEXT,                    -- JSON: the epoch's metrics, used to keep the best
    lease_epoch  BIGINT       NOT NULL,   -- the fencing token of the worker that committed it
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX checkpoints_job_epoch ON checkpoints (job_id, epoch);
