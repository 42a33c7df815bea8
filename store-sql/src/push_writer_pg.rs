//! The push writer on PostgreSQL: one task per server process applies the pushes that wait,
//! together in one transaction, each push in its own savepoint (group commit, as on SQLite:
//! one durable commit for many phones, each push still all-or-nothing), and answers only after
//! the commit (`synchronous_commit` on: the commit is on disk when it returns).
//!
//! Several processes may push at once: each group's transaction takes the writers' advisory
//! lock first (`begin_write` in `lib.rs`), so groups apply one after the other across replicas,
//! and a mutation sent to two replicas at once is applied by the first and answered from
//! `applied_mutations` by the second (its primary key would refuse a second row anyway).
//!
//! The statements are `push_sql`'s, the decisions `monalisa_core::push`'s, in the same order
//! as the SQLite writer (`push_writer.rs`).

use crate::push_sql::*;
use crate::push_writer::PushJob;
use crate::sql::{self, Dialect};
use monalisa_core::domain::{Timestamp, VolunteerId};
use monalisa_core::push;
use monalisa_core::sync::{Ack, AckStatus, Flag, Mutation, MutationBody, PushRequest, ReportInput};
use monalisa_store::{StoreError, SyncCaller};
use sqlx::{Acquire, AnyConnection, AnyPool, Row};
use std::sync::Arc;

/// Pushes committed together at most (bounds one transaction and everyone's wait).
const GROUP_MAX: usize = 64;

fn failed(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> StoreError {
    StoreError::other(e)
}

/// Starts the writer task on `pool` (it ends when the store, holding the sender, goes).
pub(crate) fn spawn(pool: AnyPool, write_lock: Arc<tokio::sync::Mutex<()>>) -> tokio::sync::mpsc::Sender<PushJob> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PushJob>(1024);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut jobs = vec![first];
            while jobs.len() < GROUP_MAX {
                match rx.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            let results = commit_group(&pool, &write_lock, &jobs).await;
            for (job, result) in jobs.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
        }
    });
    tx
}

async fn commit_group(
    pool: &AnyPool,
    write_lock: &Arc<tokio::sync::Mutex<()>>,
    jobs: &[PushJob],
) -> Vec<Result<Vec<Ack>, StoreError>> {
    let all_failed = |e: &dyn std::fmt::Display| jobs.iter().map(|_| Err(failed(e.to_string()))).collect();
    let (_write, mut tx) = match crate::begin_write(pool, Dialect::Postgres, write_lock).await {
        Ok(w) => w,
        Err(e) => return all_failed(&e),
    };
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        // A savepoint per push: one failing push does not undo the others.
        let result = async {
            let mut sp = tx.begin().await.map_err(failed)?;
            let acks = apply_push(&mut sp, &job.caller, &job.request, job.now).await?;
            sp.commit().await.map_err(failed)?;
            Ok(acks)
        }
        .await;
        results.push(result);
    }
    match tx.commit().await {
        Ok(()) => results,
        Err(e) => all_failed(&e),
    }
}

async fn apply_push(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    request: &PushRequest,
    now: Timestamp,
) -> Result<Vec<Ack>, StoreError> {
    let mut acks = Vec::with_capacity(request.mutations.len());
    // The answers already given, for the whole push in one query (each statement is a round
    // trip to the database: the writer's time goes there).
    let mut previous = previous_acks(c, &request.mutations).await?;
    for m in &request.mutations {
        if let Some(previous) = previous.get(m.id.as_str()) {
            let status = push::resend(serde_json::from_str::<AckStatus>(previous).map_err(failed)?);
            acks.push(Ack { id: m.id.clone(), status });
            continue;
        }
        let (status, recorded) = match push::gate(caller.revoked, caller.volunteer) {
            push::Gate::SetAside(reason) => (quarantine(c, caller, m, reason, now).await?, false),
            push::Gate::Refuse(reason) => (AckStatus::Rejected { reason: reason.into() }, false),
            push::Gate::Apply(v) => apply_one(c, caller, v.0, m, now, Some(request.protocol)).await?,
        };
        let ack = serde_json::to_string(&status).unwrap_or_default();
        previous.insert(m.id.as_str().to_owned(), ack.clone());
        if recorded {
            acks.push(Ack { id: m.id.clone(), status });
            continue;
        }
        sql::query(RECORD_APPLIED)
            .bind(m.id.as_str())
            .bind(caller.user.0)
            .bind(caller.device.0)
            .bind(i64::from(request.protocol))
            .bind(ack)
            .bind(m.recorded_at.0)
            .bind(now.0)
            .execute(&mut *c)
            .await
            .map_err(failed)?;
        acks.push(Ack { id: m.id.clone(), status });
    }
    sql::query(DEVICE_SYNCED).bind(now.0).bind(caller.device.0).execute(&mut *c).await.map_err(failed)?;
    Ok(acks)
}

