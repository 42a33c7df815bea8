-- Imports of the lists teams keep: the reference a file gives a resident or a volunteer (the
-- same reference updates the same record), and the dry runs waiting to be applied. A run's
-- body holds the checked rows (personal data): it is deleted when the run expires (24 h) and
-- replaced by counts once the run is applied.
ALTER TABLE residents ADD COLUMN import_ref TEXT;
ALTER TABLE volunteers ADD COLUMN import_ref TEXT;
CREATE TABLE import_runs (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES users(id),
    scope_id     INTEGER NOT NULL REFERENCES scopes(id),
    kind         TEXT NOT NULL CHECK (kind IN ('residents', 'volunteers')),
    file_sha256  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    applied_at   INTEGER,
    body         TEXT NOT NULL
) STRICT;
CREATE INDEX import_runs_expiry ON import_runs(expires_at);
