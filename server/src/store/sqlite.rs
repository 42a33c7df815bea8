//! The embedded SQLite store (the default backend).
//!
//! Settings: WAL journal (readers never block the writer), `synchronous = FULL` (a commit is
//! on disk before it is acknowledged: DESIGN.md "acknowledges only after a durable commit"),
//! foreign keys on, a busy timeout instead of immediate "database is locked" errors.
//!
//! Writes: SQLite has one writer at a time. Write transactions take an in-process lock first
//! (waiters wake as soon as it frees, instead of SQLite's sleep-and-retry) and begin
//! `IMMEDIATE` (no read-then-upgrade deadlock). Pushes go through the push writer thread
//! (`push_writer.rs`), which group-commits them.

use monalisa_app::api::accounts::AccountSummary;
use monalisa_app::api::audit::{AuditEntry, AuditFilter};
use monalisa_app::auth::{DeviceId, Role, UserId};
use monalisa_app::backend::{
    CommuneRecord, DeviceRecord, EnrolmentPurpose, EnrolmentRecord, LastContact, NewUser, Population, SessionRecord,
    Store, StoreCounts, StoreError, UserRecord,
};
use monalisa_app::domain::{
    Ambassador, AmbassadorId, Commune, Consent, ConsentMethod, Date, DayRange, FollowUp, InseeCode, IsolationLevel,
    Location, Minute, Outcome, Reach, Resident, ResidentId, Rhythm, RoundStatus, ScopeId, Timestamp, VisitStatus,
    Volunteer, VolunteerId, Weekday, WeeklySlot,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    pub(super) write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    pub(super) pushes: tokio::sync::mpsc::Sender<super::push_writer::PushJob>,
    /// The database file (a quarantined push brought into the record is applied on its own
    /// synchronous connection, as the push writer applies pushes).
    pub(super) file: std::path::PathBuf,
    /// Sessions looked up recently (every request authenticates): kept a few seconds, dropped
    /// at once when this process revokes, disables, ends or refreshes. A change made by another
    /// process (`monalisa user disable`) takes effect within [`SESSION_CACHE_TTL`].
    sessions: std::sync::Mutex<std::collections::HashMap<String, (SessionRecord, std::time::Instant)>>,
}

/// How long a looked-up session is reused.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

pub(super) fn other(e: impl std::fmt::Display) -> StoreError {
    StoreError::Other(e.to_string())
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() && options.get_filename() != std::path::Path::new(":memory:") {
                std::fs::create_dir_all(dir).map_err(|e| other(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        let file = options.get_filename().to_path_buf();
        if file.as_os_str().is_empty() || file == std::path::Path::new(":memory:") {
            return Err(StoreError::Invalid("in-memory SQLite is not supported: use a file".into()));
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(other)?;
        MIGRATIONS.run(&pool).await.map_err(other)?;
        let write_lock = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let pushes = super::push_writer::spawn(&file, write_lock.clone())?;
        Ok(SqliteStore { pool, write_lock, pushes, file, sessions: std::sync::Mutex::default() })
    }

    async fn load_session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, device_id, expires_at, ended_at, refreshed_at FROM sessions WHERE token_hash = ?",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        let Some(row) = row else { return Ok(None) };
        let user = self.user(UserId(row.get("user_id"))).await?.ok_or_else(|| bad("session user"))?;
        let device = self.device(DeviceId(row.get("device_id"))).await?.ok_or_else(|| bad("session device"))?;
        Ok(Some(SessionRecord {
            user,
            device,
            expires_at: Timestamp(row.get("expires_at")),
            ended_at: ts(row.get("ended_at")),
            refreshed_at: Timestamp(row.get("refreshed_at")),
        }))
    }

    fn forget_sessions(&self) {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// A write transaction: the in-process writer lock, then `BEGIN IMMEDIATE`.
    pub(super) async fn write(
        &self,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, Transaction<'static, Sqlite>), StoreError> {
        let guard = self.write_lock.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(other)?;
        Ok((guard, tx))
    }
}

pub(super) fn bad(what: &str) -> StoreError {
    StoreError::Invalid(format!("bad stored {what}"))
}

pub(super) fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).map_err(|_| bad("date"))
}

fn opt_date(text: Option<String>) -> Result<Option<Date>, StoreError> {
    text.as_deref().map(date).transpose()
}

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

/// A unique-constraint failure names the column that clashed.
fn conflict_or_other(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let msg = db.message();
            let what = if msg.contains("users.login") { "login" } else { "person" };
            StoreError::Conflict(what.to_owned())
        }
        _ => other(e),
    }
}

const USER_SELECT: &str = "u.id, u.login, u.display_name, u.role, u.password_hash, u.disabled, u.volunteer_id, \
     u.ambassador_id, COALESCE(v.scope_id, a.scope_id) AS scope_id";
const USER_FROM: &str =
    "users u LEFT JOIN volunteers v ON v.id = u.volunteer_id LEFT JOIN ambassadors a ON a.id = u.ambassador_id";

