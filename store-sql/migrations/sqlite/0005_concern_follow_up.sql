-- Who acknowledged and who resolved a concern (the audit trail has the rest).
ALTER TABLE concerns ADD COLUMN acknowledged_by INTEGER REFERENCES users(id);
ALTER TABLE concerns ADD COLUMN resolved_by INTEGER REFERENCES users(id);
