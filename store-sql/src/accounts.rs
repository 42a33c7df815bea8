//! AccountStore.

use super::*;
use crate::sql;

#[async_trait::async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError> {
        let id = sql::query_scalar(
            "INSERT INTO users (login, display_name, role, volunteer_id, ambassador_id, created_at) VALUES (?, ?, ?, ?, ?, ?) \
             RETURNING id",
        )
        .bind(&user.login)
        .bind(&user.display_name)
        .bind(user.role.code())
        .bind(user.volunteer.map(|v| v.0))
        .bind(user.ambassador.map(|a| a.0))
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(conflict_or_other)?;
        Ok(UserId(id))
    }

    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let row = sql::query(&format!("SELECT {USER_SELECT} FROM {USER_FROM} WHERE u.id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sql::query(&format!("SELECT {USER_SELECT} FROM {USER_FROM} WHERE u.login = ?"))
            .bind(login)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn list_accounts(&self, scope: Option<ScopeId>) -> Result<Vec<AccountSummary>, StoreError> {
        let rows = sql::query(&format!(
            "SELECT {USER_SELECT}, \
             (SELECT count(*) FROM devices d WHERE d.user_id = u.id AND d.revoked_at IS NULL) AS active_devices, \
             (SELECT max(last_seen) FROM devices d WHERE d.user_id = u.id) AS last_seen \
             FROM {USER_FROM} WHERE ?1 IS NULL OR COALESCE(v.scope_id, a.scope_id) = ?1 ORDER BY u.display_name, u.id"
        ))
        .bind(scope.map(|s| s.0))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|row| {
                let u = user_from(row)?;
                Ok(AccountSummary {
                    id: u.id,
                    login: u.login,
                    display_name: u.display_name,
                    role: u.role,
                    disabled: u.disabled,
                    enrolled: u.password_hash.is_some(),
                    scope: u.scope,
                    active_devices: u32::try_from(row.get::<i64, _>("active_devices")).map_err(other)?,
                    last_seen: ts(row.get("last_seen")),
                })
            })
            .collect()
    }

    async fn account_candidates(
        &self,
        scope: Option<ScopeId>,
    ) -> Result<(Vec<Volunteer>, Vec<Ambassador>), StoreError> {
        let ids: Vec<i64> = sql::query_scalar(
            "SELECT v.id FROM volunteers v WHERE v.active = 1 AND (?1 IS NULL OR v.scope_id = ?1) \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.volunteer_id = v.id) ORDER BY v.last_name, v.first_name, v.id",
        )
        .bind(scope.map(|s| s.0))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut volunteers = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = self.volunteer(VolunteerId(id)).await? {
                volunteers.push(v);
            }
        }
        let mut ambassadors = Vec::new();
        if scope.is_none() {
            let rows = sql::query(
                "SELECT id, first_name, last_name, phone, scope_id FROM ambassadors a \
                 WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.ambassador_id = a.id) ORDER BY last_name, first_name, id",
            )
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
            ambassadors = rows.iter().map(ambassador_from).collect();
        }
        Ok((volunteers, ambassadors))
    }

    async fn set_password(&self, user: UserId, hash: &str) -> Result<(), StoreError> {
        let done = sql::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn set_user_disabled(&self, user: UserId, disabled: bool, now: Timestamp) -> Result<(), StoreError> {
        self.forget_sessions();
        let (_write, mut tx) = self.write().await?;
        let done = sql::query("UPDATE users SET disabled = ? WHERE id = ?")
            .bind(i64::from(disabled))
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sql::query("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL")
                .bind(now.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn user_email(&self, user: UserId) -> Result<Option<String>, StoreError> {
        let email: Option<Option<String>> = sql::query_scalar("SELECT email FROM users WHERE id = ?")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(email.flatten())
    }

    async fn set_user_email(&self, user: UserId, email: Option<&str>) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let done = sql::query("UPDATE users SET email = ? WHERE id = ?")
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

    async fn create_enrolment(
        &self,
        token_hash: &str,
        user: UserId,
        purpose: EnrolmentPurpose,
        created_by: Option<UserId>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        // Only the newest link works: a lost QR code stops working once a new one is given.
        sql::query("UPDATE enrolment_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
            .bind(now.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        sql::query(
            "INSERT INTO enrolment_links (token_hash, user_id, purpose, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(purpose.code())
        .bind(created_by.map(|u| u.0))
        .bind(now.0)
        .bind(expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn enrolment(&self, token_hash: &str) -> Result<Option<EnrolmentRecord>, StoreError> {
        let row = sql::query("SELECT user_id, purpose, expires_at, used_at FROM enrolment_links WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.map(|row| EnrolmentRecord {
            user: UserId(row.get("user_id")),
            purpose: if row.get::<&str, _>("purpose") == "reset" {
                EnrolmentPurpose::Reset
            } else {
                EnrolmentPurpose::Enrol
            },
            expires_at: Timestamp(row.get("expires_at")),
            used_at: ts(row.get("used_at")),
        }))
    }

    async fn use_enrolment(&self, token_hash: &str, password_hash: &str, now: Timestamp) -> Result<UserId, StoreError> {
        let (_write, mut tx) = self.write().await?;
        // The conditional update is the single-use guarantee: two concurrent uses cannot both match.
        let user: Option<i64> = sql::query_scalar(
            "UPDATE enrolment_links SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id",
        )
        .bind(now.0)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        let user = user.ok_or(StoreError::NotFound)?;
        sql::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(UserId(user))
    }

    async fn device_by_token(&self, token_hash: &str, user: UserId) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sql::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ? AND user_id = ?"))
            .bind(token_hash)
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.as_ref().map(device_from))
    }

    async fn create_device(
        &self,
        user: UserId,
        token_hash: &str,
        label: &str,
        now: Timestamp,
    ) -> Result<DeviceId, StoreError> {
        let id = sql::query_scalar(
            "INSERT INTO devices (user_id, token_hash, label, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(user.0)
        .bind(token_hash)
        .bind(label)
        .bind(now.0)
        .bind(now.0)
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        Ok(DeviceId(id))
    }

    async fn device(&self, id: DeviceId) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sql::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.as_ref().map(device_from))
    }

    async fn devices_of(&self, user: UserId) -> Result<Vec<DeviceRecord>, StoreError> {
        let rows = sql::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE user_id = ? ORDER BY id"))
            .bind(user.0)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        Ok(rows.iter().map(device_from).collect())
    }

    async fn revoke_device(&self, id: DeviceId, now: Timestamp) -> Result<(), StoreError> {
        self.forget_sessions();
        let (_write, mut tx) = self.write().await?;
        let done = sql::query("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // Sessions stay (ended) so that the phone gets "device revoked", not "not logged in".
        sql::query("UPDATE sessions SET ended_at = ? WHERE device_id = ? AND ended_at IS NULL")
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        device: DeviceId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        sql::query(
            "INSERT INTO sessions (token_hash, user_id, device_id, created_at, refreshed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(device.0)
        .bind(now.0)
        .bind(now.0)
        .bind(expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sql::query("UPDATE devices SET last_seen = ? WHERE id = ?")
            .bind(now.0)
            .bind(device.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let Some(sessions) = &self.sessions else { return self.load_session(token_hash).await };
        if let Some((record, at)) = sessions.lock().unwrap_or_else(|e| e.into_inner()).get(token_hash) {
            if at.elapsed() < SESSION_CACHE_TTL {
                return Ok(Some(record.clone()));
            }
        }
        let found = self.load_session(token_hash).await?;
        if let Some(record) = &found {
            let mut cache = sessions.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(token_hash.to_owned(), (record.clone(), std::time::Instant::now()));
        }
        Ok(found)
    }

    async fn refresh_session(&self, token_hash: &str, now: Timestamp, expires_at: Timestamp) -> Result<(), StoreError> {
        self.forget_session(token_hash);
        let (_write, mut tx) = self.write().await?;
        let device: Option<i64> = sql::query_scalar(
            "UPDATE sessions SET refreshed_at = ?, expires_at = ? WHERE token_hash = ? AND ended_at IS NULL RETURNING device_id",
        )
        .bind(now.0)
        .bind(expires_at.0)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if let Some(device) = device {
            sql::query("UPDATE devices SET last_seen = ? WHERE id = ?")
                .bind(now.0)
                .bind(device)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn end_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        self.forget_session(token_hash);
        sql::query("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")
            .bind(now.0)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn append_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        insert_audit(&self.pool, e).await
    }

    async fn login_failures(
        &self,
        keys: &[String],
        now: Timestamp,
        window_ms: i64,
    ) -> Result<Vec<LoginFailures>, StoreError> {
        let mut found = Vec::new();
        for key in keys {
            let row = sql::query("SELECT since, failures FROM login_failures WHERE key = ? AND since > ?")
                .bind(key.as_str())
                .bind(now.0 - window_ms)
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
            if let Some(row) = row {
                found.push(LoginFailures {
                    key: key.clone(),
                    since: Timestamp(row.get("since")),
                    failures: u32::try_from(row.get::<i64, _>("failures")).unwrap_or(u32::MAX),
                });
            }
        }
        Ok(found)
    }

    async fn record_login_failure(&self, keys: &[String], now: Timestamp, window_ms: i64) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        sql::query("DELETE FROM login_failures WHERE since <= ?")
            .bind(now.0 - window_ms)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        for key in keys {
            sql::query(
                "INSERT INTO login_failures (key, since, failures) VALUES (?1, ?2, 1) \
                 ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures + 1",
            )
            .bind(key.as_str())
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn clear_login_failures(&self, keys: &[String]) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        for key in keys {
            sql::query("DELETE FROM login_failures WHERE key = ?")
                .bind(key.as_str())
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let day_ms = 86_400_000i64;
        let since = f.since.map(|d| i64::from(d.days()) * day_ms);
        let until = f.until.map(|d| i64::from(d.days() + 1) * day_ms);
        let rows = sql::query(
            "SELECT l.id, l.at, l.actor_id, u.login AS actor_login, l.device_id, l.action, l.object_kind, l.object_id, l.detail \
             FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id \
             WHERE (?1 IS NULL OR l.actor_id = ?1) AND (?2 IS NULL OR l.object_kind = ?2) AND (?3 IS NULL OR l.object_id = ?3) \
             AND (?4 IS NULL OR l.at >= ?4) AND (?5 IS NULL OR l.at < ?5) AND (?6 IS NULL OR l.id < ?6) \
             ORDER BY l.id DESC LIMIT ?7",
        )
        .bind(f.actor.map(|a| a.0))
        .bind(f.object_kind.as_deref())
        .bind(f.object_id.as_deref())
        .bind(since)
        .bind(until)
        .bind(f.before_id)
        .bind(i64::from(f.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(rows
            .iter()
            .map(|row| AuditEntry {
                id: row.get("id"),
                at: Timestamp(row.get("at")),
                actor: row.get::<Option<i64>, _>("actor_id").map(UserId),
                actor_login: row.get("actor_login"),
                device: row.get::<Option<i64>, _>("device_id").map(DeviceId),
                action: row.get("action"),
                object_kind: row.get("object_kind"),
                object_id: row.get("object_id"),
                detail: row.get("detail"),
            })
            .collect())
    }
}

/// Appends an audit entry, on the pool or inside the transaction of what it records.
pub(crate) async fn insert_audit<'e>(
    on: impl sqlx::Executor<'e, Database = sqlx::Any>,
    e: &AuditEntry,
) -> Result<(), StoreError> {
    sql::query("INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(e.at.0)
        .bind(e.actor.map(|a| a.0))
        .bind(e.device.map(|d| d.0))
        .bind(&e.action)
        .bind(&e.object_kind)
        .bind(&e.object_id)
        .bind(&e.detail)
        .execute(on)
        .await
        .map_err(other)?;
    Ok(())
}
