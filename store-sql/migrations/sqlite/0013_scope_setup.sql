-- Scopes are set up by admins from an empty install: an ambassador can be detached from their
-- scope (scope_id NULL) and attached to another. SQLite cannot drop a NOT NULL constraint, so
-- the table is rebuilt, following SQLite's procedure for schema changes (sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): migrations run with foreign keys off
-- (SqliteStore::open), users and residents reference the table by name and keep doing so, the
-- rows are copied as they are (ids unchanged), and the references are checked before the
-- store opens.
CREATE TABLE ambassadors_rebuilt (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    phone       TEXT NOT NULL,
    scope_id    INTEGER REFERENCES scopes(id)
) STRICT;
INSERT INTO ambassadors_rebuilt (id, first_name, last_name, phone, scope_id)
    SELECT id, first_name, last_name, phone, scope_id FROM ambassadors;
DROP TABLE ambassadors;
ALTER TABLE ambassadors_rebuilt RENAME TO ambassadors;
CREATE INDEX ambassadors_scope ON ambassadors(scope_id);
