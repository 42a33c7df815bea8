//! Every storage trait on SQL: embedded SQLite (the default) and PostgreSQL (several server
//! processes on one database), one code base through sqlx's `Any` driver (`sql.rs`: the
//! statements are written once, with the few dialect differences in `Dialect`).
//!
//! SQLite: WAL journal (readers never block the writer), `synchronous = FULL` (a commit is on
//! disk before it is acknowledged: DESIGN.md "acknowledges only after a durable commit"),
//! foreign keys on, a busy timeout instead of immediate "database is locked" errors.
//! PostgreSQL: the server's own durability (`fsync`, `synchronous_commit` on, as shipped);
//! TLS by rustls as the URL's `sslmode` asks.
//!
//! Writes: SQLite has one writer at a time. Write transactions take an in-process lock first
//! (waiters wake as soon as it frees, instead of SQLite's sleep-and-retry) and begin
//! `IMMEDIATE` (no read-then-upgrade deadlock). On PostgreSQL they take the same in-process
//! lock, then the writers' advisory lock, which every change-feed trigger also takes
//! ([`begin_write`], `migrations/postgres/0001_schema.sql`): one writer at a time across every
//! process, and feed positions committed in the order they were given. Pushes go through a
//! push writer (`push_writer.rs` on SQLite, `push_writer_pg.rs` on PostgreSQL, the statements
//! in `push_sql.rs`), which group-commits them.
//!
//! One file per storage trait (`territory.rs`, `accounts.rs`, `sync.rs`, `people.rs`,
//! `planning.rs`, `privacy.rs`, `coverage.rs`, `alerts.rs`, `geocoding.rs`), each implementing its trait
//! directly; migrations in `migrations/sqlite` and `migrations/postgres`, append-only (a
//! change is a new file in each).
//!
//! Two SQLite drivers: sqlx (async, pooled) serves every request; the push writer and the
//! release of a quarantined push use rusqlite on a thread of their own, because a group commit
//! is one synchronous transaction held across many pushes (with their decisions made row by
//! row inside it), which sqlx's SQLite driver can only give through a connection it owns on
//! its own worker thread, one message per statement. Both link the same libsqlite3.

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
use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Any, Row, Transaction};
use std::str::FromStr;
use std::time::Duration;

mod accounts;
mod alerts;
pub mod copy;
mod coverage;
mod geocoding;
mod imports;
mod leases;
mod people;
mod planning;
mod privacy;
mod push_sql;
mod push_writer;
mod push_writer_pg;
mod sql;

use sql::Dialect;
mod sync;
mod territory;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How a store is opened beyond its URL.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Connections the request pool keeps at most (the push writer takes one of them).
    pub pool_size: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options { pool_size: 8 }
    }
}

/// Opens the store a database URL names (`sqlite:` or `postgres:`), creating and migrating
/// it if needed, with the default options.
pub async fn open(database_url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    open_with(database_url, Options::default()).await
}

/// Copies the territory in the SQLite file at `from` into the empty PostgreSQL database at
/// `to` (see [`copy`]); both are migrated first.
pub async fn copy_store(from: &str, to: &str) -> Result<copy::CopyReport, StoreError> {
    let source = SqlStore::open(from).await?;
    let target = SqlStore::open(to).await?;
    let report = copy::copy(&source, &target).await;
    use monalisa_store::TerritoryStore as _;
    source.close().await;
    target.close().await;
    report
}

/// Opens the store a database URL names, with `options`.
pub async fn open_with(database_url: &str, options: Options) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    Ok(std::sync::Arc::new(SqlStore::open_with(database_url, options).await?))
}

