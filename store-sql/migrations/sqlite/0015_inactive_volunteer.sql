-- An inactive volunteer's phone holds nothing (monalisa_core::visibility): when a volunteer
-- becomes inactive (or active again), every record their phone may hold is logged as changed,
-- so that the next pull sends the removals (or the records again).
CREATE TRIGGER volunteers_logged_active AFTER UPDATE OF active ON volunteers
WHEN OLD.active IS NOT NEW.active
BEGIN
    INSERT INTO change_log (kind, entity_id) SELECT 'resident', id FROM residents WHERE volunteer_id = NEW.id;
    INSERT INTO change_log (kind, entity_id) SELECT DISTINCT 'resident', resident_id FROM visits WHERE volunteer_id = NEW.id;
    INSERT INTO change_log (kind, entity_id) SELECT 'visit', id FROM visits WHERE volunteer_id = NEW.id;
    INSERT INTO change_log (kind, entity_id) SELECT 'report', id FROM reports WHERE volunteer_id = NEW.id;
END;
