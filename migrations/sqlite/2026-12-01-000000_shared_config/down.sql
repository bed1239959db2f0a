DROP TABLE signing_keys;
DROP TABLE config_revision;