/// The answers recorded for those of `mutations` already applied: id → answer (JSON).
async fn previous_acks(
    c: &mut AnyConnection,
    mutations: &[Mutation],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    if mutations.is_empty() {
        return Ok(Default::default());
    }
    let marks = vec!["?"; mutations.len()].join(", ");
    let mut q =
        sql::query_as::<(String, String)>(&format!("SELECT id, ack FROM applied_mutations WHERE id IN ({marks})"));
    for m in mutations {
        q = q.bind(m.id.as_str());
    }
    Ok(q.fetch_all(&mut *c).await.map_err(failed)?.into_iter().collect())
}

/// The audit trail, in the same transaction as what it records.
async fn audit(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    action: &str,
    id: &str,
    detail: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sql::query(AUDIT)
        .bind(now.0)
        .bind(caller.user.0)
        .bind(caller.device.0)
        .bind(action)
        .bind(id)
        .bind(detail)
        .execute(&mut *c)
        .await
        .map_err(failed)?;
    Ok(())
}

/// Brings the quarantined push `mutation` of `scope`'s volunteer into the record in `c` (a
/// write transaction): applied as the phone's push would have been before its removal, its
/// answer recorded in place of "quarantined", marked reviewed by `by`. The caller commits,
/// or drops the transaction on an error: all or nothing.
pub(crate) async fn release(
    c: &mut AnyConnection,
    scope: i64,
    mutation: &monalisa_core::domain::ClientId,
    by: i64,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    use monalisa_core::auth::{DeviceId, UserId};
    let row = sql::query(QUARANTINED).bind(mutation.as_str()).fetch_optional(&mut *c).await.map_err(failed)?;
    let Some(row) = row else { return Err(StoreError::NotFound) };
    let (Some(volunteer), Some(their_scope)) =
        (row.get::<Option<i64>, _>("volunteer_id"), row.get::<Option<i64>, _>("scope_id"))
    else {
        return Err(StoreError::NotFound);
    };
    if their_scope != scope {
        return Err(StoreError::NotFound);
    }
    if row.get::<Option<i64>, _>("reviewed_at").is_some() {
        return Err(StoreError::Conflict("already reviewed".into()));
    }
    let reason: String = row.get("reason");
    if !push::releasable(&reason) {
        return Err(StoreError::Conflict(format!("cannot enter the record: {reason}")));
    }
    let m: Mutation = serde_json::from_str(row.get::<&str, _>("payload")).map_err(failed)?;
    if let MutationBody::Report(r) = &m.body {
        let known: i64 =
            sql::query_scalar(RESIDENTS_WITH_ID).bind(r.resident.0).fetch_one(&mut *c).await.map_err(failed)?;
        if known == 0 {
            return Err(StoreError::Conflict("cannot enter the record: unknown_resident".into()));
        }
    }
    let caller = SyncCaller {
        user: UserId(row.get("user_id")),
        device: DeviceId(row.get("device_id")),
        volunteer: Some(VolunteerId(volunteer)),
        revoked: false,
    };
    let (status, _) = apply_one(c, &caller, volunteer, &m, now, None).await?;
    if let AckStatus::Rejected { reason } = &status {
        return Err(StoreError::Conflict(format!("cannot enter the record: {reason}")));
    }
    sql::query(SET_ACK)
        .bind(serde_json::to_string(&status).unwrap_or_default())
        .bind(m.id.as_str())
        .execute(&mut *c)
        .await
        .map_err(failed)?;
    sql::query(MARK_RELEASED).bind(now.0).bind(by).bind(m.id.as_str()).execute(&mut *c).await.map_err(failed)?;
    Ok(status)
}