fn user_from(row: &SqliteRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: UserId(row.get("id")),
        login: row.get("login"),
        display_name: row.get("display_name"),
        role: Role::from_code(row.get::<&str, _>("role")).ok_or_else(|| bad("role"))?,
        password_hash: row.get("password_hash"),
        disabled: row.get::<i64, _>("disabled") != 0,
        volunteer: row.get::<Option<i64>, _>("volunteer_id").map(VolunteerId),
        ambassador: row.get::<Option<i64>, _>("ambassador_id").map(AmbassadorId),
        scope: row.get::<Option<i64>, _>("scope_id").map(ScopeId),
    })
}

const DEVICE_COLUMNS: &str = "id, user_id, label, first_seen, last_seen, last_sync, revoked_at";

fn device_from(row: &SqliteRow) -> DeviceRecord {
    DeviceRecord {
        id: DeviceId(row.get("id")),
        user: UserId(row.get("user_id")),
        label: row.get("label"),
        first_seen: Timestamp(row.get("first_seen")),
        last_seen: Timestamp(row.get("last_seen")),
        last_sync: ts(row.get("last_sync")),
        revoked_at: ts(row.get("revoked_at")),
    }
}

pub(super) fn slot_from(row: &SqliteRow) -> Result<WeeklySlot, StoreError> {
    let weekday = Weekday::from_index(u8::try_from(row.get::<i64, _>("weekday")).map_err(other)?)
        .ok_or_else(|| bad("weekday"))?;
    let minute =
        |c: &str| Minute::new(u16::try_from(row.get::<i64, _>(c)).unwrap_or(u16::MAX)).ok_or_else(|| bad("time"));
    WeeklySlot::new(weekday, minute("start_min")?, minute("end_min")?).ok_or_else(|| bad("slot"))
}

fn weekday_index(slot: &WeeklySlot) -> i64 {
    i64::from(slot.weekday.index())
}

