-- The residents a published plan left out, and why (the planner's exact rule), kept per scope
-- for the week published last: the coverage view counts them per commune. Replaced at each
-- publication of that scope.
CREATE TABLE plan_unserved (
    scope_id     INTEGER NOT NULL REFERENCES scopes(id),
    week_start   TEXT NOT NULL,
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL CHECK (reason IN ('no_volunteer_in_range', 'no_common_slot', 'no_capacity')),
    PRIMARY KEY (scope_id, resident_id)
) STRICT;
