//! The sync protocol: applying pushes (at most once, durably) and serving pulls from
//! the change log with per-device tombstones. See `monalisa_core::sync` for the protocol and
//! SQLite migration 0003 (PostgreSQL: 0001) for the tables and triggers.

use super::*;
use crate::sql;
use crate::{SqlStore, bad, date, other};
use monalisa_core::domain::{
    ClientId, ConcernKind, ConcernStatus, Date, Location, Minute, Outcome, ResidentId, Rhythm, Timestamp, VisitId,
};
use monalisa_core::sync::{
    Ack, Change, Cursor, Flag, Mutation, MutationBody, PushRequest, RecordKind, ReportRecord, SnapshotPosition,
    VisitRecord,
};
use monalisa_core::wire::residents::{LastVisit, ResidentCard};
use monalisa_store::{PullPage, StoreError, SyncCaller};
use sqlx::{Any, Row, Transaction};

type Tx<'a> = Transaction<'a, Any>;

fn kind_code(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Resident => "resident",
        RecordKind::Visit => "visit",
        RecordKind::Report => "report",
    }
}

fn kind_of(code: &str) -> Option<RecordKind> {
    match code {
        "resident" => Some(RecordKind::Resident),
        "visit" => Some(RecordKind::Visit),
        "report" => Some(RecordKind::Report),
        _ => None,
    }
}

const SNAPSHOT_KINDS: [RecordKind; 3] = [RecordKind::Resident, RecordKind::Visit, RecordKind::Report];

/// The conditions under which a volunteer (?v) sees a record, given the visit window start
/// (?w) and the report window start (?r): `monalisa_core::visibility`'s rule, as SQL (the story
/// suite holds the two together).
const RESIDENT_VISIBLE: &str = "EXISTS (SELECT 1 FROM volunteers me WHERE me.id = ?v AND me.active = 1) \
     AND r.follow_up_status <> 'ended' AND (r.volunteer_id = ?v OR EXISTS (\
     SELECT 1 FROM visits v JOIN rounds ro ON ro.id = v.round_id WHERE v.resident_id = r.id AND v.volunteer_id = ?v \
     AND ro.status = 'published' AND v.status <> 'cancelled' AND v.day >= ?w))";
const VISIT_VISIBLE: &str = "EXISTS (SELECT 1 FROM volunteers me WHERE me.id = ?v AND me.active = 1) \
     AND v.volunteer_id = ?v AND v.status <> 'cancelled' AND v.day >= ?w AND EXISTS (SELECT 1 FROM rounds ro WHERE ro.id = v.round_id AND ro.status = 'published')";
const REPORT_VISIBLE: &str =
    "EXISTS (SELECT 1 FROM volunteers me WHERE me.id = ?v AND me.active = 1) AND p.volunteer_id = ?v AND p.day >= ?r";

/// SQLite numbers positional parameters `?NNN`; the conditions above use named markers,
/// replaced here for the snapshot queries: ?2 the volunteer, ?3 the visit window, ?4 the report
/// window (?1 the position, ?5 the limit).
fn numbered(sql: &str) -> String {
    sql.replace("?v", "?2").replace("?w", "?3").replace("?r", "?4")
}

struct Window {
    user: i64,
    device: i64,
    now: Timestamp,
    volunteer: i64,
    visits_from: String,
    reports_from: String,
}

