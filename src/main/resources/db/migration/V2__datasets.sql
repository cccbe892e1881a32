-- Owned by: datasets. A row is written only after the bytes are safe in the object store.
CREATE TABLE datasets (
    id              UUID         PRIMARY KEY,
    team_id         VARCHAR(64)  NOT NULL REFERENCES teams (id),
    name            VARCHAR(200) NOT NULL,
    format          VARCHAR(16)  NOT NULL,
    example_count   BIGINT       NOT NULL,
    input_shape     TEXT         NOT NULL,   -- JSON: features / image / sequence shape of one example
    task_hints      TEXT,                    -- JSON: class names and counts, or target mean/std
    size_bytes      BIGINT       NOT NULL,
    sha256          CHAR(64)     NOT NULL,
    object_key      VARCHAR(512) NOT NULL,   -- the original upload
    data_key        VARCHAR(512),            -- the parsed, compact binary form
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX datasets_team_created ON datasets (team_id, created_at);
