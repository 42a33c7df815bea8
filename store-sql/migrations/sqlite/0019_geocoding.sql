-- Homes to locate from their address (issue 15): an import queues the residents it wrote
-- without a position, and a background worker asks the configured geocoder, a batch at a
-- time, under a lease (any server process may take the next batch; a batch whose process died
-- is taken again when its lease runs out). No personal data here: the address is read from the
-- resident's row when the task is claimed. `from_lat`/`from_lon` are the home when queued: a
-- position found moves the home only if it is still there.
CREATE TABLE geocode_queue (
    resident_id  INTEGER PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
    run_id       INTEGER,
    from_lat     REAL NOT NULL,
    from_lon     REAL NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'found', 'not_found', 'superseded', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    queued_at    INTEGER NOT NULL,
    settled_at   INTEGER
) STRICT;
CREATE INDEX geocode_queue_waiting ON geocode_queue(state, lease_until);
CREATE INDEX geocode_queue_run ON geocode_queue(run_id);
