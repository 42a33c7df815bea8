-- A resident's life in the programme (issue 15): who referred them and when, how they are
-- followed (home visits, phone calls or both), why the follow-up ended; and the binômes over
-- time. Residents recorded before have no referral and no end reason ("non renseigné"), and
-- are followed by visits, as they were.
ALTER TABLE residents ADD COLUMN referred_by TEXT
    CHECK (referred_by IS NULL OR referred_by IN ('ccas', 'family', 'doctor', 'self', 'neighbour', 'other'));
ALTER TABLE residents ADD COLUMN referred_on TEXT CHECK (referred_on IS NULL OR referred_by IS NOT NULL);
ALTER TABLE residents ADD COLUMN follow_up_mode TEXT NOT NULL DEFAULT 'visits'
    CHECK (follow_up_mode IN ('visits', 'calls', 'both'));
ALTER TABLE residents ADD COLUMN end_reason TEXT
    CHECK (end_reason IS NULL OR end_reason IN ('moved', 'care_home', 'deceased', 'declined', 'other'));

-- Each binôme: a resident with their usual volunteer, from one day to another (open while it
-- lasts). Kept by the triggers below, whatever changes the resident's volunteer or ends their
-- follow-up (the forms, a handover, an import, a consent withdrawn).
CREATE TABLE pairings (
    resident_id   INTEGER NOT NULL REFERENCES residents(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    started_on    TEXT NOT NULL,
    ended_on      TEXT,
    CHECK (ended_on IS NULL OR started_on <= ended_on)
) STRICT;
CREATE INDEX pairings_resident ON pairings(resident_id, started_on);
CREATE UNIQUE INDEX pairings_open ON pairings(resident_id) WHERE ended_on IS NULL;

-- The binômes so far: from the first report of the volunteer about the person (else the start
-- of the follow-up), to the end of the follow-up if it ended.
INSERT INTO pairings (resident_id, volunteer_id, started_on, ended_on)
SELECT id, volunteer_id, started, CASE WHEN follow_up_status = 'ended' THEN max(started, status_since) END
FROM (
    SELECT r.id, r.volunteer_id, r.follow_up_status, r.status_since,
        COALESCE((SELECT min(p.day) FROM reports p WHERE p.resident_id = r.id AND p.volunteer_id = r.volunteer_id),
                 r.follow_up_start) AS started
    FROM residents r WHERE r.volunteer_id IS NOT NULL
);

-- A resident registered with a volunteer: the binôme starts with the follow-up.
CREATE TRIGGER pairings_on_insert AFTER INSERT ON residents
WHEN NEW.volunteer_id IS NOT NULL AND NEW.follow_up_status <> 'ended'
BEGIN
    INSERT INTO pairings (resident_id, volunteer_id, started_on) VALUES (NEW.id, NEW.volunteer_id, NEW.follow_up_start);
END;

-- Another volunteer (or none), or the follow-up ended or taken up again: the open binôme ends
-- (the day the follow-up ended, else today), a new one starts today.
CREATE TRIGGER pairings_on_change AFTER UPDATE OF volunteer_id, follow_up_status ON residents
WHEN OLD.volunteer_id IS NOT NEW.volunteer_id
    OR (OLD.follow_up_status = 'ended') IS NOT (NEW.follow_up_status = 'ended')
BEGIN
    UPDATE pairings
        SET ended_on = max(started_on, CASE WHEN NEW.follow_up_status = 'ended' THEN NEW.status_since ELSE date('now') END)
        WHERE resident_id = NEW.id AND ended_on IS NULL;
    INSERT INTO pairings (resident_id, volunteer_id, started_on)
        SELECT NEW.id, NEW.volunteer_id, max(date('now'), NEW.follow_up_start)
        WHERE NEW.volunteer_id IS NOT NULL AND NEW.follow_up_status <> 'ended';
END;
