-- One row per day a supervisors' digest was queued: the first instance to insert the day
-- sends it, so several schedulers never send it twice.
CREATE TABLE digests (
    day TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
