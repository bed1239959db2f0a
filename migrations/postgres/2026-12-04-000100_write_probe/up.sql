-- Readiness writes one row here (and commits it) to learn whether writes succeed: a full
-- disk, a read-only server or a lost database show in a real write, not in a SELECT 1.
CREATE TABLE write_probe (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    pad BYTEA NOT NULL
);
