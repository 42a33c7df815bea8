-- A declined visit is mailed to its scope's ambassadors (when they gave an alert address),
-- once: the time it was sent.
ALTER TABLE visit_declines ADD COLUMN notified_at INTEGER;
