-- 督办单: an urge of an alert addressed to the responsible department's head, with the
-- working day by which the head must reply. Whether a reply is overdue is computed from
-- `reply_due` when read, so every serve and supervise process agrees without a sweep.
CREATE TABLE urging_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    case_no TEXT,
    department TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    note TEXT,
    reply_days BIGINT NOT NULL,
    reply_due BIGINT NOT NULL,
    reply TEXT,
    replied_by TEXT,
    replied_at BIGINT
);
CREATE INDEX urging_orders_alert ON urging_orders (alert_id, id);
CREATE INDEX urging_orders_open ON urging_orders (department, replied_at);
-- 整改: who recorded a bad rating's rectification (the note and the time were there).
ALTER TABLE evaluations ADD COLUMN followed_up_by TEXT;
