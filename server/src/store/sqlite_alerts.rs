//! E-mail alerts about concerns on SQLite: which concerns still need telling, to whom, and
//! the record that they were told (migration 0006).

use super::sqlite::{SqliteStore, bad, date, other};
use monalisa_app::auth::UserId;
use monalisa_app::backend::{ConcernAlert, StoreError};
use monalisa_app::domain::{ClientId, ConcernKind, Timestamp};
use sqlx::Row;
use std::collections::BTreeMap;

const ALERT_COLUMNS: &str = "SELECT c.report_id, c.kind, c.raised_at, p.day, s.id AS scope_id, s.name AS scope_name \
     FROM concerns c JOIN reports p ON p.id = c.report_id JOIN residents r ON r.id = c.resident_id \
     JOIN scope_communes sc ON sc.commune = r.commune JOIN scopes s ON s.id = sc.scope_id";

impl SqliteStore {
    async fn alerts(&self, sql: &str, since_or_before: i64) -> Result<Vec<(ConcernAlert, i64)>, StoreError> {
        let rows = sqlx::query(sql).bind(since_or_before).fetch_all(&self.pool).await.map_err(other)?;
        rows.iter()
            .map(|row| {
                let alert = ConcernAlert {
                    report: ClientId::parse(row.get("report_id")).ok_or_else(|| bad("report id"))?,
                    kind: ConcernKind::from_code(row.get("kind")).ok_or_else(|| bad("concern kind"))?,
                    day: date(row.get("day"))?,
                    raised_at: Timestamp(row.get("raised_at")),
                    scope_name: row.get("scope_name"),
                    to: Vec::new(),
                };
                Ok((alert, row.get::<i64, _>("scope_id")))
            })
            .collect()
    }

    pub(super) async fn announce_list(&self, raised_since: Timestamp) -> Result<Vec<ConcernAlert>, StoreError> {
        let sql = format!("{ALERT_COLUMNS} WHERE c.notified_at IS NULL AND c.raised_at >= ? ORDER BY c.raised_at");
        let alerts = self.alerts(&sql, raised_since.0).await?;
        let rows = sqlx::query(
            "SELECT a.scope_id, u.email FROM users u JOIN ambassadors a ON a.id = u.ambassador_id \
             WHERE u.role = 'ambassador' AND u.disabled = 0 AND u.email IS NOT NULL ORDER BY u.email",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut by_scope: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for row in &rows {
            by_scope.entry(row.get("scope_id")).or_default().push(row.get("email"));
        }
        Ok(alerts
            .into_iter()
            .filter_map(|(alert, scope)| by_scope.get(&scope).map(|to| ConcernAlert { to: to.clone(), ..alert }))
            .collect())
    }

    pub(super) async fn escalate_list(&self, raised_before: Timestamp) -> Result<Vec<ConcernAlert>, StoreError> {
        let to: Vec<String> = sqlx::query_scalar(
            "SELECT email FROM users WHERE role = 'coordinator' AND disabled = 0 AND email IS NOT NULL ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        if to.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{ALERT_COLUMNS} WHERE c.status = 'open' AND c.escalated_at IS NULL AND c.raised_at <= ? ORDER BY c.raised_at"
        );
        Ok(self
            .alerts(&sql, raised_before.0)
            .await?
            .into_iter()
            .map(|(a, _)| ConcernAlert { to: to.clone(), ..a })
            .collect())
    }

    pub(super) async fn mark_alerted(
        &self,
        report: &ClientId,
        kind: ConcernKind,
        escalation: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let column = if escalation { "escalated_at" } else { "notified_at" };
        let (_write, mut tx) = self.write().await?;
        sqlx::query(&format!("UPDATE concerns SET {column} = ? WHERE report_id = ? AND kind = ? AND {column} IS NULL"))
            .bind(at.0)
            .bind(report.as_str())
            .bind(kind.code())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    pub(super) async fn email_of(&self, user: UserId) -> Result<Option<String>, StoreError> {
        let email: Option<Option<String>> = sqlx::query_scalar("SELECT email FROM users WHERE id = ?")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(email.flatten())
    }

    pub(super) async fn set_email(&self, user: UserId, email: Option<&str>) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let done = sqlx::query("UPDATE users SET email = ? WHERE id = ?")
            .bind(email)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)
    }
}
