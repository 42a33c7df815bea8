-- The core domain model (app/src/domain/model.rs). Append-only: never edit a released
-- migration, add a new one.
-- Dates are ISO text (YYYY-MM-DD, sorts correctly); times of day are minutes since midnight;
-- instants are integer milliseconds since the Unix epoch.

CREATE TABLE communes (
    insee            TEXT PRIMARY KEY NOT NULL CHECK (length(insee) = 5),
    name             TEXT NOT NULL,
    population       INTEGER NOT NULL CHECK (population >= 0),
    population_year  INTEGER NOT NULL,
    area_km2         REAL NOT NULL CHECK (area_km2 > 0),
    centre_lat       REAL NOT NULL,
    centre_lon       REAL NOT NULL,
    outline          TEXT NOT NULL  -- GeoJSON geometry, WGS84
) STRICT;

CREATE TABLE scopes (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
) STRICT;

-- The primary key on the commune makes scopes disjoint: a commune is in at most one scope.
CREATE TABLE scope_communes (
    commune   TEXT PRIMARY KEY NOT NULL REFERENCES communes(insee),
    scope_id  INTEGER NOT NULL REFERENCES scopes(id)
) STRICT;
CREATE INDEX scope_communes_scope ON scope_communes(scope_id);

CREATE TABLE ambassadors (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    phone       TEXT NOT NULL,
    scope_id    INTEGER NOT NULL REFERENCES scopes(id)
) STRICT;

CREATE TABLE volunteers (
    id               INTEGER PRIMARY KEY,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    phone            TEXT NOT NULL,
    commune          TEXT NOT NULL REFERENCES communes(insee),
    home_lat         REAL NOT NULL,
    home_lon         REAL NOT NULL,
    scope_id         INTEGER NOT NULL REFERENCES scopes(id),
    has_car          INTEGER NOT NULL CHECK (has_car IN (0, 1)),
    radius_km        REAL NOT NULL CHECK (radius_km >= 0),
    weekly_capacity  INTEGER NOT NULL CHECK (weekly_capacity BETWEEN 0 AND 50),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX volunteers_scope ON volunteers(scope_id);

-- Communes a volunteer accepts besides their radius.
CREATE TABLE volunteer_communes (
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    commune       TEXT NOT NULL REFERENCES communes(insee),
    PRIMARY KEY (volunteer_id, commune)
) STRICT;

CREATE TABLE volunteer_slots (
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    start_min     INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1440),
    end_min       INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1440),
    CHECK (start_min < end_min)
) STRICT;
CREATE INDEX volunteer_slots_volunteer ON volunteer_slots(volunteer_id);

CREATE TABLE volunteer_absences (
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    first_day     TEXT NOT NULL,
    last_day      TEXT NOT NULL,
    CHECK (first_day <= last_day)
) STRICT;
CREATE INDEX volunteer_absences_volunteer ON volunteer_absences(volunteer_id);

CREATE TABLE residents (
    id                   INTEGER PRIMARY KEY,
    first_name           TEXT NOT NULL,
    last_name            TEXT NOT NULL,
    address              TEXT NOT NULL,
    commune              TEXT NOT NULL REFERENCES communes(insee),
    home_lat             REAL NOT NULL,
    home_lon             REAL NOT NULL,
    phone                TEXT,
    access_notes         TEXT NOT NULL DEFAULT '',
    likes                TEXT NOT NULL DEFAULT '',
    rhythm               TEXT NOT NULL CHECK (rhythm IN ('weekly', 'two_weekly', 'monthly')),
    isolation            INTEGER NOT NULL CHECK (isolation BETWEEN 1 AND 3),
    consent_on           TEXT NOT NULL,
    consent_method       TEXT NOT NULL CHECK (consent_method IN ('written', 'oral', 'representative')),
    consent_recorded_by  INTEGER NOT NULL REFERENCES ambassadors(id),
    follow_up_start      TEXT NOT NULL,
    follow_up_status     TEXT NOT NULL CHECK (follow_up_status IN ('active', 'paused', 'ended')),
    status_since         TEXT NOT NULL,
    paused_until         TEXT,
    volunteer_id         INTEGER REFERENCES volunteers(id)
) STRICT;
CREATE INDEX residents_commune ON residents(commune);
CREATE INDEX residents_volunteer ON residents(volunteer_id);

CREATE TABLE resident_slots (
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1440),
    end_min      INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1440),
    CHECK (start_min < end_min)
) STRICT;
CREATE INDEX resident_slots_resident ON resident_slots(resident_id);

CREATE TABLE rounds (
    id            INTEGER PRIMARY KEY,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    week_start    TEXT NOT NULL,  -- a Monday
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    UNIQUE (volunteer_id, week_start)
) STRICT;

CREATE TABLE visits (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER REFERENCES rounds(id),
    seq           INTEGER NOT NULL DEFAULT 0,  -- route order within the round
    resident_id   INTEGER NOT NULL REFERENCES residents(id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id),
    day           TEXT NOT NULL,
    start_min     INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1440),
    status        TEXT NOT NULL CHECK (status IN ('planned', 'cancelled', 'reported'))
) STRICT;
CREATE INDEX visits_resident ON visits(resident_id, day);
CREATE INDEX visits_round ON visits(round_id, seq);

-- A report keeps both clocks: the phone's (recorded_at) and the server's (received_at).
CREATE TABLE reports (
    id             TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),  -- client-generated
    visit_id       INTEGER REFERENCES visits(id),
    resident_id    INTEGER NOT NULL REFERENCES residents(id),
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers(id),
    day            TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('done', 'nobody_home', 'refused', 'postponed')),
    duration_min   INTEGER CHECK (duration_min BETWEEN 0 AND 1440),
    mood           INTEGER CHECK (mood BETWEEN 1 AND 4),
    note           TEXT NOT NULL DEFAULT '',
    proposed_next  TEXT,
    recorded_at    INTEGER NOT NULL,
    received_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_resident ON reports(resident_id, day);

CREATE TABLE concerns (
    report_id        TEXT NOT NULL REFERENCES reports(id),
    kind             TEXT NOT NULL CHECK (kind IN ('fall', 'health', 'food', 'heating_or_housing', 'loneliness', 'other')),
    resident_id      INTEGER NOT NULL REFERENCES residents(id),
    status           TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    raised_at        INTEGER NOT NULL,
    acknowledged_at  INTEGER,
    resolved_at      INTEGER,
    PRIMARY KEY (report_id, kind)
) STRICT;
