-- Tongban initial schema. Times are unix milliseconds (BIGINT); JSON is TEXT.
-- The column for a window is `window_code` because WINDOW is a reserved word in PostgreSQL.

-- One row that serialises audit appends: every writing transaction updates it first.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE departments (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE windows (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    departments TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    window_code TEXT NOT NULL,
    clerk TEXT,
    department TEXT,
    items TEXT NOT NULL,
    actions TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_to BIGINT,
    granted_by TEXT NOT NULL,
    document_no TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT
);
CREATE INDEX grants_window ON grants (window_code);

CREATE TABLE window_staff (
    window_code TEXT NOT NULL,
    username TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (window_code, username)
);
CREATE INDEX window_staff_username ON window_staff (username);

CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    roles TEXT NOT NULL,
    department TEXT,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE items (
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX items_department ON items (department);

CREATE TABLE calendar_years (
    calendar TEXT NOT NULL,
    year BIGINT NOT NULL,
    holidays TEXT NOT NULL,
    workdays TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (calendar, year)
);

CREATE TABLE cases (
    case_no TEXT PRIMARY KEY,
    query_code TEXT NOT NULL,
    item_code TEXT NOT NULL,
    item_version BIGINT NOT NULL,
    department TEXT NOT NULL,
    window_code TEXT,
    owner TEXT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    acceptance_due BIGINT,
    promised_due BIGINT,
    legal_due BIGINT,
    next_check_at BIGINT,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_department_status ON cases (department, status, received_at);
CREATE INDEX cases_window_status ON cases (window_code, status, received_at);
CREATE INDEX cases_status ON cases (status, received_at);
CREATE INDEX cases_owner ON cases (owner, received_at);
-- The sweep reads only cases whose supervision state changes next; concluded and suspended
-- cases have no next_check_at and stay out of this index.
CREATE INDEX cases_next_check ON cases (next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    case_no TEXT NOT NULL REFERENCES cases (case_no),
    created_at BIGINT NOT NULL
);

-- Append-only: rows are inserted, never updated or deleted. `id` orders the feed.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_no TEXT NOT NULL REFERENCES cases (case_no),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    window_code TEXT,
    grant_id BIGINT,
    data TEXT NOT NULL
);
CREATE UNIQUE INDEX case_events_case_seq ON case_events (case_no, seq);

CREATE TABLE stage_tasks (
    case_no TEXT NOT NULL REFERENCES cases (case_no),
    stage TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    due BIGINT,
    next_check_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (case_no, stage)
);
CREATE INDEX stage_tasks_department_status ON stage_tasks (department, status);
CREATE INDEX stage_tasks_next_check ON stage_tasks (next_check_at) WHERE next_check_at IS NOT NULL;

-- An alert is raised once per (scope, rule, level): raising is an insert that ignores duplicates.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    case_no TEXT,
    stage TEXT,
    rule TEXT NOT NULL,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    department TEXT,
    raised_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    detail TEXT NOT NULL
);
CREATE UNIQUE INDEX alerts_key ON alerts (scope, rule, level);
CREATE INDEX alerts_status ON alerts (status, level);
CREATE INDEX alerts_department_status ON alerts (department, status);
CREATE INDEX alerts_case ON alerts (case_no);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE evaluations (
    case_no TEXT PRIMARY KEY REFERENCES cases (case_no),
    score BIGINT NOT NULL,
    comment TEXT,
    at BIGINT NOT NULL,
    follow_up_due BIGINT,
    followed_up_at BIGINT,
    follow_up_note TEXT
);
CREATE INDEX evaluations_follow_up ON evaluations (follow_up_due) WHERE followed_up_at IS NULL AND follow_up_due IS NOT NULL;

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_no TEXT,
    window_code TEXT,
    text TEXT NOT NULL,
    contact TEXT,
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    handled_at BIGINT,
    response TEXT
);
CREATE INDEX complaints_status ON complaints (status, at);
