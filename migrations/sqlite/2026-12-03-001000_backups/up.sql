-- Every backup taken of this database (`tongban backup`, or the one `serve` or `supervise`
-- takes on schedule), so that every process exports the same age of the last good one in
-- /metrics. The backup itself lives outside the database (a directory with a manifest).
CREATE TABLE backups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Unix milliseconds of the snapshot.
    taken_at BIGINT NOT NULL,
    -- Where it was written, as the process that took it saw the path.
    path TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    -- SHA-256 of the payload (hex), as in its manifest.
    sha256 TEXT NOT NULL,
    cases BIGINT NOT NULL
);
CREATE INDEX backups_by_taken_at ON backups (taken_at);

-- One row: which process takes the scheduled backup now. Several processes on one database
-- may all be configured to back it up; the one whose compare-and-set wins the lease does it,
-- renewing the lease while it runs, so a process killed mid-backup leaves it to the others
-- within minutes.
CREATE TABLE backup_lease (
    id INTEGER PRIMARY KEY,
    holder TEXT NOT NULL,
    -- Unix milliseconds; the lease is free from then on.
    expires_at BIGINT NOT NULL
);
INSERT INTO backup_lease (id, holder, expires_at) VALUES (1, '', 0);
