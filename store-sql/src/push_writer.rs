//! The push writer: applies pushes on its own thread with a synchronous SQLite connection
//! (rusqlite, cached prepared statements: a few microseconds per statement instead of a channel
//! round trip each), committing the pushes that wait together in one transaction, each push
//! in its own savepoint (group commit: one disk flush for many phones, each push still
//! all-or-nothing). It answers only after the commit: nothing is acknowledged before it is on
//! disk (`synchronous = FULL`).
//!
//! It shares the in-process writer lock with the other write transactions (see `lib.rs`).

use crate::push_sql::*;
use crate::sql::Dialect;
use monalisa_core::domain::{Timestamp, VolunteerId};
use monalisa_core::push;
use monalisa_core::sync::{Ack, AckStatus, Flag, Mutation, MutationBody, PushRequest, ReportInput};
use monalisa_store::{StoreError, SyncCaller};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
use std::sync::Arc;

/// A push waiting for the writer.
pub(crate) struct PushJob {
    pub caller: SyncCaller,
    pub request: PushRequest,
    pub now: Timestamp,
    pub reply: tokio::sync::oneshot::Sender<Result<Vec<Ack>, StoreError>>,
}

/// Pushes committed together at most (bounds one transaction and everyone's wait).
const GROUP_MAX: usize = 64;

fn failed(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> StoreError {
    StoreError::other(e)
}

/// Starts the writer thread on the database file `path` (already migrated).
pub(crate) fn spawn(
    path: &Path,
    write_lock: Arc<tokio::sync::Mutex<()>>,
) -> Result<tokio::sync::mpsc::Sender<PushJob>, StoreError> {
    let conn = Connection::open(path).map_err(failed)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
    )
    .map_err(failed)?;
    conn.set_prepared_statement_cache_capacity(64);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PushJob>(1024);
    std::thread::Builder::new()
        .name("push-writer".into())
        .spawn(move || {
            let mut conn = conn;
            while let Some(first) = rx.blocking_recv() {
                let mut jobs = vec![first];
                while jobs.len() < GROUP_MAX {
                    match rx.try_recv() {
                        Ok(job) => jobs.push(job),
                        Err(_) => break,
                    }
                }
                let results = {
                    let _write = write_lock.blocking_lock();
                    commit_group(&mut conn, &jobs)
                };
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
        })
        .map_err(failed)?;
    Ok(tx)
}

fn commit_group(conn: &mut Connection, jobs: &[PushJob]) -> Vec<Result<Vec<Ack>, StoreError>> {
    let mut tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return jobs.iter().map(|_| Err(failed(e.to_string()))).collect(),
    };
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        // A savepoint per push: one failing push does not undo the others.
        let result = (|| {
            let sp = tx.savepoint().map_err(failed)?;
            let acks = apply_push(&sp, &job.caller, &job.request, job.now)?;
            sp.commit().map_err(failed)?;
            Ok(acks)
        })();
        results.push(result);
    }
    match tx.commit() {
        Ok(()) => results,
        Err(e) => jobs.iter().map(|_| Err(failed(e.to_string()))).collect(),
    }
}

fn apply_push(
    c: &Connection,
    caller: &SyncCaller,
    request: &PushRequest,
    now: Timestamp,
) -> Result<Vec<Ack>, StoreError> {
    let mut acks = Vec::with_capacity(request.mutations.len());
    for m in &request.mutations {
        let previous: Option<String> = c
            .prepare_cached(PREVIOUS_ACK)
            .and_then(|mut s| s.query_row([m.id.as_str()], |r| r.get(0)).optional())
            .map_err(failed)?;
        if let Some(previous) = previous {
            let status = push::resend(serde_json::from_str::<AckStatus>(&previous).map_err(failed)?);
            acks.push(Ack { id: m.id.clone(), status });
            continue;
        }
        let status = match push::gate(caller.revoked, caller.volunteer) {
            push::Gate::SetAside(reason) => quarantine(c, caller, m, reason, now)?,
            push::Gate::Refuse(reason) => AckStatus::Rejected { reason: reason.into() },
            push::Gate::Apply(v) => apply_one(c, caller, v.0, m, now)?,
        };
        c.prepare_cached(RECORD_APPLIED)
            .and_then(|mut s| {
                s.execute(params![
                    m.id.as_str(),
                    caller.user.0,
                    caller.device.0,
                    i64::from(request.protocol),
                    serde_json::to_string(&status).unwrap_or_default(),
                    m.recorded_at.0,
                    now.0
                ])
            })
            .map_err(failed)?;
        acks.push(Ack { id: m.id.clone(), status });
    }
    c.prepare_cached(DEVICE_SYNCED).and_then(|mut s| s.execute(params![now.0, caller.device.0])).map_err(failed)?;
    Ok(acks)
}