pub struct SqlStore {
    pub(crate) pool: AnyPool,
    pub(crate) dialect: Dialect,
    /// Write transactions of this process wait here first (see the module's comment).
    pub(crate) write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    pub(crate) pushes: tokio::sync::mpsc::Sender<crate::push_writer::PushJob>,
    /// SQLite: the database file (a quarantined push brought into the record is applied on
    /// its own synchronous connection, as the push writer applies pushes).
    pub(crate) file: Option<std::path::PathBuf>,
    /// SQLite: sessions looked up recently (every request authenticates), kept a few seconds,
    /// dropped at once when this process revokes, disables, ends or refreshes. A change made
    /// by another process (`monalisa user disable`) takes effect within [`SESSION_CACHE_TTL`].
    /// PostgreSQL has none: several server processes share the database, and each must see
    /// a revocation at once.
    sessions: Option<std::sync::Mutex<std::collections::HashMap<String, (SessionRecord, std::time::Instant)>>>,
    /// PostgreSQL: the leases this process holds, each on a connection of its own (`leases.rs`).
    pub(crate) leases: tokio::sync::Mutex<std::collections::HashMap<String, sqlx::AnyConnection>>,
}

/// How long a looked-up session is reused (SQLite).
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

pub(crate) fn other(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> StoreError {
    StoreError::other(e)
}

impl SqlStore {
    pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
        Self::open_with(url, Options::default()).await
    }

    pub async fn open_with(url: &str, options: Options) -> Result<SqlStore, StoreError> {
        sqlx::any::install_default_drivers();
        if url.starts_with("sqlite:") {
            Self::open_sqlite(url, options).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::open_postgres(url, options).await
        } else {
            Err(StoreError::Invalid("unsupported database URL: use sqlite:// or postgres://".into()))
        }
    }

    async fn open_sqlite(url: &str, options: Options) -> Result<SqlStore, StoreError> {
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = connect.get_filename().parent() {
            if !dir.as_os_str().is_empty() && connect.get_filename() != std::path::Path::new(":memory:") {
                std::fs::create_dir_all(dir).map_err(|e| other(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        let file = connect.get_filename().to_path_buf();
        if file.as_os_str().is_empty() || file == std::path::Path::new(":memory:") {
            return Err(StoreError::Invalid("in-memory SQLite is not supported: use a file".into()));
        }
        Self::migrate_on(&connect).await?;
        // The request pool, through the `Any` driver (`sql.rs`): the file migrated above,
        // each connection set up as the writer's.
        let pool = AnyPoolOptions::new()
            .max_connections(options.pool_size.max(1))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor as _;
                    conn.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                        .await
                        .map(|_| ())
                })
            })
            .connect(&format!("sqlite://{}", file.display()))
            .await
            .map_err(other)?;
        let write_lock = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let pushes = crate::push_writer::spawn(&file, write_lock.clone())?;
        Ok(SqlStore {
            pool,
            dialect: Dialect::Sqlite,
            write_lock,
            pushes,
            file: Some(file),
            sessions: Some(std::sync::Mutex::default()),
            leases: tokio::sync::Mutex::default(),
        })
    }

    /// PostgreSQL: the URL's own settings (host, credentials, `sslmode`, `sslrootcert`...),
    /// TLS by rustls when `sslmode` asks for it. The server's durability settings (`fsync`,
    /// `synchronous_commit`) are left as PostgreSQL ships them: on.
    async fn open_postgres(url: &str, options: Options) -> Result<SqlStore, StoreError> {
        use sqlx::ConnectOptions as _;
        let connect = sqlx::postgres::PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("bad PostgreSQL URL: {e}")))?;
        let mut conn = connect.connect().await.map_err(other)?;
        PG_MIGRATIONS.run(&mut conn).await.map_err(other)?;
        use sqlx::Connection as _;
        conn.close().await.map_err(other)?;
        let pool = AnyPoolOptions::new().max_connections(options.pool_size.max(2)).connect(url).await.map_err(other)?;
        let write_lock = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        let pushes = crate::push_writer_pg::spawn(pool.clone(), write_lock.clone());
        Ok(SqlStore {
            pool,
            dialect: Dialect::Postgres,
            write_lock,
            pushes,
            file: None,
            sessions: None,
            leases: tokio::sync::Mutex::default(),
        })
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

    /// A session with its account and device, in one query (every request asks).
    async fn load_session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sql::query(&format!(
            "SELECT s.expires_at, s.ended_at, s.refreshed_at, {USER_SELECT}, d.id AS device, d.label AS device_label, \
             d.first_seen AS device_first_seen, d.last_seen AS device_last_seen, d.last_sync AS device_last_sync, \
             d.revoked_at AS device_revoked_at, d.user_id AS device_user \
             FROM sessions s JOIN devices d ON d.id = s.device_id JOIN users u ON u.id = s.user_id \
             LEFT JOIN volunteers v ON v.id = u.volunteer_id LEFT JOIN ambassadors a ON a.id = u.ambassador_id \
             WHERE s.token_hash = ?"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        let Some(row) = row else { return Ok(None) };
        let user = user_from(&row)?;
        let device = DeviceRecord {
            id: DeviceId(row.get("device")),
            user: UserId(row.get("device_user")),
            label: row.get("device_label"),
            first_seen: Timestamp(row.get("device_first_seen")),
            last_seen: Timestamp(row.get("device_last_seen")),
            last_sync: ts(row.get("device_last_sync")),
            revoked_at: ts(row.get("device_revoked_at")),
        };
        Ok(Some(SessionRecord {
            user,
            device,
            expires_at: Timestamp(row.get("expires_at")),
            ended_at: ts(row.get("ended_at")),
            refreshed_at: Timestamp(row.get("refreshed_at")),
        }))
    }

    fn forget_session(&self, token_hash: &str) {
        if let Some(sessions) = &self.sessions {
            sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(token_hash);
        }
    }

    fn forget_sessions(&self) {
        if let Some(sessions) = &self.sessions {
            sessions.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    /// A write transaction (see [`begin_write`]).
    pub(crate) async fn write(
        &self,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, Transaction<'static, Any>), StoreError> {
        begin_write(&self.pool, self.dialect, &self.write_lock).await
    }
}

/// A write transaction: this process's writer lock, then, on SQLite, `BEGIN IMMEDIATE` (the
/// database's one writer); on PostgreSQL, `BEGIN` and the writers' advisory lock
/// (`feed_lock()` in `migrations/postgres/0001_schema.sql`), held until the transaction ends:
/// write transactions follow one another across every server process, as on SQLite, and the
/// change feed's positions commit in the order they were given.
pub(crate) async fn begin_write(
    pool: &AnyPool,
    dialect: Dialect,
    lock: &std::sync::Arc<tokio::sync::Mutex<()>>,
) -> Result<(tokio::sync::OwnedMutexGuard<()>, Transaction<'static, Any>), StoreError> {
    let guard = lock.clone().lock_owned().await;
    let tx = match dialect {
        Dialect::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await.map_err(other)?,
        Dialect::Postgres => {
            let mut tx = pool.begin().await.map_err(other)?;
            sql::query("SELECT 1 FROM (SELECT feed_lock()) AS locked").execute(&mut *tx).await.map_err(other)?;
            tx
        }
    };
    Ok((guard, tx))
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

fn user_from(row: &AnyRow) -> Result<UserRecord, StoreError> {
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

fn device_from(row: &AnyRow) -> DeviceRecord {
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

pub(crate) fn slot_from(row: &AnyRow) -> Result<WeeklySlot, StoreError> {
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
    tx: &mut Transaction<'_, Any>,
    table: &str,
    owner_column: &str,
    owner: i64,
    slots: &[WeeklySlot],
) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {table} ({owner_column}, weekday, start_min, end_min) VALUES (?, ?, ?, ?)");
    for slot in slots {
        sql::query(&sql)
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

fn ambassador_from(row: &AnyRow) -> Ambassador {
    Ambassador {
        id: AmbassadorId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        phone: row.get("phone"),
        scope: row.get::<Option<i64>, _>("scope_id").map(ScopeId),
    }
}
