-- The notice a stored calendar year came from (shown beside each official year).
ALTER TABLE calendar_years ADD COLUMN source TEXT;

-- Re-projection of the open cases after a calendar year was loaded or corrected. Written in
-- the same transaction as the year; worked through in batches, each batch committing its
-- cases together with `cursor` (the last case number done), so a kill at any moment resumes
-- where the last commit left it. A process works a job only while it holds its lease.
CREATE TABLE calendar_reprojections (
    id BIGINT PRIMARY KEY,
    calendar TEXT NOT NULL,
    year BIGINT NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    cursor TEXT NOT NULL,
    examined BIGINT NOT NULL,
    moved BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX calendar_reprojections_unfinished ON calendar_reprojections (finished_at, id);
