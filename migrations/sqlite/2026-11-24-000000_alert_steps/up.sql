-- The lifecycle of an alert, one row per step (acknowledge, urge, resolve, escalate): who,
-- when, from which status to which, the note, and whom an urge notified. Kept apart from the
-- alert's `detail`, which a case's end overwrites when it closes the case's alerts.
CREATE TABLE alert_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    note TEXT,
    notified TEXT NOT NULL
);
CREATE INDEX alert_steps_alert ON alert_steps (alert_id, id);
