-- A visit an ambassador placed by hand: the lock also fixes its day and start time.
ALTER TABLE planning_locks ADD COLUMN day TEXT;
ALTER TABLE planning_locks ADD COLUMN start_min INTEGER CHECK (start_min BETWEEN 0 AND 1439);
