//! E-mail alerts about concerns: which concerns still need telling, to whom, and
//! the record that they were told (migration 0006).

use super::*;
use crate::sql;
use crate::{SqlStore, bad, date, other};
use monalisa_core::auth::UserId;
use monalisa_core::domain::{ClientId, ConcernKind, Timestamp};
use monalisa_store::{ConcernAlert, DeclineAlert, StoreError};
use sqlx::Row;
use std::collections::BTreeMap;

const ALERT_COLUMNS: &str = "SELECT c.report_id, c.kind, c.raised_at, p.day, s.id AS scope_id, s.name AS scope_name \
     FROM concerns c JOIN reports p ON p.id = c.report_id JOIN residents r ON r.id = c.resident_id \
     JOIN scope_communes sc ON sc.commune = r.commune JOIN scopes s ON s.id = sc.scope_id";

#[async_trait::async_trait]
impl AlertStore for SqlStore {
    async fn concern_queue(
        &self,
        scope: ScopeId,
        resolved_since: Timestamp,
    ) -> Result<Vec<monalisa_core::wire::concerns::ConcernItem>, StoreError> {
        use monalisa_core::domain::{ClientId, ConcernKind, ConcernStatus};
        use monalisa_core::wire::concerns::{ConcernItem, Done};
        let rows = sql::query(
            "SELECT c.report_id, c.kind, c.status, c.raised_at, c.acknowledged_at, c.resolved_at, \
             r.id AS resident, r.first_name AS rf, r.last_name AS rl, co.name AS commune, p.day, p.note, \
             v.first_name AS vf, v.last_name AS vl, ua.display_name AS ack_by, ur.display_name AS res_by \
             FROM concerns c JOIN reports p ON p.id = c.report_id JOIN residents r ON r.id = c.resident_id \
             JOIN communes co ON co.insee = r.commune JOIN scope_communes sc ON sc.commune = r.commune \
             JOIN volunteers v ON v.id = p.volunteer_id \
             LEFT JOIN users ua ON ua.id = c.acknowledged_by LEFT JOIN users ur ON ur.id = c.resolved_by \
             WHERE sc.scope_id = ? AND (c.status <> 'resolved' OR c.resolved_at >= ?) \
             ORDER BY c.status = 'resolved', c.raised_at, c.report_id, c.kind",
        )
        .bind(scope.0)
        .bind(resolved_since.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|row| {
                let done = |at: &str, by: &str| {
                    row.get::<Option<i64>, _>(at)
                        .map(|t| Done { at: Timestamp(t), by: row.get::<Option<String>, _>(by).unwrap_or_default() })
                };
                Ok(ConcernItem {
                    report: ClientId::parse(row.get("report_id")).ok_or_else(|| bad("report id"))?,
                    kind: ConcernKind::from_code(row.get("kind")).ok_or_else(|| bad("concern"))?,
                    resident: ResidentId(row.get("resident")),
                    resident_name: format!("{} {}", row.get::<String, _>("rf"), row.get::<String, _>("rl")),
                    commune: row.get("commune"),
                    volunteer_name: format!("{} {}", row.get::<String, _>("vf"), row.get::<String, _>("vl")),
                    day: date(row.get("day"))?,
                    note: row.get("note"),
                    status: match row.get::<&str, _>("status") {
                        "acknowledged" => ConcernStatus::Acknowledged,
                        "resolved" => ConcernStatus::Resolved,
                        _ => ConcernStatus::Open,
                    },
                    raised_at: Timestamp(row.get("raised_at")),
                    acknowledged: done("acknowledged_at", "ack_by"),
                    resolved: done("resolved_at", "res_by"),
                })
            })
            .collect()
    }

