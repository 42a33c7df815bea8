-- The sync protocol: a change log that triggers keep (no write path can forget it), the
-- mutations already applied (at most once), what each device holds (for tombstones), reports
-- flagged for the ambassador, quarantined pushes of revoked devices, declined visits.

CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('resident', 'visit', 'report')),
    entity_id  TEXT NOT NULL
) STRICT;

CREATE TRIGGER residents_logged_insert AFTER INSERT ON residents
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('resident', NEW.id); END;
CREATE TRIGGER residents_logged_update AFTER UPDATE ON residents
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('resident', NEW.id); END;
CREATE TRIGGER visits_logged_insert AFTER INSERT ON visits
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('visit', NEW.id); END;
CREATE TRIGGER visits_logged_update AFTER UPDATE ON visits
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('visit', NEW.id); END;
-- Publishing (or unpublishing) a round changes what its volunteer may see of its visits.
CREATE TRIGGER rounds_logged_update AFTER UPDATE OF status ON rounds
BEGIN INSERT INTO change_log (kind, entity_id) SELECT 'visit', id FROM visits WHERE round_id = NEW.id; END;
-- A report changes the report itself and the resident's card (last visit, next due date).
CREATE TRIGGER reports_logged_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO change_log (kind, entity_id) VALUES ('report', NEW.id);
    INSERT INTO change_log (kind, entity_id) VALUES ('resident', NEW.resident_id);
END;
CREATE TRIGGER reports_logged_update AFTER UPDATE ON reports
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('report', NEW.id); END;
CREATE TRIGGER concerns_logged_insert AFTER INSERT ON concerns
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('report', NEW.report_id); END;
CREATE TRIGGER concerns_logged_update AFTER UPDATE ON concerns
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('report', NEW.report_id); END;

-- Every mutation applied, with the answer given, so a resend gets the same answer.
CREATE TABLE applied_mutations (
    id           TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    device_id    INTEGER NOT NULL REFERENCES devices(id),
    protocol     INTEGER NOT NULL,
    ack          TEXT NOT NULL,  -- the AckStatus, JSON
    recorded_at  INTEGER NOT NULL,  -- the phone's clock
    received_at  INTEGER NOT NULL   -- the server's clock
) STRICT;

-- What each device holds; `gone_seq` marks a tombstone sent at that sequence number, kept until
-- the device's cursor shows it applied it (a retried page gets the tombstone again).
CREATE TABLE device_records (
    device_id  INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    gone_seq   INTEGER,
    PRIMARY KEY (device_id, kind, entity_id)
) STRICT, WITHOUT ROWID;

-- Pushes from revoked devices: kept aside for the ambassador, never in the record.
CREATE TABLE quarantine (
    mutation_id  TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    device_id    INTEGER NOT NULL REFERENCES devices(id),
    reason       TEXT NOT NULL,
    payload      TEXT NOT NULL,  -- the mutation, JSON
    received_at  INTEGER NOT NULL,
    reviewed_at  INTEGER,
    reviewed_by  INTEGER REFERENCES users(id)
) STRICT;

ALTER TABLE reports ADD COLUMN flag TEXT CHECK (flag IN ('visit_reassigned', 'visit_cancelled', 'not_assigned'));
ALTER TABLE reports ADD COLUMN device_id INTEGER REFERENCES devices(id);
CREATE INDEX reports_volunteer ON reports(volunteer_id, day);

CREATE TABLE visit_declines (
    mutation_id   TEXT PRIMARY KEY NOT NULL,
    visit_id      INTEGER NOT NULL REFERENCES visits(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    reason        TEXT NOT NULL,
    received_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX visits_volunteer ON visits(volunteer_id, day);
