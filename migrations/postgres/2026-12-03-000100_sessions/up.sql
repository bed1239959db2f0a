-- Server-side sessions: every access token names one, and a request is served only while its
-- session is open and its account still allows what the token says.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    -- The window a clerk signed in at.
    window_code TEXT,
    created_at BIGINT NOT NULL,
    -- Unix seconds, as the token's `exp`.
    expires_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX sessions_by_user ON sessions (username);

-- Bumped in the same transaction as every change to a session or an account (password,
-- roles, department, windows, active), so that every process compares one integer per
-- request and checks its cached sessions again when another process changed something.
CREATE TABLE auth_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO auth_revision (id, revision) VALUES (1, 1);
