DROP TABLE auth_revision;
DROP TABLE sessions;