#[async_trait::async_trait]
impl SyncStore for SqlStore {
    /// Hands a push to the writer thread and waits for its answer (after the commit).
    async fn apply_push(
        &self,
        caller: &SyncCaller,
        request: &PushRequest,
        now: Timestamp,
    ) -> Result<Vec<Ack>, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.pushes
            .send(crate::push_writer::PushJob { caller: caller.clone(), request: request.clone(), now, reply })
            .await
            .map_err(|_| StoreError::Other("the push writer stopped".into()))?;
        answer.await.map_err(|_| StoreError::Other("the push writer stopped".into()))?
    }

    async fn pull(
        &self,
        caller: &SyncCaller,
        cursor: Option<&Cursor>,
        limit: u32,
        today: Date,
    ) -> Result<PullPage, StoreError> {
        let (_write, mut tx) = self.pull_transaction(caller.device).await?;
        let limit = limit.clamp(1, monalisa_core::sync::MAX_PAGE) as usize;
        let device = caller.device.0;
        let Some(volunteer) = caller.volunteer.filter(|_| !caller.revoked) else {
            // Nothing to see: an empty, final page.
            let seq = max_seq(&mut tx).await?;
            return Ok(PullPage { changes: Vec::new(), cursor: Cursor { seq, snapshot: None }, more: false });
        };
        let window = Window {
            user: caller.user.0,
            device,
            now: Timestamp(now_ms()),
            volunteer: volunteer.0,
            visits_from: monalisa_core::visibility::windows(today).0.to_string(),
            reports_from: monalisa_core::visibility::windows(today).1.to_string(),
        };
        let page = match cursor {
            None => {
                // A phone with nothing: forget what this device was thought to hold, snapshot.
                sql::query("DELETE FROM device_records WHERE device_id = ?")
                    .bind(device)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
                let seq = max_seq(&mut tx).await?;
                snapshot(&mut tx, &window, seq, 0, String::new(), limit).await?
            }
            Some(Cursor { seq, snapshot: Some(pos) }) => {
                snapshot(&mut tx, &window, *seq, pos.kind, pos.after_id.clone(), limit).await?
            }
            Some(Cursor { seq, snapshot: None }) => {
                // The phone applied everything up to `seq`: its tombstones up to there are done.
                sql::query("DELETE FROM device_records WHERE device_id = ? AND gone_seq IS NOT NULL AND gone_seq <= ?")
                    .bind(device)
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
                changes_since(&mut tx, &window, *seq, limit).await?
            }
        };
        tx.commit().await.map_err(other)?;
        Ok(page)
    }

    async fn review_queue(&self, scope: ScopeId) -> Result<monalisa_core::wire::review::ReviewQueue, StoreError> {
        let scope = scope.0;
        use monalisa_core::wire::review::{FlaggedReport, QuarantinedPush, ReviewQueue};
        let flagged = sql::query(
            "SELECT p.id, p.resident_id, r.first_name || ' ' || r.last_name AS resident_name, \
             v.first_name || ' ' || v.last_name AS volunteer_name, p.day, p.outcome, p.flag, p.received_at \
             FROM reports p JOIN residents r ON r.id = p.resident_id JOIN volunteers v ON v.id = p.volunteer_id \
             JOIN scope_communes sc ON sc.commune = r.commune \
             WHERE p.flag IS NOT NULL AND p.reviewed_at IS NULL AND sc.scope_id = ? \
             ORDER BY p.received_at DESC LIMIT 500",
        )
        .bind(scope)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let quarantined = sql::query(
            "SELECT q.mutation_id, COALESCE(v.first_name || ' ' || v.last_name, u.display_name) AS volunteer_name, \
             q.reason, q.received_at, q.payload \
             FROM quarantine q JOIN users u ON u.id = q.user_id LEFT JOIN volunteers v ON v.id = u.volunteer_id \
             WHERE q.reviewed_at IS NULL AND v.scope_id = ? ORDER BY q.received_at DESC LIMIT 500",
        )
        .bind(scope)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let flagged = flagged
            .iter()
            .map(|row| {
                Ok(FlaggedReport {
                    report: ClientId::parse(row.get("id")).ok_or_else(|| bad("report id"))?,
                    resident: ResidentId(row.get("resident_id")),
                    resident_name: row.get("resident_name"),
                    volunteer_name: row.get("volunteer_name"),
                    day: date(row.get("day"))?,
                    outcome: Outcome::from_code(row.get("outcome")).ok_or_else(|| bad("outcome"))?,
                    flag: Flag::from_code(row.get("flag")).ok_or_else(|| bad("flag"))?,
                    received_at: Timestamp(row.get("received_at")),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let mut pushes = Vec::with_capacity(quarantined.len());
        for row in &quarantined {
            let payload: Mutation = serde_json::from_str(row.get("payload")).map_err(|_| bad("quarantined push"))?;
            pushes.push(QuarantinedPush {
                mutation: ClientId::parse(row.get("mutation_id")).ok_or_else(|| bad("mutation id"))?,
                volunteer_name: row.get("volunteer_name"),
                reason: row.get("reason"),
                received_at: Timestamp(row.get("received_at")),
                content: self.push_content(scope, payload.body).await?,
            });
        }
        Ok(ReviewQueue { flagged, quarantined: pushes })
    }

    /// Marks a flagged report or a quarantined push of `scope` as reviewed.
    async fn mark_reviewed(
        &self,
        scope: ScopeId,
        item: &monalisa_core::wire::review::ReviewItem,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (scope, by) = (scope.0, by.0);
        use monalisa_core::wire::review::ReviewItem;
        let (_write, mut tx) = self.write().await?;
        let (find, mark) = match item {
            ReviewItem::Report(_) => (
                "SELECT p.reviewed_at FROM reports p JOIN residents r ON r.id = p.resident_id \
                 JOIN scope_communes sc ON sc.commune = r.commune \
                 WHERE p.id = ?1 AND p.flag IS NOT NULL AND sc.scope_id = ?2",
                "UPDATE reports SET reviewed_at = ?1, reviewed_by = ?2 WHERE id = ?3",
            ),
            ReviewItem::Quarantined(_) => (
                "SELECT q.reviewed_at FROM quarantine q JOIN users u ON u.id = q.user_id \
                 JOIN volunteers v ON v.id = u.volunteer_id WHERE q.mutation_id = ?1 AND v.scope_id = ?2",
                "UPDATE quarantine SET reviewed_at = ?1, reviewed_by = ?2 WHERE mutation_id = ?3",
            ),
        };
        let id = item.id();
        let reviewed: Option<Option<i64>> =
            sql::query_scalar(find).bind(id).bind(scope).fetch_optional(&mut *tx).await.map_err(other)?;
        match reviewed {
            None => return Err(StoreError::NotFound),
            Some(Some(_)) => return Err(StoreError::Conflict("already reviewed".into())),
            Some(None) => {}
        }
        sql::query(mark).bind(now.0).bind(by).bind(id).execute(&mut *tx).await.map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn release_quarantined(
        &self,
        scope: ScopeId,
        mutation: &monalisa_core::domain::ClientId,
        by: UserId,
        now: Timestamp,
    ) -> Result<monalisa_core::sync::AckStatus, StoreError> {
        let Some(file) = self.file.clone() else {
            // PostgreSQL: in a write transaction of the pool's.
            let (_write, mut tx) = self.write().await?;
            let status = crate::push_writer_pg::release(&mut tx, scope.0, mutation, by.0, now).await?;
            tx.commit().await.map_err(other)?;
            return Ok(status);
        };
        let write = self.write_lock.clone().lock_owned().await;
        let mutation = mutation.clone();
        // Run to the end even if the request goes away (the lock goes with the work).
        tokio::task::spawn_blocking(move || {
            let _write = write;
            crate::push_writer::release(&file, scope.0, &mutation, by.0, now)
        })
        .await
        .map_err(other)?
    }
}

impl SqlStore {
    /// A pull's transaction. It writes only what the device holds (`device_records`). On
    /// SQLite it is a write transaction like any other. On PostgreSQL it does not wait for the
    /// writers: the device's own advisory lock (pulls of one device follow one another, on
    /// any server process), then reads at read-committed isolation, which the feed's order
    /// makes enough: a change committed after the pull read the feed has a later position, and
    /// comes with the next pull; a record read newer than its feed position is sent again.
    async fn pull_transaction(
        &self,
        device: monalisa_core::auth::DeviceId,
    ) -> Result<(Option<tokio::sync::OwnedMutexGuard<()>>, Tx<'static>), StoreError> {
        match self.dialect {
            Dialect::Sqlite => self.write().await.map(|(guard, tx)| (Some(guard), tx)),
            Dialect::Postgres => {
                let mut tx = self.pool.begin().await.map_err(other)?;
                // The two-key form: a key space apart from the writers' lock.
                sql::query(
                    "SELECT 1 FROM (SELECT pg_advisory_xact_lock(2, CAST(? % 2147483647 AS INTEGER))) AS locked",
                )
                .bind(device.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
                Ok((None, tx))
            }
        }
    }

    /// What a quarantined push holds, with the resident's name only inside `scope`.
    async fn push_content(
        &self,
        scope: i64,
        body: MutationBody,
    ) -> Result<monalisa_core::wire::review::PushContent, StoreError> {
        use monalisa_core::wire::review::PushContent;
        Ok(match body {
            MutationBody::Report(r) => {
                let name: Option<String> = sql::query_scalar(
                    "SELECT r.first_name || ' ' || r.last_name FROM residents r \
                     JOIN scope_communes sc ON sc.commune = r.commune \
                     WHERE r.id = ? AND sc.scope_id = ? AND r.last_name <> ''",
                )
                .bind(r.resident.0)
                .bind(scope)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
                PushContent::Report {
                    resident: r.resident,
                    resident_name: name,
                    day: r.day,
                    outcome: r.outcome,
                    concerns: r.concerns,
                }
            }
            MutationBody::Absence { first, last } => PushContent::Absence { first, last },
            MutationBody::CancelAbsence { first, last } => PushContent::AbsenceCancelled { first, last },
            MutationBody::DeclineVisit { visit, .. } => {
                let day: Option<String> = sql::query_scalar("SELECT day FROM visits WHERE id = ?")
                    .bind(visit.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(other)?;
                PushContent::Decline { day: day.as_deref().map(date).transpose()? }
            }
        })
    }
}

/// The audit trail, written in the same transaction as what it records.
async fn audit(
    tx: &mut Tx<'_>,
    user: i64,
    device: i64,
    action: &str,
    kind: &str,
    id: &str,
    detail: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sql::query("INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(now.0)
        .bind(user)
        .bind(device)
        .bind(action)
        .bind(kind)
        .bind(id)
        .bind(detail)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    Ok(())
}

async fn max_seq(tx: &mut Tx<'_>) -> Result<i64, StoreError> {
    sql::query_scalar("SELECT COALESCE(max(seq), 0) FROM change_log").fetch_one(&mut **tx).await.map_err(other)
}

// ---- pull ------------------------------------------------------------------------------------

async fn visible(tx: &mut Tx<'_>, w: &Window, kind: RecordKind, id: &str) -> Result<bool, StoreError> {
    let sql = match kind {
        RecordKind::Resident => {
            format!("SELECT 1 FROM residents r WHERE r.id = ?1 AND {RESIDENT_VISIBLE}")
        }
        RecordKind::Visit => format!("SELECT 1 FROM visits v WHERE v.id = ?1 AND {VISIT_VISIBLE}"),
        RecordKind::Report => {
            format!("SELECT 1 FROM reports p WHERE p.id = ?1 AND {REPORT_VISIBLE}")
        }
    };
    // Exactly the parameters the statement numbers: ?1 id, ?2 volunteer, ?3 the window.
    let (sql, window) = match kind {
        RecordKind::Report => (sql.replace("?r", "?3").replace("?v", "?2"), &w.reports_from),
        _ => (sql.replace("?w", "?3").replace("?v", "?2"), &w.visits_from),
    };
    let q = sql::query(&sql);
    let q = if kind == RecordKind::Report {
        q.bind(id.to_owned())
    } else {
        q.bind(id.parse::<i64>().map_err(|_| bad("id"))?)
    };
    let row = q.bind(w.volunteer).bind(window).fetch_optional(&mut **tx).await.map_err(other)?;
    Ok(row.is_some())
}

async fn load(tx: &mut Tx<'_>, kind: RecordKind, id: &str) -> Result<Option<Change>, StoreError> {
    Ok(match kind {
        RecordKind::Resident => load_card(&mut **tx, id.parse().map_err(|_| bad("id"))?).await?.map(Change::Resident),
        RecordKind::Visit => load_visit(tx, id.parse().map_err(|_| bad("id"))?).await?.map(Change::Visit),
        RecordKind::Report => load_report(tx, id).await?.map(Change::Report),
    })
}

pub(crate) async fn load_card(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<ResidentCard>, StoreError> {
    let row = sql::query(
        "SELECT r.id, r.first_name, r.last_name, r.address, c.name AS commune_name, r.phone, r.home_lat, r.home_lon, \
         CASE WHEN r.home_lat = c.centre_lat AND r.home_lon = c.centre_lon THEN 1 ELSE 0 END AS approximate, r.access_notes, r.likes, r.rhythm, r.follow_up_start, \
         (SELECT max(day) FROM reports WHERE resident_id = r.id AND outcome = 'done') AS last_done, \
         (SELECT day FROM reports WHERE resident_id = r.id ORDER BY day DESC, received_at DESC LIMIT 1) AS last_day, \
         (SELECT outcome FROM reports WHERE resident_id = r.id ORDER BY day DESC, received_at DESC LIMIT 1) AS last_outcome \
         FROM residents r JOIN communes c ON c.insee = r.commune WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
    .map_err(other)?;
    let Some(row) = row else { return Ok(None) };
    let rhythm = Rhythm::from_code(row.get("rhythm")).ok_or_else(|| bad("rhythm"))?;
    let last_done = row.get::<Option<String>, _>("last_done").as_deref().map(date).transpose()?;
    let last_visit = match (row.get::<Option<String>, _>("last_day"), row.get::<Option<String>, _>("last_outcome")) {
        (Some(d), Some(o)) => {
            Some(LastVisit { day: date(&d)?, outcome: Outcome::from_code(&o).ok_or_else(|| bad("outcome"))? })
        }
        _ => None,
    };
    Ok(Some(ResidentCard {
        id: ResidentId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        address: row.get("address"),
        commune_name: row.get("commune_name"),
        phone: row.get("phone"),
        home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
        approximate: row.get::<i64, _>("approximate") != 0,
        access_notes: row.get("access_notes"),
        likes: row.get("likes"),
        rhythm,
        next_due: monalisa_core::domain::rules::next_due(rhythm, date(row.get("follow_up_start"))?, last_done),
        last_visit,
    }))
}

async fn load_visit(tx: &mut Tx<'_>, id: i64) -> Result<Option<VisitRecord>, StoreError> {
    let row = sql::query(
        "SELECT v.id, v.resident_id, v.day, v.start_min, v.seq, ro.week_start, v.status FROM visits v \
         JOIN rounds ro ON ro.id = v.round_id WHERE v.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(other)?;
    row.map(|row| {
        Ok(VisitRecord {
            id: VisitId(row.get("id")),
            resident: ResidentId(row.get("resident_id")),
            day: date(row.get("day"))?,
            start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(u16::MAX))
                .ok_or_else(|| bad("time"))?,
            order: u32::try_from(row.get::<i64, _>("seq")).unwrap_or(0),
            week_start: date(row.get("week_start"))?,
            reported: row.get::<&str, _>("status") == "reported",
        })
    })
    .transpose()
}

async fn load_report(tx: &mut Tx<'_>, id: &str) -> Result<Option<ReportRecord>, StoreError> {
    let Some(row) =
        sql::query("SELECT id, visit_id, resident_id, day, outcome, flag, received_at FROM reports WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(other)?
    else {
        return Ok(None);
    };
    let concerns = sql::query("SELECT kind, status FROM concerns WHERE report_id = ? ORDER BY kind")
        .bind(id)
        .fetch_all(&mut **tx)
        .await
        .map_err(other)?;
    Ok(Some(ReportRecord {
        id: ClientId::parse(row.get("id")).ok_or_else(|| bad("report id"))?,
        visit: row.get::<Option<i64>, _>("visit_id").map(VisitId),
        resident: ResidentId(row.get("resident_id")),
        day: date(row.get("day"))?,
        outcome: Outcome::from_code(row.get("outcome")).ok_or_else(|| bad("outcome"))?,
        flag: row.get::<Option<String>, _>("flag").as_deref().and_then(Flag::from_code),
        concerns: concerns
            .iter()
            .map(|c| {
                let kind = ConcernKind::from_code(c.get("kind")).ok_or_else(|| bad("concern"))?;
                let status = match c.get::<&str, _>("status") {
                    "acknowledged" => ConcernStatus::Acknowledged,
                    "resolved" => ConcernStatus::Resolved,
                    _ => ConcernStatus::Open,
                };
                Ok((kind, status))
            })
            .collect::<Result<_, StoreError>>()?,
        received_at: Timestamp(row.get("received_at")),
    }))
}

/// Records that the device now holds a record (and, for a resident, the read in the audit trail).
async fn deliver(tx: &mut Tx<'_>, w: &Window, kind: RecordKind, id: &str) -> Result<(), StoreError> {
    mark_held(tx, w.device, kind, id).await?;
    if kind == RecordKind::Resident {
        audit(tx, w.user, w.device, "resident.read", "resident", id, "sync", w.now).await?;
    }
    Ok(())
}

async fn mark_held(tx: &mut Tx<'_>, device: i64, kind: RecordKind, id: &str) -> Result<(), StoreError> {
    sql::query(
        "INSERT INTO device_records (device_id, kind, entity_id, gone_seq) VALUES (?, ?, ?, NULL) \
         ON CONFLICT (device_id, kind, entity_id) DO UPDATE SET gone_seq = NULL",
    )
    .bind(device)
    .bind(kind_code(kind))
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(())
}

async fn snapshot(
    tx: &mut Tx<'_>,
    w: &Window,
    seq: i64,
    mut kind_index: u8,
    mut after: String,
    limit: usize,
) -> Result<PullPage, StoreError> {
    let mut changes = Vec::new();
    while let Some(&kind) = SNAPSHOT_KINDS.get(usize::from(kind_index)) {
        let want = (limit - changes.len()) as i64;
        let (sql, text_ids) = match kind {
            RecordKind::Resident => (
                format!(
                    "SELECT r.id AS id FROM residents r WHERE r.id > ?1 AND {RESIDENT_VISIBLE} ORDER BY r.id LIMIT ?5"
                ),
                false,
            ),
            RecordKind::Visit => (
                format!("SELECT v.id AS id FROM visits v WHERE v.id > ?1 AND {VISIT_VISIBLE} ORDER BY v.id LIMIT ?5"),
                false,
            ),
            RecordKind::Report => (
                format!("SELECT p.id AS id FROM reports p WHERE p.id > ?1 AND {REPORT_VISIBLE} ORDER BY p.id LIMIT ?5"),
                true,
            ),
        };
        let sql = numbered(&sql);
        let q = sql::query(&sql);
        let q = if text_ids { q.bind(after.clone()) } else { q.bind(after.parse::<i64>().unwrap_or(0)) };
        let rows = q
            .bind(w.volunteer)
            .bind(&w.visits_from)
            .bind(&w.reports_from)
            .bind(want)
            .fetch_all(&mut **tx)
            .await
            .map_err(other)?;
        let ids: Vec<String> = rows
            .iter()
            .map(|r| if text_ids { r.get::<String, _>("id") } else { r.get::<i64, _>("id").to_string() })
            .collect();
        for id in &ids {
            if let Some(change) = load(tx, kind, id).await? {
                deliver(tx, w, kind, id).await?;
                changes.push(change);
            }
        }
        if ids.len() as i64 == want {
            let last = ids.last().cloned().unwrap_or_default();
            return Ok(PullPage {
                changes,
                cursor: Cursor { seq, snapshot: Some(SnapshotPosition { kind: kind_index, after_id: last }) },
                more: true,
            });
        }
        kind_index += 1;
        after = String::new();
    }
    let more = 0
        != sql::query_scalar::<i64>(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM change_log WHERE seq > ?) THEN 1 ELSE 0 END",
        )
        .bind(seq)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)?;
    Ok(PullPage { changes, cursor: Cursor { seq, snapshot: None }, more })
}

async fn changes_since(tx: &mut Tx<'_>, w: &Window, since: i64, limit: usize) -> Result<PullPage, StoreError> {
    let rows = sql::query("SELECT seq, kind, entity_id FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?")
        .bind(since)
        .bind(limit as i64)
        .fetch_all(&mut **tx)
        .await
        .map_err(other)?;
    let mut changes = Vec::new();
    let mut done: std::collections::HashSet<(RecordKind, String)> = std::collections::HashSet::new();
    let mut last = since;
    for row in &rows {
        let seq: i64 = row.get("seq");
        last = seq;
        let Some(kind) = kind_of(row.get("kind")) else {
            continue;
        };
        let id: String = row.get("entity_id");
        let mut todo = vec![(kind, id)];
        // A visit's change can make its resident visible (or not) to this volunteer.
        if kind == RecordKind::Visit {
            let resident: Option<i64> = sql::query_scalar("SELECT resident_id FROM visits WHERE id = ?")
                .bind(todo[0].1.parse::<i64>().unwrap_or(0))
                .fetch_optional(&mut **tx)
                .await
                .map_err(other)?;
            todo.extend(resident.map(|r| (RecordKind::Resident, r.to_string())));
        }
        for (kind, id) in todo {
            if !done.insert((kind, id.clone())) {
                continue;
            }
            if visible(tx, w, kind, &id).await? {
                if let Some(change) = load(tx, kind, &id).await? {
                    deliver(tx, w, kind, &id).await?;
                    changes.push(change);
                }
            } else {
                let held: Option<Option<i64>> = sql::query_scalar(
                    "SELECT gone_seq FROM device_records WHERE device_id = ? AND kind = ? AND entity_id = ?",
                )
                .bind(w.device)
                .bind(kind_code(kind))
                .bind(&id)
                .fetch_optional(&mut **tx)
                .await
                .map_err(other)?;
                if let Some(gone) = held {
                    if gone.is_none() {
                        sql::query(
                            "UPDATE device_records SET gone_seq = ? WHERE device_id = ? AND kind = ? AND entity_id = ?",
                        )
                        .bind(seq)
                        .bind(w.device)
                        .bind(kind_code(kind))
                        .bind(&id)
                        .execute(&mut **tx)
                        .await
                        .map_err(other)?;
                    }
                    changes.push(Change::Removed { record: kind, id });
                }
            }
        }
    }
    let more = rows.len() == limit;
    Ok(PullPage { changes, cursor: Cursor { seq: last, snapshot: None }, more })
}
