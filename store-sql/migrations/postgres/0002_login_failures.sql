-- Failed logins, shared by every server process (SQLite: migration 0020).
CREATE TABLE login_failures (
    key       TEXT PRIMARY KEY NOT NULL,
    since     BIGINT NOT NULL,
    failures  BIGINT NOT NULL CHECK (failures > 0)
);
CREATE INDEX login_failures_since ON login_failures(since);