    async fn follow_concern(
        &self,
        scope: ScopeId,
        report: &monalisa_core::domain::ClientId,
        kind: monalisa_core::domain::ConcernKind,
        step: monalisa_core::wire::concerns::FollowUpStep,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        use monalisa_core::wire::concerns::FollowUpStep;
        let (_write, mut tx) = self.write().await?;
        let status: Option<String> = sql::query_scalar(
            "SELECT c.status FROM concerns c JOIN residents r ON r.id = c.resident_id \
             JOIN scope_communes sc ON sc.commune = r.commune WHERE c.report_id = ? AND c.kind = ? AND sc.scope_id = ?",
        )
        .bind(report.as_str())
        .bind(kind.code())
        .bind(scope.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        let status = status.ok_or(StoreError::NotFound)?;
        let sql = match (step, status.as_str()) {
            (FollowUpStep::Acknowledge, "open") => {
                "UPDATE concerns SET status = 'acknowledged', acknowledged_at = ?1, acknowledged_by = ?2 \
                 WHERE report_id = ?3 AND kind = ?4"
            }
            (FollowUpStep::Resolve, "open" | "acknowledged") => {
                "UPDATE concerns SET status = 'resolved', resolved_at = ?1, resolved_by = ?2, \
                 acknowledged_at = coalesce(acknowledged_at, ?1), acknowledged_by = coalesce(acknowledged_by, ?2) \
                 WHERE report_id = ?3 AND kind = ?4"
            }
            (_, current) => return Err(StoreError::Conflict(format!("the concern is already {current}"))),
        };
        sql::query(sql)
            .bind(now.0)
            .bind(by.0)
            .bind(report.as_str())
            .bind(kind.code())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn concerns_to_announce(&self, raised_since: Timestamp) -> Result<Vec<ConcernAlert>, StoreError> {
        let sql = format!("{ALERT_COLUMNS} WHERE c.notified_at IS NULL AND c.raised_at >= ? ORDER BY c.raised_at");
        let alerts = self.alerts(&sql, raised_since.0).await?;
        let by_scope = self.ambassador_addresses().await?;
        Ok(alerts
            .into_iter()
            .filter_map(|(alert, scope)| by_scope.get(&scope).map(|to| ConcernAlert { to: to.clone(), ..alert }))
            .collect())
    }

    async fn concerns_to_escalate(&self, raised_before: Timestamp) -> Result<Vec<ConcernAlert>, StoreError> {
        let to: Vec<String> = sql::query_scalar(
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

    async fn declines_to_announce(&self, received_since: Timestamp) -> Result<Vec<DeclineAlert>, StoreError> {
        let rows = sql::query(
            "SELECT d.mutation_id, v.day, s.id AS scope_id, s.name AS scope_name FROM visit_declines d \
             JOIN visits v ON v.id = d.visit_id JOIN residents r ON r.id = v.resident_id \
             JOIN scope_communes sc ON sc.commune = r.commune JOIN scopes s ON s.id = sc.scope_id \
             WHERE d.notified_at IS NULL AND d.received_at >= ? ORDER BY d.received_at",
        )
        .bind(received_since.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let by_scope = self.ambassador_addresses().await?;
        let mut out = Vec::new();
        for row in &rows {
            if let Some(to) = by_scope.get(&row.get::<i64, _>("scope_id")) {
                out.push(DeclineAlert {
                    decline: row.get("mutation_id"),
                    day: date(row.get("day"))?,
                    scope_name: row.get("scope_name"),
                    to: to.clone(),
                });
            }
        }
        Ok(out)
    }

    async fn mark_decline_alerted(&self, decline: &str, at: Timestamp) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        sql::query("UPDATE visit_declines SET notified_at = ? WHERE mutation_id = ? AND notified_at IS NULL")
            .bind(at.0)
            .bind(decline)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn mark_concern_alerted(
        &self,
        report: &ClientId,
        kind: ConcernKind,
        escalation: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let column = if escalation { "escalated_at" } else { "notified_at" };
        let (_write, mut tx) = self.write().await?;
        sql::query(&format!("UPDATE concerns SET {column} = ? WHERE report_id = ? AND kind = ? AND {column} IS NULL"))
            .bind(at.0)
            .bind(report.as_str())
            .bind(kind.code())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }
}

impl SqlStore {
    /// The alert addresses of each scope's ambassadors.
    async fn ambassador_addresses(&self) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
        let rows = sql::query(
            "SELECT a.scope_id, u.email FROM users u JOIN ambassadors a ON a.id = u.ambassador_id \
             WHERE u.role = 'ambassador' AND u.disabled = 0 AND u.email IS NOT NULL AND a.scope_id IS NOT NULL ORDER BY u.email",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut by_scope: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for row in &rows {
            by_scope.entry(row.get("scope_id")).or_default().push(row.get("email"));
        }
        Ok(by_scope)
    }

    async fn alerts(&self, sql: &str, since_or_before: i64) -> Result<Vec<(ConcernAlert, i64)>, StoreError> {
        let rows = sql::query(sql).bind(since_or_before).fetch_all(&self.pool).await.map_err(other)?;
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
}
