-- Owned by: models. Versions keep their own copy of the artifact, so deleting a job never breaks serving.
CREATE TABLE models (
    id          UUID         PRIMARY KEY,
    team_id     VARCHAR(64)  NOT NULL REFERENCES teams (id),
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT models_team_name UNIQUE (team_id, name)
);

CREATE TABLE model_versions (
    id             UUID         PRIMARY KEY,
    team_id        VARCHAR(64)  NOT NULL REFERENCES teams (id),
    model_id       UUID         NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version        INTEGER      NOT NULL,
    job_id         UUID,                  -- the source job; not a foreign key: the job may be deleted later
    checkpoint_id  UUID,
    artifact_key   VARCHAR(512) NOT NULL,
    size_bytes     BIGINT       NOT NULL,
    sha256         CHAR(64)     NOT NULL,
    metrics        TEXT,                  -- JSON
    input_shape    TEXT,                  -- JSON
    output_labels  TEXT,                  -- JSON array
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT model_versions_model_version UNIQUE (model_id, version)
);

CREATE TABLE model_aliases (
    model_id    UUID         NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    alias       VARCHAR(64)  NOT NULL,
    team_id     VARCHAR(64)  NOT NULL REFERENCES teams (id),
    version     INTEGER      NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (model_id, alias)
);
