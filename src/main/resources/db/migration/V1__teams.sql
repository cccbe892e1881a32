-- Owned by: security. Every stored resource carries the team that owns it (DESIGN.md §6).
CREATE TABLE teams (
    id          VARCHAR(64)  PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Until authentication exists, everything belongs to the built-in default team.
INSERT INTO teams (id, name) VALUES ('default', 'Default team');
