-- Secrets the server makes for itself on first use: the P-256 key volunteers' phones seal
-- their reports to (issue 7). Never sent anywhere; the public half goes to phones at login.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    secret BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