/// The audit trail, in the same transaction as what it records.
fn audit(
    c: &Connection,
    caller: &SyncCaller,
    action: &str,
    id: &str,
    detail: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    c.prepare_cached(AUDIT)
        .and_then(|mut s| s.execute(params![now.0, caller.user.0, caller.device.0, action, id, detail]))
        .map_err(failed)?;
    Ok(())
}

/// Brings the quarantined push `mutation` of `scope`'s volunteer into the record, on its own
/// connection to `path` (the caller holds the writer lock): applied as the phone's push would
/// have been before its removal, its answer recorded in place of "quarantined", marked reviewed
/// by `by`; all in one transaction, or nothing.
pub(crate) fn release(
    path: &Path,
    scope: i64,
    mutation: &monalisa_core::domain::ClientId,
    by: i64,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    use monalisa_core::auth::{DeviceId, UserId};
    let mut conn = Connection::open(path).map_err(failed)?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
        .map_err(failed)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(failed)?;
    type Row = (i64, i64, String, String, Option<i64>, Option<i64>, Option<i64>);
    let row: Option<Row> = tx
        .query_row(QUARANTINED, [mutation.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })
        .optional()
        .map_err(failed)?;
    let Some((user, device, reason, payload, reviewed, Some(volunteer), Some(their_scope))) = row else {
        return Err(StoreError::NotFound);
    };
    if their_scope != scope {
        return Err(StoreError::NotFound);
    }
    if reviewed.is_some() {
        return Err(StoreError::Conflict("already reviewed".into()));
    }
    if !push::releasable(&reason) {
        return Err(StoreError::Conflict(format!("cannot enter the record: {reason}")));
    }
    let m: Mutation = serde_json::from_str(&payload).map_err(failed)?;
    if let MutationBody::Report(r) = &m.body {
        let known: i64 = tx.query_row(RESIDENTS_WITH_ID, [r.resident.0], |row| row.get(0)).map_err(failed)?;
        if known == 0 {
            return Err(StoreError::Conflict("cannot enter the record: unknown_resident".into()));
        }
    }
    let caller = SyncCaller {
        user: UserId(user),
        device: DeviceId(device),
        volunteer: Some(VolunteerId(volunteer)),
        revoked: false,
    };
    let status = apply_one(&tx, &caller, volunteer, &m, now)?;
    if let AckStatus::Rejected { reason } = &status {
        return Err(StoreError::Conflict(format!("cannot enter the record: {reason}")));
    }
    tx.execute(SET_ACK, params![serde_json::to_string(&status).unwrap_or_default(), m.id.as_str()]).map_err(failed)?;
    tx.execute(MARK_RELEASED, params![now.0, by, m.id.as_str()]).map_err(failed)?;
    tx.commit().map_err(failed)?;
    Ok(status)
}

fn quarantine(
    c: &Connection,
    caller: &SyncCaller,
    m: &Mutation,
    reason: &str,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    set_aside(c, caller, m, reason, now)?;
    Ok(AckStatus::Quarantined)
}

/// A refused report is a visit that happened all the same: the phone keeps it for correction,
/// and the server keeps it aside too (`refused:<reason>`), so that a phone wiped or logged out
/// before the correction loses nothing. The phone's answer stays "refused".
fn keep_refused(
    c: &Connection,
    caller: &SyncCaller,
    m: &Mutation,
    reason: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    set_aside(c, caller, m, &format!("refused:{reason}"), now).map(|_| ())
}

/// Puts a push aside for the ambassador, once (`false` if it already was), audited.
fn set_aside(
    c: &Connection,
    caller: &SyncCaller,
    m: &Mutation,
    reason: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let added = c
        .prepare_cached(SET_ASIDE)
        .and_then(|mut s| {
            s.execute(params![
                m.id.as_str(),
                caller.user.0,
                caller.device.0,
                reason,
                serde_json::to_string(m).unwrap_or_default(),
                now.0
            ])
        })
        .map_err(failed)?;
    if added > 0 {
        audit(c, caller, "mutation.quarantine", m.id.as_str(), reason, now)?;
    }
    Ok(added > 0)
}