async fn quarantine(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    m: &Mutation,
    reason: &str,
    now: Timestamp,
) -> Result<AckStatus, StoreError> {
    set_aside(c, caller, m, reason, now).await?;
    Ok(AckStatus::Quarantined)
}

/// Puts a push aside for the ambassador, once (`false` if it already was), audited.
async fn set_aside(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    m: &Mutation,
    reason: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let added = sql::query(SET_ASIDE)
        .bind(m.id.as_str())
        .bind(caller.user.0)
        .bind(caller.device.0)
        .bind(reason)
        .bind(serde_json::to_string(m).unwrap_or_default())
        .bind(now.0)
        .execute(&mut *c)
        .await
        .map_err(failed)?
        .rows_affected();
    if added > 0 {
        audit(c, caller, "mutation.quarantine", m.id.as_str(), reason, now).await?;
    }
    Ok(added > 0)
}

/// Applies one mutation; with `record` (the push's protocol), a report entering the record
/// also records its answer in `applied_mutations` in the same statement: the answer and
/// whether that was done.
async fn apply_one(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    volunteer: i64,
    m: &Mutation,
    now: Timestamp,
    record: Option<u16>,
) -> Result<(AckStatus, bool), StoreError> {
    let status = match &m.body {
        MutationBody::Report(r) => {
            let (status, recorded) = apply_report(c, caller, volunteer, m, r, now, record).await?;
            if let AckStatus::Rejected { reason } = &status {
                // A refused report is kept aside too (see the SQLite writer's `keep_refused`).
                set_aside(c, caller, m, &format!("refused:{reason}"), now).await?;
            }
            return Ok((status, recorded));
        }
        MutationBody::Absence { first, last } => {
            if let Some(reason) = push::absence(*first, *last, now.paris_local().0) {
                return Ok((AckStatus::Rejected { reason }, false));
            }
            sql::query(ADD_ABSENCE)
                .bind(volunteer)
                .bind(first.to_string())
                .bind(last.to_string())
                .execute(&mut *c)
                .await
                .map_err(failed)?;
            AckStatus::Applied { flag: None }
        }
        MutationBody::CancelAbsence { first, last } => {
            if let Some(reason) = push::cancel_absence(*first, *last) {
                return Ok((AckStatus::Rejected { reason }, false));
            }
            sql::query(&cancel_absence(Dialect::Postgres))
                .bind(volunteer)
                .bind(first.to_string())
                .bind(last.to_string())
                .execute(&mut *c)
                .await
                .map_err(failed)?;
            AckStatus::Applied { flag: None }
        }
        MutationBody::DeclineVisit { visit, reason } => {
            let owner: Option<i64> =
                sql::query_scalar(VISIT_OWNER).bind(visit.0).fetch_optional(&mut *c).await.map_err(failed)?;
            match push::decline(VolunteerId(volunteer), reason, owner.map(VolunteerId)) {
                push::DeclineDecision::Refuse(reason) => AckStatus::Rejected { reason: reason.into() },
                push::DeclineDecision::Acknowledge(flag) => AckStatus::Applied { flag: Some(flag) },
                push::DeclineDecision::Record => {
                    sql::query(RECORD_DECLINE)
                        .bind(m.id.as_str())
                        .bind(visit.0)
                        .bind(volunteer)
                        .bind(reason.as_str())
                        .bind(now.0)
                        .execute(&mut *c)
                        .await
                        .map_err(failed)?;
                    // The visit leaves the round (see the SQLite writer).
                    sql::query(CANCEL_VISIT).bind(visit.0).execute(&mut *c).await.map_err(failed)?;
                    AckStatus::Applied { flag: None }
                }
            }
        }
    };
    Ok((status, false))
}