pub(super) async fn insert_slots(
    tx: &mut Transaction<'_, Sqlite>,
    table: &str,
    owner_column: &str,
    owner: i64,
    slots: &[WeeklySlot],
) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {table} ({owner_column}, weekday, start_min, end_min) VALUES (?, ?, ?, ?)");
    for slot in slots {
        sqlx::query(&sql)
            .bind(owner)
            .bind(weekday_index(slot))
            .bind(i64::from(slot.start.get()))
            .bind(i64::from(slot.end.get()))
            .execute(&mut **tx)
            .await
            .map_err(other)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (_write, mut tx) = self.write().await?;
        sqlx::query("INSERT OR IGNORE INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)")
            .bind(name)
            .bind(fresh)
            .bind(monalisa_app::backend::now_ms())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        let stored: Vec<u8> = sqlx::query_scalar("SELECT secret FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(stored)
    }

    async fn ensure_communes(&self, communes: &[CommuneRecord]) -> Result<usize, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let existing: i64 =
            sqlx::query_scalar("SELECT count(*) FROM communes").fetch_one(&mut *tx).await.map_err(other)?;
        if existing > 0 {
            return Ok(0);
        }
        for r in communes {
            let c = &r.commune;
            sqlx::query(
                "INSERT INTO communes (insee, name, population, population_year, area_km2, centre_lat, centre_lon, outline) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(c.insee.as_str())
            .bind(&c.name)
            .bind(i64::from(c.population))
            .bind(i64::from(c.population_year))
            .bind(c.area_km2)
            .bind(c.centre.lat)
            .bind(c.centre.lon)
            .bind(&r.outline)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(communes.len())
    }

    async fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        let rows = sqlx::query(
            "SELECT insee, name, population, population_year, area_km2, centre_lat, centre_lon FROM communes ORDER BY insee",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.into_iter()
            .map(|row| {
                let insee: String = row.get("insee");
                Ok(Commune {
                    insee: InseeCode::parse(&insee)
                        .ok_or_else(|| StoreError::Invalid(format!("bad INSEE code {insee}")))?,
                    name: row.get("name"),
                    population: u32::try_from(row.get::<i64, _>("population")).map_err(other)?,
                    population_year: u16::try_from(row.get::<i64, _>("population_year")).map_err(other)?,
                    area_km2: row.get("area_km2"),
                    centre: Location { lat: row.get("centre_lat"), lon: row.get("centre_lon") },
                })
            })
            .collect()
    }

    async fn counts(&self) -> Result<StoreCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM communes) AS communes, (SELECT count(*) FROM scopes) AS scopes, \
             (SELECT count(*) FROM ambassadors) AS ambassadors, (SELECT count(*) FROM volunteers) AS volunteers, \
             (SELECT count(*) FROM residents) AS residents, (SELECT count(*) FROM visits) AS visits, \
             (SELECT count(*) FROM reports) AS reports",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        let n = |c: &str| row.get::<i64, _>(c) as u64;
        Ok(StoreCounts {
            communes: n("communes"),
            scopes: n("scopes"),
            ambassadors: n("ambassadors"),
            volunteers: n("volunteers"),
            residents: n("residents"),
            visits: n("visits"),
            reports: n("reports"),
        })
    }

    async fn import_population(&self, p: &Population) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        for s in &p.scopes {
            sqlx::query("INSERT INTO scopes (id, name) VALUES (?, ?)")
                .bind(s.id.0)
                .bind(&s.name)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            for c in &s.communes {
                sqlx::query("INSERT INTO scope_communes (commune, scope_id) VALUES (?, ?)")
                    .bind(c.as_str())
                    .bind(s.id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::Invalid(format!("commune {c} cannot join scope {}: {e}", s.id)))?;
            }
        }
        for a in &p.ambassadors {
            sqlx::query("INSERT INTO ambassadors (id, first_name, last_name, phone, scope_id) VALUES (?, ?, ?, ?, ?)")
                .bind(a.id.0)
                .bind(&a.first_name)
                .bind(&a.last_name)
                .bind(&a.phone)
                .bind(a.scope.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        for v in &p.volunteers {
            sqlx::query(
                "INSERT INTO volunteers (id, first_name, last_name, phone, commune, home_lat, home_lon, scope_id, has_car, \
                 radius_km, weekly_capacity, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(v.id.0)
            .bind(&v.first_name)
            .bind(&v.last_name)
            .bind(&v.phone)
            .bind(v.commune.as_str())
            .bind(v.home.lat)
            .bind(v.home.lon)
            .bind(v.scope.0)
            .bind(v.has_car)
            .bind(v.reach.radius_km)
            .bind(i64::from(v.weekly_capacity))
            .bind(v.active)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            for c in &v.reach.communes {
                sqlx::query("INSERT INTO volunteer_communes (volunteer_id, commune) VALUES (?, ?)")
                    .bind(v.id.0)
                    .bind(c.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
            }
            insert_slots(&mut tx, "volunteer_slots", "volunteer_id", v.id.0, &v.availability).await?;
            for a in &v.absences {
                sqlx::query("INSERT INTO volunteer_absences (volunteer_id, first_day, last_day) VALUES (?, ?, ?)")
                    .bind(v.id.0)
                    .bind(a.first.to_string())
                    .bind(a.last.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
            }
        }
        for r in &p.residents {
            let (status, since, until) = match r.follow_up {
                FollowUp::Active { since } => ("active", since, None),
                FollowUp::Paused { since, until } => ("paused", since, until),
                FollowUp::Ended { on } => ("ended", on, None),
            };
            sqlx::query(
                "INSERT INTO residents (id, first_name, last_name, address, commune, home_lat, home_lon, phone, access_notes, \
                 likes, rhythm, isolation, consent_on, consent_method, consent_recorded_by, follow_up_start, \
                 follow_up_status, status_since, paused_until, volunteer_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.0)
            .bind(&r.first_name)
            .bind(&r.last_name)
            .bind(&r.address)
            .bind(r.commune.as_str())
            .bind(r.home.lat)
            .bind(r.home.lon)
            .bind(r.phone.as_deref())
            .bind(&r.access_notes)
            .bind(&r.likes)
            .bind(r.rhythm.code())
            .bind(i64::from(r.isolation.get()))
            .bind(r.consent.given_on.to_string())
            .bind(r.consent.method.code())
            .bind(r.consent.recorded_by.0)
            .bind(r.follow_up_start.to_string())
            .bind(status)
            .bind(since.to_string())
            .bind(until.map(|d| d.to_string()))
            .bind(r.volunteer.map(|v| v.0))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            insert_slots(&mut tx, "resident_slots", "resident_id", r.id.0, &r.preferred).await?;
        }
        for round in &p.rounds {
            let status = match round.status {
                RoundStatus::Draft => "draft",
                RoundStatus::Published => "published",
            };
            sqlx::query("INSERT INTO rounds (id, volunteer_id, week_start, status) VALUES (?, ?, ?, ?)")
                .bind(round.id.0)
                .bind(round.volunteer.0)
                .bind(round.week_start.to_string())
                .bind(status)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        // Route order of a visit = its position in its round's list.
        let seq_of = |visit: &monalisa_app::domain::Visit| -> i64 {
            visit
                .round
                .and_then(|rid| p.rounds.iter().find(|r| r.id == rid))
                .and_then(|round| round.visits.iter().position(|v| *v == visit.id))
                .map_or(0, |i| i as i64)
        };
        for v in &p.visits {
            let status = match v.status {
                VisitStatus::Planned => "planned",
                VisitStatus::Cancelled => "cancelled",
                VisitStatus::Reported => "reported",
            };
            sqlx::query(
                "INSERT INTO visits (id, round_id, seq, resident_id, volunteer_id, day, start_min, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(v.id.0)
            .bind(v.round.map(|r| r.0))
            .bind(seq_of(v))
            .bind(v.resident.0)
            .bind(v.volunteer.0)
            .bind(v.day.to_string())
            .bind(i64::from(v.start.get()))
            .bind(status)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        for r in &p.reports {
            let received = r.received_at.unwrap_or(r.recorded_at);
            sqlx::query(
                "INSERT INTO reports (id, visit_id, resident_id, volunteer_id, day, outcome, duration_min, mood, note, \
                 proposed_next, recorded_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.as_str())
            .bind(r.visit.map(|v| v.0))
            .bind(r.resident.0)
            .bind(r.volunteer.0)
            .bind(r.day.to_string())
            .bind(r.outcome.code())
            .bind(r.duration_minutes.map(i64::from))
            .bind(r.mood.map(|m| i64::from(m.get())))
            .bind(&r.note)
            .bind(r.proposed_next.map(|d| d.to_string()))
            .bind(r.recorded_at.0)
            .bind(received.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            for kind in &r.concerns {
                sqlx::query(
                    "INSERT INTO concerns (report_id, kind, resident_id, status, raised_at) VALUES (?, ?, ?, 'open', ?)",
                )
                .bind(r.id.as_str())
                .bind(kind.code())
                .bind(r.resident.0)
                .bind(received.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            }
        }
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn close(&self) {
        // Fold the write-ahead log into the database file, so the file alone is complete
        // (backups, copies) after a clean stop.
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
            tracing::warn!(error = %e, "checkpoint at close failed");
        }
        self.pool.close().await;
    }

    // ---- accounts --------------------------------------------------------------------

    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError> {
        let id = sqlx::query(
            "INSERT INTO users (login, display_name, role, volunteer_id, ambassador_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&user.login)
        .bind(&user.display_name)
        .bind(user.role.code())
        .bind(user.volunteer.map(|v| v.0))
        .bind(user.ambassador.map(|a| a.0))
        .bind(now.0)
        .execute(&self.pool)
        .await
        .map_err(conflict_or_other)?
        .last_insert_rowid();
        Ok(UserId(id))
    }

    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_SELECT} FROM {USER_FROM} WHERE u.id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {USER_SELECT} FROM {USER_FROM} WHERE u.login = ?"))
            .bind(login)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn list_accounts(&self, scope: Option<ScopeId>) -> Result<Vec<AccountSummary>, StoreError> {
        let rows = sqlx::query(&format!(
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
        let ids: Vec<i64> = sqlx::query_scalar(
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
            let rows = sqlx::query(
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
        let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
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
        let done = sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
            .bind(disabled)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL")
                .bind(now.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    // ---- enrolment and reset links ----------------------------------------------------

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
        sqlx::query("UPDATE enrolment_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
            .bind(now.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        sqlx::query(
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
        let row = sqlx::query("SELECT user_id, purpose, expires_at, used_at FROM enrolment_links WHERE token_hash = ?")
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
        let user: Option<i64> = sqlx::query_scalar(
            "UPDATE enrolment_links SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id",
        )
        .bind(now.0)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        let user = user.ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(UserId(user))
    }

    // ---- devices and sessions --------------------------------------------------------

    async fn device_by_token(&self, token_hash: &str, user: UserId) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ? AND user_id = ?"))
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
        let id = sqlx::query(
            "INSERT INTO devices (user_id, token_hash, label, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user.0)
        .bind(token_hash)
        .bind(label)
        .bind(now.0)
        .bind(now.0)
        .execute(&self.pool)
        .await
        .map_err(other)?
        .last_insert_rowid();
        Ok(DeviceId(id))
    }

    async fn device(&self, id: DeviceId) -> Result<Option<DeviceRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.as_ref().map(device_from))
    }

    async fn devices_of(&self, user: UserId) -> Result<Vec<DeviceRecord>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE user_id = ? ORDER BY id"))
            .bind(user.0)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        Ok(rows.iter().map(device_from).collect())
    }

    async fn revoke_device(&self, id: DeviceId, now: Timestamp) -> Result<(), StoreError> {
        self.forget_sessions();
        let (_write, mut tx) = self.write().await?;
        let done = sqlx::query("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // Sessions stay (ended) so that the phone gets "device revoked", not "not logged in".
        sqlx::query("UPDATE sessions SET ended_at = ? WHERE device_id = ? AND ended_at IS NULL")
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
        sqlx::query(
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
        sqlx::query("UPDATE devices SET last_seen = ? WHERE id = ?")
            .bind(now.0)
            .bind(device.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        if let Some((record, at)) = self.sessions.lock().unwrap_or_else(|e| e.into_inner()).get(token_hash) {
            if at.elapsed() < SESSION_CACHE_TTL {
                return Ok(Some(record.clone()));
            }
        }
        let found = self.load_session(token_hash).await?;
        if let Some(record) = &found {
            let mut cache = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(token_hash.to_owned(), (record.clone(), std::time::Instant::now()));
        }
        Ok(found)
    }

    async fn refresh_session(&self, token_hash: &str, now: Timestamp, expires_at: Timestamp) -> Result<(), StoreError> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(token_hash);
        let (_write, mut tx) = self.write().await?;
        let device: Option<i64> = sqlx::query_scalar(
            "UPDATE sessions SET refreshed_at = ?, expires_at = ? WHERE token_hash = ? AND ended_at IS NULL RETURNING device_id",
        )
        .bind(now.0)
        .bind(expires_at.0)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if let Some(device) = device {
            sqlx::query("UPDATE devices SET last_seen = ? WHERE id = ?")
                .bind(now.0)
                .bind(device)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn end_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(token_hash);
        sqlx::query("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")
            .bind(now.0)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    // ---- audit trail -------------------------------------------------------------------

    async fn append_audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, actor_id, device_id, action, object_kind, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(e.at.0)
            .bind(e.actor.map(|a| a.0))
            .bind(e.device.map(|d| d.0))
            .bind(&e.action)
            .bind(&e.object_kind)
            .bind(&e.object_id)
            .bind(&e.detail)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let day_ms = 86_400_000i64;
        let since = f.since.map(|d| i64::from(d.days()) * day_ms);
        let until = f.until.map(|d| i64::from(d.days() + 1) * day_ms);
        let rows = sqlx::query(
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

    // ---- people --------------------------------------------------------------------------

    async fn resident(&self, id: ResidentId) -> Result<Option<Resident>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM residents WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let slots = sqlx::query(
            "SELECT weekday, start_min, end_min FROM resident_slots WHERE resident_id = ? ORDER BY weekday, start_min",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let since = date(row.get("status_since"))?;
        let follow_up = match row.get::<&str, _>("follow_up_status") {
            "active" => FollowUp::Active { since },
            "paused" => FollowUp::Paused { since, until: opt_date(row.get("paused_until"))? },
            _ => FollowUp::Ended { on: since },
        };
        Ok(Some(Resident {
            id,
            first_name: row.get("first_name"),
            last_name: row.get("last_name"),
            address: row.get("address"),
            commune: InseeCode::parse(row.get("commune")).ok_or_else(|| bad("commune"))?,
            home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
            phone: row.get("phone"),
            access_notes: row.get("access_notes"),
            likes: row.get("likes"),
            rhythm: Rhythm::from_code(row.get("rhythm")).ok_or_else(|| bad("rhythm"))?,
            isolation: IsolationLevel::new(u8::try_from(row.get::<i64, _>("isolation")).unwrap_or(0))
                .ok_or_else(|| bad("isolation"))?,
            preferred: slots.iter().map(slot_from).collect::<Result<_, _>>()?,
            consent: Consent {
                given_on: date(row.get("consent_on"))?,
                method: ConsentMethod::from_code(row.get("consent_method")).ok_or_else(|| bad("consent method"))?,
                recorded_by: AmbassadorId(row.get("consent_recorded_by")),
            },
            follow_up_start: date(row.get("follow_up_start"))?,
            follow_up,
            volunteer: row.get::<Option<i64>, _>("volunteer_id").map(VolunteerId),
        }))
    }

    async fn last_contact(&self, id: ResidentId) -> Result<Option<LastContact>, StoreError> {
        let row = sqlx::query(
            "SELECT day, outcome, (SELECT max(day) FROM reports WHERE resident_id = ?1 AND outcome = 'done') AS last_done \
             FROM reports WHERE resident_id = ?1 ORDER BY day DESC, received_at DESC LIMIT 1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        row.map(|row| {
            Ok(LastContact {
                day: date(row.get("day"))?,
                outcome: Outcome::from_code(row.get("outcome")).ok_or_else(|| bad("outcome"))?,
                last_done: opt_date(row.get("last_done"))?,
            })
        })
        .transpose()
    }

    async fn scope_of_commune(&self, insee: &str) -> Result<Option<ScopeId>, StoreError> {
        let scope: Option<i64> = sqlx::query_scalar("SELECT scope_id FROM scope_communes WHERE commune = ?")
            .bind(insee)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(scope.map(ScopeId))
    }

    async fn volunteer(&self, id: VolunteerId) -> Result<Option<Volunteer>, StoreError> {
        let Some(row) = sqlx::query("SELECT * FROM volunteers WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let communes: Vec<String> =
            sqlx::query_scalar("SELECT commune FROM volunteer_communes WHERE volunteer_id = ? ORDER BY commune")
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        let slots = sqlx::query("SELECT weekday, start_min, end_min FROM volunteer_slots WHERE volunteer_id = ? ORDER BY weekday, start_min")
            .bind(id.0)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        let absences =
            sqlx::query("SELECT first_day, last_day FROM volunteer_absences WHERE volunteer_id = ? ORDER BY first_day")
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        Ok(Some(Volunteer {
            id,
            first_name: row.get("first_name"),
            last_name: row.get("last_name"),
            phone: row.get("phone"),
            commune: InseeCode::parse(row.get("commune")).ok_or_else(|| bad("commune"))?,
            home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
            scope: ScopeId(row.get("scope_id")),
            has_car: row.get::<i64, _>("has_car") != 0,
            reach: Reach {
                communes: communes
                    .iter()
                    .map(|c| InseeCode::parse(c).ok_or_else(|| bad("commune")))
                    .collect::<Result<_, _>>()?,
                radius_km: row.get("radius_km"),
            },
            weekly_capacity: u8::try_from(row.get::<i64, _>("weekly_capacity")).map_err(other)?,
            availability: slots.iter().map(slot_from).collect::<Result<_, _>>()?,
            absences: absences
                .iter()
                .map(|r| {
                    DayRange::new(date(r.get("first_day"))?, date(r.get("last_day"))?).ok_or_else(|| bad("absence"))
                })
                .collect::<Result<_, _>>()?,
            active: row.get::<i64, _>("active") != 0,
        }))
    }

    async fn ambassador(&self, id: AmbassadorId) -> Result<Option<Ambassador>, StoreError> {
        let row = sqlx::query("SELECT id, first_name, last_name, phone, scope_id FROM ambassadors WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.as_ref().map(ambassador_from))
    }

    async fn commune_name(&self, insee: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT name FROM communes WHERE insee = ?")
            .bind(insee)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn resident_card(
        &self,
        id: ResidentId,
    ) -> Result<Option<monalisa_app::api::residents::ResidentCard>, StoreError> {
        self.card(id).await
    }

    async fn apply_push(
        &self,
        caller: &monalisa_app::backend::SyncCaller,
        request: &monalisa_app::sync::PushRequest,
        now: Timestamp,
    ) -> Result<Vec<monalisa_app::sync::Ack>, StoreError> {
        self.push(caller, request, now).await
    }

    async fn review_queue(&self, scope: ScopeId) -> Result<monalisa_app::api::review::ReviewQueue, StoreError> {
        self.review(scope.0).await
    }

    async fn mark_reviewed(
        &self,
        scope: ScopeId,
        item: &monalisa_app::api::review::ReviewItem,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.mark_review(scope.0, item, by.0, now).await
    }

    async fn release_quarantined(
        &self,
        scope: ScopeId,
        mutation: &monalisa_app::domain::ClientId,
        by: UserId,
        now: Timestamp,
    ) -> Result<monalisa_app::sync::AckStatus, StoreError> {
        let write = self.write_lock.clone().lock_owned().await;
        let (file, mutation) = (self.file.clone(), mutation.clone());
        // Run to the end even if the request goes away (the lock goes with the work).
        tokio::task::spawn_blocking(move || {
            let _write = write;
            super::push_writer::release(&file, scope.0, &mutation, by.0, now)
        })
        .await
        .map_err(other)?
    }

    async fn pull(
        &self,
        caller: &monalisa_app::backend::SyncCaller,
        cursor: Option<&monalisa_app::sync::Cursor>,
        limit: u32,
        today: Date,
    ) -> Result<monalisa_app::backend::PullPage, StoreError> {
        self.pull_page(caller, cursor, limit, today).await
    }

    // ---- concerns ------------------------------------------------------------------------

    async fn concern_queue(
        &self,
        scope: ScopeId,
        resolved_since: Timestamp,
    ) -> Result<Vec<monalisa_app::api::concerns::ConcernItem>, StoreError> {
        use monalisa_app::api::concerns::{ConcernItem, Done};
        use monalisa_app::domain::{ClientId, ConcernKind, ConcernStatus};
        let rows = sqlx::query(
            "SELECT c.report_id, c.kind, c.status, c.raised_at, c.acknowledged_at, c.resolved_at, \
             r.id AS resident, r.first_name AS rf, r.last_name AS rl, co.name AS commune, p.day, \
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
        report: &monalisa_app::domain::ClientId,
        kind: monalisa_app::domain::ConcernKind,
        step: monalisa_app::api::concerns::FollowUpStep,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        use monalisa_app::api::concerns::FollowUpStep;
        let (_write, mut tx) = self.write().await?;
        let status: Option<String> = sqlx::query_scalar(
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
        sqlx::query(sql)
            .bind(now.0)
            .bind(by.0)
            .bind(report.as_str())
            .bind(kind.code())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    // ---- planning ------------------------------------------------------------------------

    async fn scope_people(&self, scope: ScopeId) -> Result<(Vec<VolunteerId>, Vec<ResidentId>), StoreError> {
        let volunteers: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM volunteers WHERE scope_id = ? AND active = 1 ORDER BY id")
                .bind(scope.0)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        let residents: Vec<i64> = sqlx::query_scalar(
            "SELECT r.id FROM residents r JOIN scope_communes sc ON sc.commune = r.commune WHERE sc.scope_id = ? ORDER BY r.id",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok((volunteers.into_iter().map(VolunteerId).collect(), residents.into_iter().map(ResidentId).collect()))
    }

    async fn reported_between(&self, scope: ScopeId, from: Date, to: Date) -> Result<Vec<ResidentId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT p.resident_id FROM reports p JOIN residents r ON r.id = p.resident_id \
             JOIN scope_communes sc ON sc.commune = r.commune \
             WHERE sc.scope_id = ? AND p.day BETWEEN ? AND ? AND p.flag IS NULL ORDER BY p.resident_id",
        )
        .bind(scope.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(ids.into_iter().map(ResidentId).collect())
    }

    async fn publish_rounds(
        &self,
        scope: ScopeId,
        week_start: Date,
        rounds: &[monalisa_app::planning::PlannedRound],
    ) -> Result<usize, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let week = week_start.to_string();
        let last = week_start.add_days(6).to_string();
        let volunteers: Vec<i64> = sqlx::query_scalar("SELECT id FROM volunteers WHERE scope_id = ?")
            .bind(scope.0)
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
        if let Some(r) = rounds.iter().find(|r| !volunteers.contains(&r.volunteer.0)) {
            return Err(StoreError::Invalid(format!("volunteer {} is not in this scope", r.volunteer)));
        }
        for &v in &volunteers {
            sqlx::query(
                "UPDATE visits SET status = 'cancelled' WHERE volunteer_id = ? AND day BETWEEN ? AND ? AND status = 'planned'",
            )
            .bind(v)
            .bind(&week)
            .bind(&last)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        let mut published = 0;
        for round in rounds {
            let round_id: i64 = sqlx::query_scalar(
                "INSERT INTO rounds (volunteer_id, week_start, status) VALUES (?, ?, 'published') \
                 ON CONFLICT (volunteer_id, week_start) DO UPDATE SET status = 'published' RETURNING id",
            )
            .bind(round.volunteer.0)
            .bind(&week)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
            for (seq, visit) in round.visits.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO visits (round_id, seq, resident_id, volunteer_id, day, start_min, status) \
                     VALUES (?, ?, ?, ?, ?, ?, 'planned')",
                )
                .bind(round_id)
                .bind(seq as i64)
                .bind(visit.resident.0)
                .bind(round.volunteer.0)
                .bind(visit.day.to_string())
                .bind(i64::from(visit.start.get()))
                .execute(&mut *tx)
                .await
                .map_err(other)?;
                // A substitute volunteer's phone needs the resident's card too.
                sqlx::query("INSERT INTO change_log (kind, entity_id) VALUES ('resident', ?)")
                    .bind(visit.resident.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
                published += 1;
            }
        }
        tx.commit().await.map_err(other)?;
        Ok(published)
    }

    async fn planning_locks(
        &self,
        scope: ScopeId,
        week_start: Date,
    ) -> Result<Vec<(ResidentId, monalisa_app::planning::PlanningLock)>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.resident_id, l.volunteer_id, l.day, l.start_min FROM planning_locks l \
             JOIN volunteers v ON v.id = l.volunteer_id WHERE v.scope_id = ? AND l.week_start = ? ORDER BY l.resident_id",
        )
        .bind(scope.0)
        .bind(week_start.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                let at = match (opt_date(r.get("day"))?, r.get::<Option<i64>, _>("start_min")) {
                    (Some(day), Some(m)) => {
                        Some((day, Minute::new(u16::try_from(m).unwrap_or(u16::MAX)).ok_or_else(|| bad("lock time"))?))
                    }
                    _ => None,
                };
                let lock = monalisa_app::planning::PlanningLock { volunteer: VolunteerId(r.get("volunteer_id")), at };
                Ok((ResidentId(r.get("resident_id")), lock))
            })
            .collect()
    }

    async fn set_planning_lock(
        &self,
        scope: ScopeId,
        week_start: Date,
        resident: ResidentId,
        lock: Option<monalisa_app::planning::PlanningLock>,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let resident_in_scope: Option<i64> = sqlx::query_scalar(
            "SELECT r.id FROM residents r JOIN scope_communes sc ON sc.commune = r.commune WHERE r.id = ? AND sc.scope_id = ?",
        )
        .bind(resident.0)
        .bind(scope.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if resident_in_scope.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM planning_locks WHERE resident_id = ? AND week_start = ?")
            .bind(resident.0)
            .bind(week_start.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if let Some(lock) = lock {
            let in_scope: Option<i64> = sqlx::query_scalar("SELECT id FROM volunteers WHERE id = ? AND scope_id = ?")
                .bind(lock.volunteer.0)
                .bind(scope.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(other)?;
            if in_scope.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO planning_locks (resident_id, week_start, volunteer_id, day, start_min) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(resident.0)
            .bind(week_start.to_string())
            .bind(lock.volunteer.0)
            .bind(lock.at.map(|(day, _)| day.to_string()))
            .bind(lock.at.map(|(_, m)| i64::from(m.get())))
            .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn visit_entry(
        &self,
        scope: ScopeId,
        visit: monalisa_app::domain::VisitId,
    ) -> Result<Option<monalisa_app::api::planning::VisitEntry>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT vi.id, vi.day, vi.start_min, r.id AS resident, r.first_name AS rf, r.last_name AS rl, \
             v.id AS volunteer, v.first_name AS vf, v.last_name AS vl \
             FROM visits vi JOIN volunteers v ON v.id = vi.volunteer_id JOIN residents r ON r.id = vi.resident_id \
             JOIN rounds ro ON ro.id = vi.round_id \
             WHERE vi.id = ? AND v.scope_id = ? AND vi.status <> 'cancelled' AND ro.status = 'published'",
        )
        .bind(visit.0)
        .bind(scope.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?
        else {
            return Ok(None);
        };
        // 128 random bits, in the phone's id format (32 lowercase hex digits).
        let random = monalisa_app::backend::auth::token_hash(&monalisa_app::backend::auth::new_token());
        let report_id = monalisa_app::domain::ClientId::parse(&random[..32]).ok_or_else(|| bad("report id"))?;
        let name = |a: &str, b: &str| format!("{} {}", row.get::<String, _>(a), row.get::<String, _>(b));
        Ok(Some(monalisa_app::api::planning::VisitEntry {
            visit,
            resident: ResidentId(row.get("resident")),
            resident_name: name("rf", "rl"),
            volunteer: VolunteerId(row.get("volunteer")),
            volunteer_name: name("vf", "vl"),
            day: date(row.get("day"))?,
            start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(u16::MAX))
                .ok_or_else(|| bad("visit start"))?,
            report_id,
        }))
    }

    async fn scope_outlines(&self, scope: ScopeId) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT c.outline FROM communes c JOIN scope_communes sc ON sc.commune = c.insee WHERE sc.scope_id = ? ORDER BY c.insee",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn round_sheet(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        week_start: Date,
    ) -> Result<Option<(monalisa_app::api::planning::RoundSheet, Vec<ResidentId>)>, StoreError> {
        use monalisa_app::api::planning::{RoundSheet, SheetVisit};
        let Some(v) = sqlx::query("SELECT first_name, last_name FROM volunteers WHERE id = ? AND scope_id = ?")
            .bind(volunteer.0)
            .bind(scope.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT vi.id AS visit, vi.day, vi.start_min, r.id AS resident, r.first_name, r.last_name, r.address, r.phone, r.access_notes, \
             c.name AS commune FROM visits vi JOIN rounds ro ON ro.id = vi.round_id \
             JOIN residents r ON r.id = vi.resident_id JOIN communes c ON c.insee = r.commune \
             WHERE vi.volunteer_id = ? AND ro.week_start = ? AND ro.status = 'published' AND vi.status <> 'cancelled' \
             ORDER BY vi.day, vi.start_min, vi.seq",
        )
        .bind(volunteer.0)
        .bind(week_start.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut visits = Vec::with_capacity(rows.len());
        let mut residents = Vec::with_capacity(rows.len());
        for row in &rows {
            residents.push(ResidentId(row.get("resident")));
            visits.push(SheetVisit {
                visit: monalisa_app::domain::VisitId(row.get("visit")),
                day: date(row.get("day"))?,
                start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(u16::MAX))
                    .ok_or_else(|| bad("visit start"))?,
                resident_name: format!("{} {}", row.get::<String, _>("first_name"), row.get::<String, _>("last_name")),
                address: row.get("address"),
                commune: row.get("commune"),
                phone: row.get("phone"),
                access_notes: row.get("access_notes"),
            });
        }
        let volunteer_name = format!("{} {}", v.get::<String, _>("first_name"), v.get::<String, _>("last_name"));
        Ok(Some((RoundSheet { week: week_start, volunteer_name, visits }, residents)))
    }

    async fn concerns_to_announce(
        &self,
        raised_since: Timestamp,
    ) -> Result<Vec<monalisa_app::backend::ConcernAlert>, StoreError> {
        self.announce_list(raised_since).await
    }

    async fn concerns_to_escalate(
        &self,
        raised_before: Timestamp,
    ) -> Result<Vec<monalisa_app::backend::ConcernAlert>, StoreError> {
        self.escalate_list(raised_before).await
    }

    async fn mark_concern_alerted(
        &self,
        report: &monalisa_app::domain::ClientId,
        kind: monalisa_app::domain::ConcernKind,
        escalation: bool,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.mark_alerted(report, kind, escalation, at).await
    }

    async fn user_email(&self, user: UserId) -> Result<Option<String>, StoreError> {
        self.email_of(user).await
    }

    async fn set_user_email(&self, user: UserId, email: Option<&str>) -> Result<(), StoreError> {
        self.set_email(user, email).await
    }

    async fn withdraw_consent(
        &self,
        scope: ScopeId,
        resident: ResidentId,
        centre: Location,
        today: Date,
    ) -> Result<(), StoreError> {
        self.erase_resident(scope, resident, centre, today).await
    }

    async fn resident_history(
        &self,
        resident: ResidentId,
    ) -> Result<
        (Vec<monalisa_app::api::dossier::DossierVisit>, Vec<monalisa_app::api::dossier::DossierReport>),
        StoreError,
    > {
        self.history_of(resident).await
    }

    async fn purge_candidates(&self, cutoff: Date) -> Result<Vec<ResidentId>, StoreError> {
        self.purge_list(cutoff).await
    }

    async fn purge_resident(&self, resident: ResidentId, today: Date) -> Result<(), StoreError> {
        self.purge_one(resident, today).await
    }

    async fn consent_withdrawn_on(&self, resident: ResidentId) -> Result<Option<Date>, StoreError> {
        self.withdrawn_on(resident).await
    }

    async fn record_unserved(
        &self,
        scope: ScopeId,
        week_start: Date,
        unserved: &[(ResidentId, monalisa_app::api::planning::UnservedReason)],
    ) -> Result<(), StoreError> {
        self.save_unserved(scope, week_start, unserved).await
    }

    async fn coverage_data(&self) -> Result<monalisa_app::backend::CoverageData, StoreError> {
        self.load_coverage().await
    }

    async fn scope_people_list(&self, scope: ScopeId) -> Result<monalisa_app::api::people::PeopleList, StoreError> {
        self.people_list(scope).await
    }

    async fn scope_communes(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError> {
        self.communes_of_scope(scope).await
    }

    async fn save_resident(
        &self,
        scope: ScopeId,
        draft: &monalisa_app::people::ResidentDraft,
        home: Location,
        recorded_by: AmbassadorId,
        today: Date,
    ) -> Result<ResidentId, StoreError> {
        self.save_resident_record(scope, draft, home, recorded_by, today).await
    }

    async fn save_volunteer(
        &self,
        scope: ScopeId,
        draft: &monalisa_app::people::VolunteerDraft,
        home: Location,
    ) -> Result<VolunteerId, StoreError> {
        self.save_volunteer_record(scope, draft, home).await
    }
}

fn ambassador_from(row: &SqliteRow) -> Ambassador {
    Ambassador {
        id: AmbassadorId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        phone: row.get("phone"),
        scope: ScopeId(row.get("scope_id")),
    }
}
