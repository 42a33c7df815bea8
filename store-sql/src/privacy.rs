//! Data protection: consent withdrawal (migration 0009), a resident's history for the
//! right of access.

use super::*;
use crate::sql;
use crate::{Dialect, SqlStore, bad, date, other};
use monalisa_core::domain::{
    ConcernKind, ConcernStatus, Date, Location, Minute, Outcome, ResidentId, ScopeId, Timestamp,
};
use monalisa_core::sync::{Mutation, MutationBody};
use monalisa_core::wire::dossier::{DossierConcern, DossierPairing, DossierReport, DossierVisit};
use monalisa_store::StoreError;
use sqlx::{Any, Row, Transaction};

type Tx<'a> = Transaction<'a, Any>;

/// Erases a resident's personal data in `tx` (see `Store::withdraw_consent`).
/// `monalisa_core::retention::purgeable` as a condition on `residents r` (`?1`: the cutoff):
/// shared by the candidates' list and the purge's own check, so the two cannot differ.
fn purgeable(dialect: Dialect) -> String {
    let greatest = dialect.greatest();
    let about = dialect.payload_resident("q.payload");
    format!(
        "r.purged_on IS NULL AND r.follow_up_status = 'ended' \
         AND {greatest}(r.status_since, r.consent_on, COALESCE((SELECT max(p.day) FROM reports p WHERE p.resident_id = r.id), '')) < ?1 \
         AND NOT EXISTS (SELECT 1 FROM reports p WHERE p.resident_id = r.id AND p.flag IS NOT NULL AND p.reviewed_at IS NULL) \
         AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.reviewed_at IS NULL AND {about} = r.id)"
    )
}

async fn erase(
    tx: &mut Tx<'_>,
    dialect: Dialect,
    resident: ResidentId,
    centre: Location,
    today: &str,
) -> Result<(), StoreError> {
    sql::query(
            "UPDATE residents SET first_name = '', last_name = '', address = '', phone = NULL, access_notes = '', \
             likes = '', home_lat = ?, home_lon = ?, follow_up_status = 'ended', paused_until = NULL, volunteer_id = NULL, \
             status_since = CASE WHEN follow_up_status = 'ended' THEN status_since ELSE ? END, \
             end_reason = CASE WHEN follow_up_status = 'ended' THEN end_reason ELSE 'declined' END WHERE id = ?",
        )
        .bind(centre.lat)
        .bind(centre.lon)
        .bind(today)
        .bind(resident.0)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    for sql in [
        "DELETE FROM resident_slots WHERE resident_id = ?",
        "DELETE FROM planning_locks WHERE resident_id = ?",
        "DELETE FROM plan_unserved WHERE resident_id = ?",
        "DELETE FROM geocode_queue WHERE resident_id = ?",
        "UPDATE reports SET note = '', proposed_next = NULL WHERE resident_id = ? AND (note <> '' OR proposed_next IS NOT NULL)",
    ] {
        sql::query(sql).bind(resident.0).execute(&mut **tx).await.map_err(other)?;
    }
    // What a removed phone sent about them, set aside: its note goes the same way.
    let set_aside = sql::query(&format!(
        "SELECT mutation_id, payload FROM quarantine WHERE {} = ?",
        dialect.payload_resident("payload")
    ))
    .bind(resident.0)
    .fetch_all(&mut **tx)
    .await
    .map_err(other)?;
    for row in set_aside {
        let mut m: Mutation = serde_json::from_str(row.get::<&str, _>("payload")).map_err(other)?;
        if let MutationBody::Report(r) = &mut m.body {
            r.note.clear();
            r.proposed_next = None;
        }
        sql::query("UPDATE quarantine SET payload = ? WHERE mutation_id = ?")
            .bind(serde_json::to_string(&m).map_err(other)?)
            .bind(row.get::<&str, _>("mutation_id"))
            .execute(&mut **tx)
            .await
            .map_err(other)?;
    }
    sql::query("UPDATE visits SET status = 'cancelled' WHERE resident_id = ? AND status = 'planned' AND day >= ?")
        .bind(resident.0)
        .bind(today)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    Ok(())
}

