-- A volunteer's path and how they travel (issue 15). The path: registered, then the charter
-- signed, then the base training done; without both the planner leaves them out. Each step is
-- a flag and its day, the day NULL when unknown: the volunteers already recorded were visiting,
-- so both their steps are done, "date inconnue". How they travel replaces has_car (which
-- nothing read): without a car they are taken to go on foot until their ambassador says.
ALTER TABLE volunteers ADD COLUMN travel_mode TEXT NOT NULL DEFAULT 'car'
    CHECK (travel_mode IN ('car', 'two_wheels', 'on_foot'));
ALTER TABLE volunteers ADD COLUMN charter_signed INTEGER NOT NULL DEFAULT 0 CHECK (charter_signed IN (0, 1));
ALTER TABLE volunteers ADD COLUMN charter_signed_on TEXT CHECK (charter_signed_on IS NULL OR charter_signed = 1);
ALTER TABLE volunteers ADD COLUMN training_done INTEGER NOT NULL DEFAULT 0 CHECK (training_done IN (0, 1));
ALTER TABLE volunteers ADD COLUMN training_done_on TEXT CHECK (training_done_on IS NULL OR training_done = 1);
UPDATE volunteers SET travel_mode = CASE has_car WHEN 1 THEN 'car' ELSE 'on_foot' END,
    charter_signed = 1, training_done = 1;
ALTER TABLE volunteers DROP COLUMN has_car;
