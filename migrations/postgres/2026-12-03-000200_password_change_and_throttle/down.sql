DROP TABLE sign_in_failures;
ALTER TABLE users DROP COLUMN must_change_password;
