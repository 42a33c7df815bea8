//! Imports: the scope's records in a few queries (a file is compared with all of
//! them), dry runs kept until they expire, and a run applied in one transaction that first
//! checks every record it updates is still as the dry run saw it.

use crate::people::{Tx, resident_from, volunteer_from, write_resident, write_volunteer};
use crate::sql;
use crate::{SqlStore, opt_date, other};
use monalisa_core::domain::{AmbassadorId, ResidentId, ScopeId, Timestamp};
use monalisa_store::{ImportApplied, ImportApply, ImportRecords, ImportRun, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::HashMap;

/// Rows of a child table (slots, communes, absences) grouped by their owner's id.
async fn by_owner(pool: &AnyPool, sql: &str, scope: ScopeId) -> Result<HashMap<i64, Vec<AnyRow>>, StoreError> {
    let mut out: HashMap<i64, Vec<AnyRow>> = HashMap::new();
    for row in sql::query(sql).bind(scope.0).fetch_all(pool).await.map_err(other)? {
        out.entry(row.get("owner")).or_default().push(row);
    }
    Ok(out)
}

fn of(rows: &HashMap<i64, Vec<AnyRow>>, id: i64) -> &[AnyRow] {
    rows.get(&id).map_or(&[][..], Vec::as_slice)
}

pub(crate) async fn records(pool: &AnyPool, scope: ScopeId) -> Result<ImportRecords, StoreError> {
    let in_scope =
        "SELECT r.id FROM residents r JOIN scope_communes sc ON sc.commune = r.commune WHERE sc.scope_id = ?";
    let residents = sql::query(&format!("SELECT * FROM residents WHERE id IN ({in_scope}) ORDER BY id"))
        .bind(scope.0)
        .fetch_all(pool)
        .await
        .map_err(other)?;
    let slots = by_owner(
        pool,
        &format!("SELECT resident_id AS owner, weekday, start_min, end_min FROM resident_slots WHERE resident_id IN ({in_scope}) ORDER BY weekday, start_min"),
        scope,
    )
    .await?;
    let mut out = ImportRecords::default();
    for row in &residents {
        let id: i64 = row.get("id");
        let record = resident_from(row, of(&slots, id))?;
        out.residents.push((record, row.get("import_ref"), opt_date(row.get("consent_withdrawn_on"))?));
    }
    let volunteers = sql::query("SELECT * FROM volunteers WHERE scope_id = ? ORDER BY id")
        .bind(scope.0)
        .fetch_all(pool)
        .await
        .map_err(other)?;
    let of_scope = "SELECT id FROM volunteers WHERE scope_id = ?";
    let communes = by_owner(
        pool,
        &format!("SELECT volunteer_id AS owner, commune FROM volunteer_communes WHERE volunteer_id IN ({of_scope}) ORDER BY commune"),
        scope,
    )
    .await?;
    let slots = by_owner(
        pool,
        &format!("SELECT volunteer_id AS owner, weekday, start_min, end_min FROM volunteer_slots WHERE volunteer_id IN ({of_scope}) ORDER BY weekday, start_min"),
        scope,
    )
    .await?;
    let absences = by_owner(
        pool,
        &format!("SELECT volunteer_id AS owner, first_day, last_day FROM volunteer_absences WHERE volunteer_id IN ({of_scope}) ORDER BY first_day"),
        scope,
    )
    .await?;
    for row in &volunteers {
        let id: i64 = row.get("id");
        let communes: Vec<String> =
            communes.get(&id).map_or_else(Vec::new, |rows| rows.iter().map(|r| r.get("commune")).collect());
        let record = volunteer_from(row, &communes, of(&slots, id), of(&absences, id))?;
        out.volunteers.push((record, row.get("import_ref")));
    }
    Ok(out)
}

pub(crate) async fn purge_runs(store: &SqlStore, now: Timestamp) -> Result<u64, StoreError> {
    let (_write, mut tx) = store.write().await?;
    let gone = delete_expired(&mut tx, now).await?;
    tx.commit().await.map_err(other)?;
    Ok(gone)
}

async fn delete_expired(tx: &mut Tx<'_>, now: Timestamp) -> Result<u64, StoreError> {
    let done = sql::query("DELETE FROM import_runs WHERE expires_at <= ?")
        .bind(now.0)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    // The homes located for runs gone: their progress is no longer shown anywhere.
    sql::query(
        "DELETE FROM geocode_queue WHERE state <> 'pending' \
         AND (run_id IS NULL OR run_id NOT IN (SELECT id FROM import_runs))",
    )
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(done.rows_affected())
}

pub(crate) async fn save_run(store: &SqlStore, run: &ImportRun) -> Result<i64, StoreError> {
    let (_write, mut tx) = store.write().await?;
    delete_expired(&mut tx, run.created_at).await?;
    let id: i64 = sql::query_scalar(
        "INSERT INTO import_runs (account_id, scope_id, kind, file_sha256, created_at, expires_at, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(run.account.0)
    .bind(run.scope.0)
    .bind(&run.kind)
    .bind(&run.file_sha256)
    .bind(run.created_at.0)
    .bind(run.expires_at.0)
    .bind(&run.body)
    .fetch_one(&mut *tx)
    .await
    .map_err(other)?;
    tx.commit().await.map_err(other)?;
    Ok(id)
}

pub(crate) async fn run(pool: &AnyPool, id: i64, now: Timestamp) -> Result<Option<ImportRun>, StoreError> {
    let row = sql::query("SELECT * FROM import_runs WHERE id = ? AND expires_at > ?")
        .bind(id)
        .bind(now.0)
        .fetch_optional(pool)
        .await
        .map_err(other)?;
    Ok(row.map(|r| ImportRun {
        id: r.get("id"),
        account: monalisa_core::auth::UserId(r.get("account_id")),
        scope: ScopeId(r.get("scope_id")),
        kind: r.get("kind"),
        file_sha256: r.get("file_sha256"),
        created_at: Timestamp(r.get("created_at")),
        expires_at: Timestamp(r.get("expires_at")),
        applied_at: r.get::<Option<i64>, _>("applied_at").map(Timestamp),
        body: r.get("body"),
    }))
}

/// The form fields of a stored record, as the dry run fingerprinted them.
async fn fingerprint(tx: &mut Tx<'_>, table: &str, id: i64) -> Result<Option<u64>, StoreError> {
    let Some(row) = sql::query(&format!("SELECT * FROM {table} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?
    else {
        return Ok(None);
    };
    let fields = if table == "residents" {
        let slots = sql::query(
            "SELECT weekday, start_min, end_min FROM resident_slots WHERE resident_id = ? ORDER BY weekday, start_min",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await
        .map_err(other)?;
        monalisa_core::people::resident_values(&resident_from(&row, &slots)?)
    } else {
        let communes: Vec<String> =
            sql::query_scalar("SELECT commune FROM volunteer_communes WHERE volunteer_id = ? ORDER BY commune")
                .bind(id)
                .fetch_all(&mut **tx)
                .await
                .map_err(other)?;
        let slots = sql::query("SELECT weekday, start_min, end_min FROM volunteer_slots WHERE volunteer_id = ? ORDER BY weekday, start_min")
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .map_err(other)?;
        monalisa_core::people::volunteer_values(&volunteer_from(&row, &communes, &slots, &[])?)
    };
    Ok(Some(monalisa_core::people::fingerprint(&fields)))
}

/// Whether a reference is already another record's in the scope.
async fn reference_taken(
    tx: &mut Tx<'_>,
    table: &str,
    scope: ScopeId,
    reference: &str,
    id: Option<i64>,
) -> Result<bool, StoreError> {
    let sql = if table == "residents" {
        "SELECT count(*) FROM residents r JOIN scope_communes sc ON sc.commune = r.commune \
         WHERE sc.scope_id = ?1 AND r.import_ref = ?2 AND r.id IS DISTINCT FROM ?3"
    } else {
        "SELECT count(*) FROM volunteers WHERE scope_id = ?1 AND import_ref = ?2 AND id IS DISTINCT FROM ?3"
    };
    let n: i64 =
        sql::query_scalar(sql).bind(scope.0).bind(reference).bind(id).fetch_one(&mut **tx).await.map_err(other)?;
    Ok(n > 0)
}

pub(crate) async fn apply(tx: &mut Tx<'_>, a: &ImportApply) -> Result<ImportApplied, StoreError> {
    let state: Option<(Option<i64>, i64, i64)> =
        sql::query_as("SELECT applied_at, expires_at, scope_id FROM import_runs WHERE id = ?")
            .bind(a.run)
            .fetch_optional(&mut **tx)
            .await
            .map_err(other)?;
    match state {
        None => return Err(StoreError::NotFound),
        Some((_, _, scope)) if scope != a.scope.0 => return Err(StoreError::NotFound),
        Some((Some(_), ..)) => return Err(StoreError::Conflict("import already applied".into())),
        Some((None, expires, _)) if expires <= a.now.0 => return Err(StoreError::Conflict("import expired".into())),
        Some(_) => {}
    }
    // Every record still as the dry run saw it, every new reference still free: else nothing.
    let mut changed = Vec::new();
    let writes =
        a.residents.iter().map(|w| ("residents", w.draft.id.map(|i| i.0), w.expected, w.reference.as_deref())).chain(
            a.volunteers.iter().map(|w| ("volunteers", w.draft.id.map(|i| i.0), w.expected, w.reference.as_deref())),
        );
    for (k, (table, id, expected, reference)) in writes.enumerate() {
        let same = match (id, expected) {
            (Some(id), Some(expected)) => fingerprint(tx, table, id).await? == Some(expected),
            (None, None) => true,
            _ => false,
        };
        let taken = match reference {
            Some(r) => reference_taken(tx, table, a.scope, r, id).await?,
            None => false,
        };
        if !same || taken {
            changed.push(k);
        }
    }
    if !changed.is_empty() {
        return Ok(ImportApplied::Changed(changed));
    }
    let mut ids = Vec::with_capacity(a.residents.len() + a.volunteers.len());
    let audit = |action: &'static str, kind: &'static str, id: i64| {
        sql::query("INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(a.now.0)
            .bind(a.actor.map(|u| u.0))
            .bind(a.device.map(|d| d.0))
            .bind(action)
            .bind(kind)
            .bind(id.to_string())
            .bind(format!("import {}", a.run))
    };
    for w in &a.residents {
        let recorded_by = match (w.draft.id, w.recorded_by) {
            (None, None) => return Err(StoreError::Invalid("consentement_par".into())),
            // An update never changes the consent on record.
            (_, by) => by.unwrap_or(AmbassadorId(0)),
        };
        let id = write_resident(tx, a.scope, &w.draft, w.home, recorded_by, a.today).await?.0;
        if let Some(r) = &w.reference {
            sql::query("UPDATE residents SET import_ref = ? WHERE id = ?")
                .bind(r)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(other)?;
        }
        let action = if w.draft.id.is_some() { "resident.update" } else { "resident.create" };
        audit(action, "resident", id).execute(&mut **tx).await.map_err(other)?;
        if w.locate {
            crate::geocoding::queue(tx, ResidentId(id), Some(a.run), a.now).await?;
        }
        ids.push(id);
    }
    for w in &a.volunteers {
        let id = write_volunteer(tx, a.scope, &w.draft, w.home).await?.0;
        if let Some(r) = &w.reference {
            sql::query("UPDATE volunteers SET import_ref = ? WHERE id = ?")
                .bind(r)
                .bind(id)
                .execute(&mut **tx)
                .await
                .map_err(other)?;
        }
        let action = if w.draft.id.is_some() { "volunteer.update" } else { "volunteer.create" };
        audit(action, "volunteer", id).execute(&mut **tx).await.map_err(other)?;
        ids.push(id);
    }
    sql::query("UPDATE import_runs SET applied_at = ?, body = ? WHERE id = ?")
        .bind(a.now.0)
        .bind(&a.summary)
        .bind(a.run)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    Ok(ImportApplied::Done(ids))
}
