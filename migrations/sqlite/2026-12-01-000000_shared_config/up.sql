-- What every process on one database must share. The configuration revision is bumped in
-- the same transaction as every change of the catalogue, the hall (departments, windows,
-- grants, staff) or the calendar, so that a process compares one integer before it decides
-- and reloads its copy when another process changed it.
CREATE TABLE config_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO config_revision (id, revision) VALUES (1, 1);

-- The token signing keys, shared by every process: the newest unretired key signs, every key
-- verifies until `retired_until` (unix seconds) has passed.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_until BIGINT
);
