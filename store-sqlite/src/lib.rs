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
//!
//! One file per storage trait (`territory.rs`, `accounts.rs`, `sync.rs`, `people.rs`,
//! `planning.rs`, `privacy.rs`, `coverage.rs`, `alerts.rs`, `geocoding.rs`), each implementing its trait
//! directly; migrations in `migrations/sqlite`, append-only.
//!
//! Two drivers: sqlx (async, pooled) serves every request; the push writer and the release of
//! a quarantined push use rusqlite on a thread of their own, because a group commit is one
//! synchronous transaction held across many pushes (with their decisions made row by row
//! inside it), which sqlx's SQLite driver can only give through a connection it owns on its
//! own worker thread, one message per statement. Both link the same libsqlite3.

use monalisa_core::auth::{DeviceId, Role, UserId};
use monalisa_core::domain::{
    Ambassador, AmbassadorId, Commune, Consent, ConsentMethod, Date, DayRange, FollowUp, InseeCode, IsolationLevel,
    Location, Milestone, Minute, Outcome, Reach, Resident, ResidentId, RoundStatus, ScopeId, Timestamp, VisitStatus,
    Volunteer, VolunteerId, Weekday, WeeklySlot,
};
use monalisa_core::wire::accounts::AccountSummary;
use monalisa_core::wire::audit::{AuditEntry, AuditFilter};
use monalisa_store::*;
use monalisa_store::{
    CommuneRecord, DeviceRecord, EnrolmentPurpose, EnrolmentRecord, LastContact, NewUser, Population, SessionRecord,
    StoreCounts, StoreError, UserRecord,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

mod accounts;
mod alerts;
mod coverage;
mod geocoding;
mod imports;
mod people;
mod planning;
mod privacy;
mod push_writer;
mod sync;
mod territory;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Opens the store a database URL names (creating and migrating it if needed).
pub async fn open(database_url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::open(database_url).await?))
    } else {
        Err(StoreError::Invalid("unsupported database URL: only sqlite: URLs are supported in this version".into()))
    }
}

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    pub(crate) write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    pub(crate) pushes: tokio::sync::mpsc::Sender<crate::push_writer::PushJob>,
    /// The database file (a quarantined push brought into the record is applied on its own
    /// synchronous connection, as the push writer applies pushes).
    pub(crate) file: std::path::PathBuf,
    /// Sessions looked up recently (every request authenticates): kept a few seconds, dropped
    /// at once when this process revokes, disables, ends or refreshes. A change made by another
    /// process (`monalisa user disable`) takes effect within [`SESSION_CACHE_TTL`].
    sessions: std::sync::Mutex<std::collections::HashMap<String, (SessionRecord, std::time::Instant)>>,
}

/// How long a looked-up session is reused.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

pub(crate) fn other(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> StoreError {
    StoreError::other(e)
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
        Self::migrate_on(&options).await?;
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(other)?;
        let write_lock = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let pushes = crate::push_writer::spawn(&file, write_lock.clone())?;
        Ok(SqliteStore { pool, write_lock, pushes, file, sessions: std::sync::Mutex::default() })
    }

    /// Runs the migrations on a connection of their own with foreign keys off, as SQLite's
    /// procedure for schema changes asks (a table rebuilt under the references to it, e.g.
    /// 0013), then checks every reference before the store opens.
    async fn migrate_on(options: &SqliteConnectOptions) -> Result<(), StoreError> {
        use sqlx::Connection as _;
        let mut conn =
            sqlx::SqliteConnection::connect_with(&options.clone().foreign_keys(false)).await.map_err(other)?;
        MIGRATIONS.run(&mut conn).await.map_err(other)?;
        let broken = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut conn).await.map_err(other)?;
        conn.close().await.map_err(other)?;
        if let Some(row) = broken.first() {
            let table: String = row.get(0);
            return Err(StoreError::Invalid(format!(
                "the database has {} broken references (first in table {table}): restore a backup",
                broken.len()
            )));
        }
        Ok(())
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
    pub(crate) async fn write(
        &self,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, Transaction<'static, Sqlite>), StoreError> {
        let guard = self.write_lock.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(other)?;
        Ok((guard, tx))
    }
}

/// The clock, for what the store stamps itself (a secret's creation, a pull's time).
fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The volunteers the planner may give visits to (`monalisa_core::domain::Volunteer::plannable`),
/// as an SQL condition on the `volunteers` table.
pub(crate) const PLANNABLE: &str = "active = 1 AND charter_signed = 1 AND training_done = 1";

pub(crate) fn bad(what: &str) -> StoreError {
    StoreError::Invalid(format!("bad stored {what}"))
}

pub(crate) fn date(text: &str) -> Result<Date, StoreError> {
    Date::parse(text).map_err(|_| bad("date"))
}

pub(crate) fn opt_date(text: Option<String>) -> Result<Option<Date>, StoreError> {
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

pub(crate) fn slot_from(row: &SqliteRow) -> Result<WeeklySlot, StoreError> {
    let weekday = Weekday::from_index(u8::try_from(row.get::<i64, _>("weekday")).map_err(other)?)
        .ok_or_else(|| bad("weekday"))?;
    let minute =
        |c: &str| Minute::new(u16::try_from(row.get::<i64, _>(c)).unwrap_or(u16::MAX)).ok_or_else(|| bad("time"));
    WeeklySlot::new(weekday, minute("start_min")?, minute("end_min")?).ok_or_else(|| bad("slot"))
}

fn weekday_index(slot: &WeeklySlot) -> i64 {
    i64::from(slot.weekday.index())
}

pub(crate) async fn insert_slots(
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

fn ambassador_from(row: &SqliteRow) -> Ambassador {
    Ambassador {
        id: AmbassadorId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        phone: row.get("phone"),
        scope: row.get::<Option<i64>, _>("scope_id").map(ScopeId),
    }
}
