-- Failed logins, counted in the database so that every server process sees the same counts
-- (they were in each process's memory). One row per key: an address ('ip:...'), an account
-- ('login:...') or a known device ('device:...'), with the start of its window. Rows whose
-- window is over are deleted as new failures come in.
CREATE TABLE login_failures (
    key       TEXT PRIMARY KEY NOT NULL,
    since     INTEGER NOT NULL,
    failures  INTEGER NOT NULL CHECK (failures > 0)
) STRICT;
CREATE INDEX login_failures_since ON login_failures(since);