async fn apply_report(
    c: &mut AnyConnection,
    caller: &SyncCaller,
    volunteer: i64,
    m: &Mutation,
    r: &ReportInput,
    now: Timestamp,
    record: Option<u16>,
) -> Result<(AckStatus, bool), StoreError> {
    let resident = sql::query(RESIDENT_FACTS)
        .bind(r.resident.0)
        .bind(volunteer)
        .bind(caller.user.0)
        .fetch_optional(&mut *c)
        .await
        .map_err(failed)?
        .map(|row| push::ResidentFacts {
            volunteer: row.get::<Option<i64>, _>(0).map(VolunteerId),
            follow_up_start: monalisa_core::domain::Date::parse(row.get::<&str, _>(1))
                .unwrap_or(monalisa_core::domain::Date::MIN),
            known_to_caller: row.get::<i64, _>(2) != 0,
        });
    let visit = match r.visit {
        None => None,
        Some(visit) => {
            sql::query(VISIT_FACTS).bind(visit.0).fetch_optional(&mut *c).await.map_err(failed)?.map(|row| {
                push::VisitFacts {
                    volunteer: VolunteerId(row.get(0)),
                    cancelled: row.get::<&str, _>(1) == "cancelled",
                    resident: monalisa_core::domain::ResidentId(row.get(2)),
                }
            })
        }
    };
    let (flag, visit_id) =
        match push::report(VolunteerId(volunteer), r, resident.as_ref(), visit.as_ref(), now.paris_local().0) {
            push::ReportDecision::Refuse(reason) => return Ok((AckStatus::Rejected { reason }, false)),
            push::ReportDecision::SetAside(reason) => return Ok((quarantine(c, caller, m, reason, now).await?, false)),
            push::ReportDecision::Record { flag, visit, completes_visit } => {
                if let (true, Some(visit)) = (completes_visit, visit) {
                    sql::query(COMPLETE_VISIT).bind(visit.0).execute(&mut *c).await.map_err(failed)?;
                }
                (flag, visit.map(|v| v.0))
            }
        };
    let status = AckStatus::Applied { flag };
    // One statement: the report, its audit entry, its concerns and (with `record`) the answer.
    let mut statement = format!(
        "WITH report AS ({INSERT_REPORT} RETURNING id), \
         audit AS (INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) \
           SELECT ?12, ?15, ?14, 'report.create', 'report', id, ?16 FROM report)"
    );
    let first_concern = 19;
    if !r.concerns.is_empty() {
        let kinds = (0..r.concerns.len()).map(|i| format!("(?{})", first_concern + i)).collect::<Vec<_>>().join(", ");
        statement.push_str(&format!(
            ", concerns AS (INSERT INTO concerns (report_id, kind, resident_id, status, raised_at) \
             SELECT report.id, k.kind, ?3, 'open', ?12 FROM report, (VALUES {kinds}) AS k(kind))"
        ));
    }
    statement.push_str(if record.is_some() {
        " INSERT INTO applied_mutations (id, user_id, device_id, protocol, ack, recorded_at, received_at) \
         SELECT ?1, ?15, ?14, ?17, ?18, ?11, ?12 FROM report"
    } else {
        " SELECT count(*) FROM report"
    });
    let mut q = sql::query(&statement)
        .bind(m.id.as_str())
        .bind(visit_id)
        .bind(r.resident.0)
        .bind(volunteer)
        .bind(r.day.to_string())
        .bind(r.outcome.code())
        .bind(r.duration_minutes.map(i64::from))
        .bind(r.mood.map(|x| i64::from(x.get())))
        .bind(r.note.as_str())
        .bind(r.proposed_next.map(|d| d.to_string()))
        .bind(m.recorded_at.0)
        .bind(now.0)
        .bind(flag.map(Flag::code))
        .bind(caller.device.0)
        .bind(caller.user.0)
        .bind(flag.map_or("", Flag::code))
        .bind(i64::from(record.unwrap_or(0)))
        .bind(serde_json::to_string(&status).unwrap_or_default());
    for kind in &r.concerns {
        q = q.bind(kind.code());
    }
    q.execute(&mut *c).await.map_err(failed)?;
    Ok((status, record.is_some()))
}
