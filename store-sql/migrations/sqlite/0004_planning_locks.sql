-- An ambassador's locks for a planned week: this resident goes to this volunteer, whatever the
-- planner would have chosen (the plan is recomputed around the locks).
CREATE TABLE planning_locks (
    resident_id   INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    week_start    TEXT NOT NULL,  -- a Monday
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers(id) ON DELETE CASCADE,
    PRIMARY KEY (resident_id, week_start)
) STRICT;
