//! The queue of homes to locate: filled by an import in its own transaction, leased
//! in batches (a lease is a time in `lease_until`: a batch whose process died is given again
//! once it has passed), settled one home at a time with its audit line.

use crate::people::{Tx, stored_home};
use crate::sql;
use crate::{SqlStore, bad, other};
use monalisa_core::domain::{InseeCode, Location, ResidentId, Timestamp};
use monalisa_store::{GeocodeOutcome, GeocodeProgress, GeocodeState, GeocodeTask, GeocodingStore, StoreError};
use sqlx::Row;

/// Queues a resident's home (again, if it was: the latest import's run shows its progress),
/// from where it is now.
pub(crate) async fn queue(
    tx: &mut Tx<'_>,
    resident: ResidentId,
    run: Option<i64>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let from = stored_home(tx, "residents", resident.0).await?.ok_or(StoreError::NotFound)?;
    sql::query(
        "INSERT INTO geocode_queue (resident_id, run_id, from_lat, from_lon, queued_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (resident_id) DO UPDATE SET run_id = excluded.run_id, from_lat = excluded.from_lat, \
         from_lon = excluded.from_lon, state = 'pending', attempts = 0, lease_until = 0, \
         queued_at = excluded.queued_at, settled_at = NULL",
    )
    .bind(resident.0)
    .bind(run)
    .bind(from.lat)
    .bind(from.lon)
    .bind(now.0)
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(())
}

fn state_code(state: GeocodeState) -> &'static str {
    match state {
        GeocodeState::Pending => "pending",
        GeocodeState::Found => "found",
        GeocodeState::NotFound => "not_found",
        GeocodeState::Superseded => "superseded",
        GeocodeState::Failed => "failed",
    }
}

fn state_of(code: &str) -> Result<GeocodeState, StoreError> {
    Ok(match code {
        "pending" => GeocodeState::Pending,
        "found" => GeocodeState::Found,
        "not_found" => GeocodeState::NotFound,
        "superseded" => GeocodeState::Superseded,
        "failed" => GeocodeState::Failed,
        _ => return Err(bad("geocoding state")),
    })
}

#[async_trait::async_trait]
impl GeocodingStore for SqlStore {
    async fn claim_geocoding(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> Result<Vec<GeocodeTask>, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let rows = sql::query(
            "SELECT q.resident_id, q.attempts, r.address, r.commune, c.name, r.home_lat, r.home_lon \
             FROM geocode_queue q JOIN residents r ON r.id = q.resident_id JOIN communes c ON c.insee = r.commune \
             WHERE q.state = 'pending' AND q.lease_until <= ? ORDER BY q.queued_at, q.resident_id LIMIT ?",
        )
        .bind(now.0)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await
        .map_err(other)?;
        let mut tasks = Vec::with_capacity(rows.len());
        for row in rows {
            let resident = ResidentId(row.get("resident_id"));
            sql::query("UPDATE geocode_queue SET lease_until = ?, attempts = attempts + 1 WHERE resident_id = ?")
                .bind(lease_until.0)
                .bind(resident.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            tasks.push(GeocodeTask {
                resident,
                address: row.get("address"),
                commune: InseeCode::parse(row.get("commune")).ok_or_else(|| bad("commune"))?,
                commune_name: row.get("name"),
                home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
                attempts: u32::try_from(row.get::<i64, _>("attempts") + 1).unwrap_or(u32::MAX),
            });
        }
        tx.commit().await.map_err(other)?;
        Ok(tasks)
    }

    async fn settle_geocoding(
        &self,
        resident: ResidentId,
        outcome: GeocodeOutcome,
        attempts_max: u32,
        now: Timestamp,
    ) -> Result<GeocodeState, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let row = sql::query("SELECT state, attempts, from_lat, from_lon FROM geocode_queue WHERE resident_id = ?")
            .bind(resident.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?
            .ok_or(StoreError::NotFound)?;
        let current = state_of(row.get("state"))?;
        if current != GeocodeState::Pending {
            // Settled already (by a process whose lease had run out): the first answer stays.
            return Ok(current);
        }
        let (from_lat, from_lon): (f64, f64) = (row.get("from_lat"), row.get("from_lon"));
        let (state, lease_until) = match outcome {
            GeocodeOutcome::Found(at) => {
                let moved = sql::query(
                    "UPDATE residents SET home_lat = ?, home_lon = ? WHERE id = ? AND home_lat = ? AND home_lon = ?",
                )
                .bind(at.lat)
                .bind(at.lon)
                .bind(resident.0)
                .bind(from_lat)
                .bind(from_lon)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
                (if moved.rows_affected() == 1 { GeocodeState::Found } else { GeocodeState::Superseded }, 0)
            }
            GeocodeOutcome::NotFound => (GeocodeState::NotFound, 0),
            GeocodeOutcome::Unavailable { .. } if row.get::<i64, _>("attempts") >= i64::from(attempts_max) => {
                (GeocodeState::Failed, 0)
            }
            GeocodeOutcome::Unavailable { retry_at } => (GeocodeState::Pending, retry_at.0),
        };
        let settled_at = (state != GeocodeState::Pending).then_some(now.0);
        sql::query("UPDATE geocode_queue SET state = ?, lease_until = ?, settled_at = ? WHERE resident_id = ?")
            .bind(state_code(state))
            .bind(lease_until)
            .bind(settled_at)
            .bind(resident.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        // The address left for the geocoder: said in the audit, with what came back.
        let detail = match outcome {
            GeocodeOutcome::Unavailable { .. } => format!("{} (service unavailable)", state_code(state)),
            _ => state_code(state).to_owned(),
        };
        sql::query(
            "INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) \
             VALUES (?, NULL, NULL, 'resident.geocode', 'resident', ?, ?)",
        )
        .bind(now.0)
        .bind(resident.0.to_string())
        .bind(detail)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(state)
    }

    async fn geocoding_progress(&self, run: i64) -> Result<GeocodeProgress, StoreError> {
        let rows = sql::query("SELECT state, count(*) AS n FROM geocode_queue WHERE run_id = ? GROUP BY state")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        let mut progress = GeocodeProgress::default();
        for row in rows {
            let n = u32::try_from(row.get::<i64, _>("n")).unwrap_or(u32::MAX);
            match state_of(row.get("state"))? {
                GeocodeState::Pending => progress.pending = n,
                GeocodeState::Found => progress.found = n,
                GeocodeState::NotFound => progress.not_found = n,
                GeocodeState::Superseded => progress.superseded = n,
                GeocodeState::Failed => progress.failed = n,
            }
        }
        Ok(progress)
    }
}