#[async_trait::async_trait]
impl PrivacyStore for SqlStore {
    async fn withdraw_consent(
        &self,
        scope: ScopeId,
        resident: ResidentId,
        centre: Location,
        today: Date,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let row = sql::query(
            "SELECT r.consent_withdrawn_on FROM residents r JOIN scope_communes sc ON sc.commune = r.commune \
             WHERE r.id = ? AND sc.scope_id = ?",
        )
        .bind(resident.0)
        .bind(scope.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
        if row.get::<Option<String>, _>("consent_withdrawn_on").is_some() {
            return Err(StoreError::Conflict("consent already withdrawn".into()));
        }
        let today = today.to_string();
        erase(&mut tx, self.dialect, resident, centre, &today).await?;
        sql::query("UPDATE residents SET consent_withdrawn_on = ? WHERE id = ?")
            .bind(&today)
            .bind(resident.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn resident_pairings(&self, resident: ResidentId) -> Result<Vec<DossierPairing>, StoreError> {
        sql::query(&format!(
            "SELECT p.started_on, p.ended_on, v.first_name || ' ' || v.last_name AS name FROM pairings p \
             JOIN volunteers v ON v.id = p.volunteer_id WHERE p.resident_id = ? ORDER BY p.started_on, p.{}",
            self.dialect.row_id()
        ))
        .bind(resident.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|row| {
            Ok(DossierPairing {
                volunteer: row.get("name"),
                started_on: date(row.get("started_on"))?,
                ended_on: crate::opt_date(row.get("ended_on"))?,
            })
        })
        .collect()
    }

    async fn resident_history(
        &self,
        resident: ResidentId,
    ) -> Result<(Vec<DossierVisit>, Vec<DossierReport>), StoreError> {
        let name = |row: &sqlx::any::AnyRow| format!("{} {}", row.get::<String, _>("vf"), row.get::<String, _>("vl"));
        let visits = sql::query(
            "SELECT x.day, x.start_min, x.status, v.first_name AS vf, v.last_name AS vl FROM visits x \
             JOIN volunteers v ON v.id = x.volunteer_id WHERE x.resident_id = ? ORDER BY x.day, x.start_min",
        )
        .bind(resident.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|row| {
            Ok(DossierVisit {
                day: date(row.get("day"))?,
                start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(0))
                    .unwrap_or(Minute::MIDNIGHT),
                status: row.get("status"),
                volunteer: name(row),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let concerns = sql::query(
            "SELECT report_id, kind, status, raised_at, acknowledged_at, resolved_at FROM concerns WHERE resident_id = ?",
        )
        .bind(resident.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut reports: Vec<DossierReport> = sql::query(
            "SELECT p.id, p.day, p.outcome, p.duration_min, p.mood, p.note, p.recorded_at, p.received_at, \
             v.first_name AS vf, v.last_name AS vl FROM reports p JOIN volunteers v ON v.id = p.volunteer_id \
             WHERE p.resident_id = ? ORDER BY p.day, p.received_at",
        )
        .bind(resident.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|row| {
            let id: String = row.get("id");
            Ok(DossierReport {
                day: date(row.get("day"))?,
                outcome: Outcome::from_code(row.get("outcome")).ok_or_else(|| bad("outcome"))?,
                duration_minutes: row.get::<Option<i64>, _>("duration_min").and_then(|m| u16::try_from(m).ok()),
                mood: row.get::<Option<i64>, _>("mood").and_then(|m| u8::try_from(m).ok()),
                note: row.get("note"),
                volunteer: name(row),
                recorded_at: Timestamp(row.get("recorded_at")),
                received_at: Timestamp(row.get("received_at")),
                concerns: concerns
                    .iter()
                    .filter(|c| c.get::<String, _>("report_id") == id)
                    .map(|c| {
                        Ok(DossierConcern {
                            kind: ConcernKind::from_code(c.get("kind")).ok_or_else(|| bad("concern kind"))?,
                            status: match c.get::<&str, _>("status") {
                                "open" => ConcernStatus::Open,
                                "acknowledged" => ConcernStatus::Acknowledged,
                                _ => ConcernStatus::Resolved,
                            },
                            raised_at: Timestamp(c.get("raised_at")),
                            acknowledged_at: c.get::<Option<i64>, _>("acknowledged_at").map(Timestamp),
                            resolved_at: c.get::<Option<i64>, _>("resolved_at").map(Timestamp),
                        })
                    })
                    .collect::<Result<_, StoreError>>()?,
                set_aside: false,
            })
        })
        .collect::<Result<_, StoreError>>()?;
        let set_aside = sql::query(&format!(
            "SELECT q.payload, q.received_at, COALESCE(v.first_name, u.display_name) AS vf, COALESCE(v.last_name, '') AS vl \
             FROM quarantine q JOIN users u ON u.id = q.user_id LEFT JOIN volunteers v ON v.id = u.volunteer_id \
             WHERE {} = ?",
            self.dialect.payload_resident("q.payload")
        ))
        .bind(resident.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        for row in &set_aside {
            let m: Mutation = serde_json::from_str(row.get("payload")).map_err(|_| bad("quarantined push"))?;
            let MutationBody::Report(r) = m.body else { continue };
            reports.push(DossierReport {
                day: r.day,
                outcome: r.outcome,
                duration_minutes: r.duration_minutes,
                mood: r.mood.map(|m| m.get()),
                note: r.note,
                volunteer: name(row).trim().to_owned(),
                recorded_at: m.recorded_at,
                received_at: Timestamp(row.get("received_at")),
                concerns: r
                    .concerns
                    .into_iter()
                    .map(|kind| DossierConcern {
                        kind,
                        status: ConcernStatus::Open,
                        raised_at: Timestamp(row.get("received_at")),
                        acknowledged_at: None,
                        resolved_at: None,
                    })
                    .collect(),
                set_aside: true,
            });
        }
        reports.sort_by_key(|p| (p.day, p.received_at));
        Ok((visits, reports))
    }

    /// `monalisa_core::retention::purgeable`, as one query (the story suite holds the two
    /// together).
    async fn purge_candidates(&self, cutoff: Date) -> Result<Vec<ResidentId>, StoreError> {
        let ids: Vec<i64> =
            sql::query_scalar(&format!("SELECT r.id FROM residents r WHERE {} ORDER BY r.id", purgeable(self.dialect)))
                .bind(cutoff.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        Ok(ids.into_iter().map(ResidentId).collect())
    }

    async fn purge_resident(
        &self,
        resident: ResidentId,
        cutoff: Date,
        today: Date,
        audit: &monalisa_core::wire::audit::AuditEntry,
    ) -> Result<bool, StoreError> {
        let (_write, mut tx) = self.write().await?;
        // The rule again, inside the transaction that erases: what changed since the list was
        // made (a report, a resumed follow-up, something to review) keeps the record.
        let still: Option<i64> =
            sql::query_scalar(&format!("SELECT r.id FROM residents r WHERE {} AND r.id = ?2", purgeable(self.dialect)))
                .bind(cutoff.to_string())
                .bind(resident.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(other)?;
        if still.is_none() {
            return Ok(false);
        }
        let centre = sql::query(
            "SELECT c.centre_lat, c.centre_lon FROM residents r JOIN communes c ON c.insee = r.commune WHERE r.id = ?",
        )
        .bind(resident.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
        let centre = Location { lat: centre.get("centre_lat"), lon: centre.get("centre_lon") };
        erase(&mut tx, self.dialect, resident, centre, &today.to_string()).await?;
        sql::query(
            "UPDATE reports SET mood = NULL, duration_min = NULL WHERE resident_id = ? AND (mood IS NOT NULL OR duration_min IS NOT NULL)",
        )
        .bind(resident.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        // Pushes about them that a removed phone sent, all reviewed by now (an unreviewed one
        // holds the purge back): they go.
        sql::query(&format!("DELETE FROM quarantine WHERE {} = ?", self.dialect.payload_resident("payload")))
            .bind(resident.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        sql::query("UPDATE residents SET purged_on = ? WHERE id = ?")
            .bind(today.to_string())
            .bind(resident.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        crate::accounts::insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(other)?;
        Ok(true)
    }

    async fn consent_withdrawn_on(&self, resident: ResidentId) -> Result<Option<Date>, StoreError> {
        let day: Option<Option<String>> = sql::query_scalar("SELECT consent_withdrawn_on FROM residents WHERE id = ?")
            .bind(resident.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        day.flatten().map(|d: String| date(&d)).transpose()
    }
}
