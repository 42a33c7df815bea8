-- Accounts, devices, sessions, enrolment links and the audit trail.
-- Tokens (sessions, devices, links) are stored only as their SHA-256 (hex).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('volunteer', 'ambassador', 'coordinator', 'admin')),
    password_hash  TEXT,  -- argon2id PHC string; NULL until enrolled
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    volunteer_id   INTEGER UNIQUE REFERENCES volunteers(id),
    ambassador_id  INTEGER UNIQUE REFERENCES ambassadors(id),
    created_at     INTEGER NOT NULL,
    CHECK ((role = 'volunteer') = (volunteer_id IS NOT NULL)),
    CHECK ((role = 'ambassador') = (ambassador_id IS NOT NULL))
) STRICT;

CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    last_sync   INTEGER,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX devices_user ON devices(user_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    device_id     INTEGER NOT NULL REFERENCES devices(id),
    created_at    INTEGER NOT NULL,
    refreshed_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ended_at      INTEGER
) STRICT;
CREATE INDEX sessions_device ON sessions(device_id);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE enrolment_links (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('enrol', 'reset')),
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;
CREATE INDEX enrolment_links_user ON enrolment_links(user_id);

-- Who read or changed what: references only, never the personal data itself.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users(id),
    device_id    INTEGER,
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, id);
CREATE INDEX audit_log_object ON audit_log(object_kind, object_id, id);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
