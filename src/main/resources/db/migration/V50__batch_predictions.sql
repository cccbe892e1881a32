-- Owned by: inference (its range is V50–V59). Batch prediction tasks, so that their state survives a restart and
-- any replica answers for them. The results themselves are objects (batch-predictions/{id}/predictions.csv|npy).
-- A task is claimed under a lease like a job (DESIGN.md §5): the runner renews lease_expires_at while it works,
-- and a task whose lease expired (its replica died) is claimed again by any replica, at most max-attempts times.
CREATE TABLE batch_predictions (
    id                UUID         PRIMARY KEY,
    team_id           VARCHAR(64)  NOT NULL REFERENCES teams (id),
    model_name        VARCHAR(200) NOT NULL,
    model_version     INTEGER      NOT NULL,
    dataset_id        UUID         NOT NULL,   -- not a foreign key: datasets belong to another module
    state             VARCHAR(16)  NOT NULL,   -- QUEUED, RUNNING, SUCCEEDED, FAILED
    examples          BIGINT       NOT NULL,
    done              BIGINT       NOT NULL DEFAULT 0,
    error             TEXT,
    attempt           INTEGER      NOT NULL DEFAULT 0,  -- claims so far; also the fencing token of the current one
    lease_owner       VARCHAR(200),
    lease_expires_at  TIMESTAMP WITH TIME ZONE,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE,
    finished_at       TIMESTAMP WITH TIME ZONE
);

-- Claiming looks for QUEUED tasks and leased ones whose lease expired, oldest first.
CREATE INDEX batch_predictions_claim ON batch_predictions (state, lease_expires_at, created_at);
