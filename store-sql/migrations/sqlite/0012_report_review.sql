-- An ambassador's review of a report flagged at sync ("À vérifier"): who looked at it, and when.
-- A flagged report holds its resident's retention purge back until it has been reviewed, as an
-- unreviewed quarantined push does (`quarantine.reviewed_at`, 0003).
ALTER TABLE reports ADD COLUMN reviewed_at INTEGER;
ALTER TABLE reports ADD COLUMN reviewed_by INTEGER REFERENCES users(id);
