-- An administrator's reset leaves a password only its holder should keep: the account then
-- does nothing but change it at its next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- Failed sign-ins, shared by every process on the database, so that two servers behind one
-- balancer slow a guesser down as one would. A key is an account, an address, or the pair.
CREATE TABLE sign_in_failures (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    -- Unix seconds before which no try of this key is taken.
    blocked_until BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_last ON sign_in_failures (last_at);
