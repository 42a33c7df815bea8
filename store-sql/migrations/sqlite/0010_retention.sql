-- Retention: a resident whose follow-up ended more than the retention period ago (two years
-- after the last contact, by the CNIL's référentiel for the social and médico-social sector)
-- has their personal data erased like a consent withdrawal; the day is kept.
ALTER TABLE residents ADD COLUMN purged_on TEXT;