fn apply_one(
    c: &Connection,
    caller: &SyncCaller,
    volunteer: i64,
    m: &Mutation,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    match &m.body {
        MutationBody::Report(r) => {
            let status = apply_report(c, caller, volunteer, m, r, now)?;
            if let AckStatus::Rejected { reason } = &status {
                keep_refused(c, caller, m, reason, now)?;
            }
            Ok(status)
        }
        MutationBody::Absence { first, last } => {
            if let Some(reason) = push::absence(*first, *last, now.paris_local().0) {
                return Ok(AckStatus::Rejected { reason });
            }
            c.prepare_cached(ADD_ABSENCE)
                .and_then(|mut s| s.execute(params![volunteer, first.to_string(), last.to_string()]))
                .map_err(failed)?;
            Ok(AckStatus::Applied { flag: None })
        }
        MutationBody::CancelAbsence { first, last } => {
            if let Some(reason) = push::cancel_absence(*first, *last) {
                return Ok(AckStatus::Rejected { reason });
            }
            c.prepare_cached(&cancel_absence(Dialect::Sqlite))
                .and_then(|mut s| s.execute(params![volunteer, first.to_string(), last.to_string()]))
                .map_err(failed)?;
            Ok(AckStatus::Applied { flag: None })
        }
        MutationBody::DeclineVisit { visit, reason } => {
            let owner: Option<i64> = c
                .prepare_cached(VISIT_OWNER)
                .and_then(|mut s| s.query_row([visit.0], |r| r.get(0)).optional())
                .map_err(failed)?;
            match push::decline(VolunteerId(volunteer), reason, owner.map(VolunteerId)) {
                push::DeclineDecision::Refuse(reason) => Ok(AckStatus::Rejected { reason: reason.into() }),
                push::DeclineDecision::Acknowledge(flag) => Ok(AckStatus::Applied { flag: Some(flag) }),
                push::DeclineDecision::Record => {
                    c.prepare_cached(RECORD_DECLINE)
                        .and_then(|mut s| s.execute(params![m.id.as_str(), visit.0, volunteer, reason, now.0]))
                        .map_err(failed)?;
                    // The visit leaves the round: the person is planned again (by someone else
                    // or another day), and the phone drops it at its next pull.
                    c.prepare_cached(CANCEL_VISIT).and_then(|mut s| s.execute([visit.0])).map_err(failed)?;
                    Ok(AckStatus::Applied { flag: None })
                }
            }
        }
    }
}

fn apply_report(
    c: &Connection,
    caller: &SyncCaller,
    volunteer: i64,
    m: &Mutation,
    r: &ReportInput,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    let resident: Option<(Option<i64>, String, bool)> = c
        .prepare_cached(RESIDENT_FACTS)
        .and_then(|mut s| {
            s.query_row(params![r.resident.0, volunteer, caller.user.0], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()
        })
        .map_err(failed)?;
    let resident = resident.map(|(usual, start, known_to_caller): (Option<i64>, String, bool)| push::ResidentFacts {
        volunteer: usual.map(VolunteerId),
        follow_up_start: monalisa_core::domain::Date::parse(&start).unwrap_or(monalisa_core::domain::Date::MIN),
        known_to_caller,
    });
    let visit = match r.visit {
        None => None,
        Some(visit) => c
            .prepare_cached(VISIT_FACTS)
            .and_then(|mut s| {
                s.query_row([visit.0], |row| {
                    Ok(push::VisitFacts {
                        volunteer: VolunteerId(row.get(0)?),
                        cancelled: row.get::<_, String>(1)? == "cancelled",
                        resident: monalisa_core::domain::ResidentId(row.get(2)?),
                    })
                })
                .optional()
            })
            .map_err(failed)?,
    };
    let (flag, visit_id) =
        match push::report(VolunteerId(volunteer), r, resident.as_ref(), visit.as_ref(), now.paris_local().0) {
            push::ReportDecision::Refuse(reason) => return Ok(AckStatus::Rejected { reason }),
            push::ReportDecision::SetAside(reason) => return quarantine(c, caller, m, reason, now),
            push::ReportDecision::Record { flag, visit, completes_visit } => {
                if let (true, Some(visit)) = (completes_visit, visit) {
                    c.prepare_cached(COMPLETE_VISIT).and_then(|mut s| s.execute([visit.0])).map_err(failed)?;
                }
                (flag, visit.map(|v| v.0))
            }
        };
    c.prepare_cached(INSERT_REPORT)
        .and_then(|mut s| {
            s.execute(params![
                m.id.as_str(),
                visit_id,
                r.resident.0,
                volunteer,
                r.day.to_string(),
                r.outcome.code(),
                r.duration_minutes.map(i64::from),
                r.mood.map(|x| i64::from(x.get())),
                r.note,
                r.proposed_next.map(|d| d.to_string()),
                m.recorded_at.0,
                now.0,
                flag.map(Flag::code),
                caller.device.0
            ])
        })
        .map_err(failed)?;
    audit(c, caller, "report.create", m.id.as_str(), flag.map_or("", Flag::code), now)?;
    for kind in &r.concerns {
        c.prepare_cached(INSERT_CONCERN)
            .and_then(|mut s| s.execute(params![m.id.as_str(), kind.code(), r.resident.0, now.0]))
            .map_err(failed)?;
    }
    Ok(AckStatus::Applied { flag })
}
