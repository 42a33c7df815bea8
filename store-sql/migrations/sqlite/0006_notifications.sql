-- E-mail alerts about concerns: where to write to (ambassadors and coordinators give an
-- address for alerts; nobody else needs one), and which concerns were mailed.
ALTER TABLE users ADD COLUMN email TEXT;

-- When the scope's ambassadors were told of a new concern, and when an unacknowledged one
-- was escalated to the coordinators. Concerns raised before this version count as told.
ALTER TABLE concerns ADD COLUMN notified_at INTEGER;
ALTER TABLE concerns ADD COLUMN escalated_at INTEGER;
UPDATE concerns SET notified_at = raised_at, escalated_at = raised_at;

-- Only a change of state matters to phones, not the bookkeeping of alerts.
DROP TRIGGER concerns_logged_update;
CREATE TRIGGER concerns_logged_update AFTER UPDATE OF status ON concerns
BEGIN INSERT INTO change_log (kind, entity_id) VALUES ('report', NEW.report_id); END;
