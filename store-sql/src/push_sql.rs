//! The statements a push is applied with, shared by both push writers (SQLite's on rusqlite,
//! `push_writer.rs`; PostgreSQL's on sqlx, `push_writer_pg.rs`), in SQLite's placeholders,
//! which `sql::query` numbers for PostgreSQL. Each writer executes `monalisa_core::push`'s
//! decisions with them, in the same order.

pub(crate) const PREVIOUS_ACK: &str = "SELECT ack FROM applied_mutations WHERE id = ?";

pub(crate) const RECORD_APPLIED: &str = "INSERT INTO applied_mutations (id, user_id, device_id, protocol, ack, recorded_at, received_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?)";

pub(crate) const DEVICE_SYNCED: &str =
    "UPDATE devices SET last_sync = ?1, last_seen = CASE WHEN last_seen > ?1 THEN last_seen ELSE ?1 END WHERE id = ?2";

pub(crate) const AUDIT: &str = "INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) \
     VALUES (?, ?, ?, ?, 'report', ?, ?)";

/// A quarantined push, its sender and the sender's scope.
pub(crate) const QUARANTINED: &str = "SELECT q.user_id, q.device_id, q.reason, q.payload, q.reviewed_at, u.volunteer_id, v.scope_id \
     FROM quarantine q JOIN users u ON u.id = q.user_id LEFT JOIN volunteers v ON v.id = u.volunteer_id \
     WHERE q.mutation_id = ?";

pub(crate) const RESIDENTS_WITH_ID: &str = "SELECT count(*) FROM residents WHERE id = ?";

pub(crate) const SET_ACK: &str = "UPDATE applied_mutations SET ack = ? WHERE id = ?";

pub(crate) const MARK_RELEASED: &str = "UPDATE quarantine SET reviewed_at = ?, reviewed_by = ? WHERE mutation_id = ?";

/// Sets a push aside, once (nothing when it already is).
pub(crate) const SET_ASIDE: &str = "INSERT INTO quarantine (mutation_id, user_id, device_id, reason, payload, received_at) \
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mutation_id) DO NOTHING";

pub(crate) const ADD_ABSENCE: &str =
    "INSERT INTO volunteer_absences (volunteer_id, first_day, last_day) VALUES (?, ?, ?)";

/// One absence over exactly these days (two identical ones are two declarations).
pub(crate) fn cancel_absence(dialect: crate::sql::Dialect) -> String {
    let row = dialect.row_id();
    format!(
        "DELETE FROM volunteer_absences WHERE {row} = (SELECT {row} FROM volunteer_absences \
         WHERE volunteer_id = ? AND first_day = ? AND last_day = ? LIMIT 1)"
    )
}

pub(crate) const VISIT_OWNER: &str = "SELECT volunteer_id FROM visits WHERE id = ?";

pub(crate) const RECORD_DECLINE: &str =
    "INSERT INTO visit_declines (mutation_id, visit_id, volunteer_id, reason, received_at) VALUES (?, ?, ?, ?, ?)";

pub(crate) const CANCEL_VISIT: &str = "UPDATE visits SET status = 'cancelled' WHERE id = ? AND status = 'planned'";

/// The resident (`?1`) as a report by volunteer `?2` (account `?3`) needs them: their usual
/// volunteer, the start of their follow-up, and whether the volunteer is, or was, in a
/// position to visit them (1 or 0): their usual volunteer, one of the resident's visits is
/// theirs, they reported on the resident before, or the resident is (or was until this
/// device applies its removal) on one of their phones (a visit reassigned while the phone
/// was offline).
pub(crate) const RESIDENT_FACTS: &str = "SELECT r.volunteer_id, r.follow_up_start, \
     CASE WHEN r.volunteer_id IS NOT DISTINCT FROM ?2 \
       OR EXISTS (SELECT 1 FROM visits WHERE resident_id = r.id AND volunteer_id = ?2) \
       OR EXISTS (SELECT 1 FROM reports WHERE resident_id = r.id AND volunteer_id = ?2 \
                  AND (flag IS NULL OR flag <> 'not_assigned')) \
       OR EXISTS (SELECT 1 FROM device_records dr JOIN devices d ON d.id = dr.device_id \
                  WHERE d.user_id = ?3 AND dr.kind = 'resident' AND dr.entity_id = CAST(r.id AS TEXT)) \
     THEN 1 ELSE 0 END \
     FROM residents r WHERE r.id = ?1";

pub(crate) const VISIT_FACTS: &str = "SELECT volunteer_id, status, resident_id FROM visits WHERE id = ?";

pub(crate) const COMPLETE_VISIT: &str = "UPDATE visits SET status = 'reported' WHERE id = ? AND status = 'planned'";

pub(crate) const INSERT_REPORT: &str = "INSERT INTO reports (id, visit_id, resident_id, volunteer_id, day, outcome, duration_min, mood, note, \
     proposed_next, recorded_at, received_at, flag, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

pub(crate) const INSERT_CONCERN: &str =
    "INSERT INTO concerns (report_id, kind, resident_id, status, raised_at) VALUES (?, ?, ?, 'open', ?)";
