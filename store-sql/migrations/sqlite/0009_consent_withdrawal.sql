-- A resident who withdrew their consent: their personal data is erased (names, address, phone,
-- notes, position reduced to the commune's centre, report notes), the follow-up ended; the row
-- stays, anonymous, for the indicators' counts.
ALTER TABLE residents ADD COLUMN consent_withdrawn_on TEXT;
