//! Data protection on SQLite: consent withdrawal (migration 0009).

use super::sqlite::{SqliteStore, date, other};
use monalisa_app::backend::StoreError;
use monalisa_app::domain::{Date, Location, ResidentId, ScopeId};
use sqlx::Row;

impl SqliteStore {
    pub(super) async fn erase_resident(
        &self,
        scope: ScopeId,
        resident: ResidentId,
        centre: Location,
        today: Date,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let row = sqlx::query(
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
        sqlx::query(
            "UPDATE residents SET first_name = '', last_name = '', address = '', phone = NULL, access_notes = '', \
             likes = '', home_lat = ?, home_lon = ?, follow_up_status = 'ended', status_since = ?, paused_until = NULL, \
             volunteer_id = NULL, consent_withdrawn_on = ? WHERE id = ?",
        )
        .bind(centre.lat)
        .bind(centre.lon)
        .bind(&today)
        .bind(&today)
        .bind(resident.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        for sql in [
            "DELETE FROM resident_slots WHERE resident_id = ?",
            "DELETE FROM planning_locks WHERE resident_id = ?",
            "DELETE FROM plan_unserved WHERE resident_id = ?",
            "UPDATE reports SET note = '', proposed_next = NULL WHERE resident_id = ? AND (note <> '' OR proposed_next IS NOT NULL)",
        ] {
            sqlx::query(sql).bind(resident.0).execute(&mut *tx).await.map_err(other)?;
        }
        sqlx::query("UPDATE visits SET status = 'cancelled' WHERE resident_id = ? AND status = 'planned' AND day >= ?")
            .bind(resident.0)
            .bind(&today)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    pub(super) async fn withdrawn_on(&self, resident: ResidentId) -> Result<Option<Date>, StoreError> {
        let day: Option<Option<String>> = sqlx::query_scalar("SELECT consent_withdrawn_on FROM residents WHERE id = ?")
            .bind(resident.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        day.flatten().map(|d| date(&d)).transpose()
    }
}
