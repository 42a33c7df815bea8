//! Command line and environment configuration (one place; every option also has an
//! environment variable so a systemd unit can configure the server).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/monalisa.db";

#[derive(Parser, Debug)]
#[command(name = "monalisa", version, about = "Monalisa Visites: visits to isolated elderly people (server and tools)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (pages, server functions, offline shell).
    Serve(ServeArgs),
    /// Generate the synthetic demo population into a database (which must hold no population yet).
    DemoData(DemoArgs),
    /// Manage accounts: add, list, disable, enable, reset-password.
    User(UserArgs),
    /// Set up the scopes: list, add, rename, give communes to (assign).
    Scope(ScopeArgs),
    /// Set up the ambassadors' records: list, add, attach to a scope, detach.
    Ambassador(AmbassadorArgs),
    /// Import residents or volunteers from a spreadsheet file (CSV or .xlsx): a dry run that
    /// lists every refused line, then --apply; or --template to print a file's columns.
    Import(ImportArgs),
    /// Plan a week from an instance file (monalisa-plan-instance/1), or check a hand-edited plan.
    Plan(PlanArgs),
    /// Erase the records past the retention period (the server also does it daily), or with
    /// --dry-run list what would go.
    Purge(PurgeArgs),
    /// The database itself: `copy` moves a territory from its SQLite file to PostgreSQL.
    Store(StoreArgs),
}

#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    #[command(subcommand)]
    pub action: StoreAction,
}

#[derive(Subcommand, Debug, Clone)]
pub enum StoreAction {
    /// Copy every table (accounts, devices, audit trail, server keys included) from a SQLite
    /// file into an empty PostgreSQL database, in one transaction, each table counted and
    /// checksummed on both sides; phones keep syncing afterwards without logging in again.
    /// Stop the server first.
    Copy {
        /// The SQLite database (`sqlite://path/to/file.db`).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database (`postgres://user:password@host/name`), empty.
        #[arg(long)]
        to: String,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Print the template (the header row) of this kind of file, and nothing else.
    #[arg(long, value_enum, conflicts_with_all = ["account", "kind", "apply", "file"])]
    pub template: Option<ImportKind>,
    /// The account importing (an ambassador: their scope; an admin: with --scope), recorded with
    /// the import and in the audit log.
    #[arg(long = "as", value_name = "LOGIN")]
    pub account: Option<String>,
    /// What the file lists (for a dry run).
    #[arg(long, value_enum)]
    pub kind: Option<ImportKind>,
    /// The scope to import into (admins).
    #[arg(long)]
    pub scope: Option<i64>,
    /// Apply this dry run (printed by the dry run) to the same file: every row it accepted.
    #[arg(long, value_name = "RUN")]
    pub apply: Option<i64>,
    /// With --apply: locate the homes the file gives no position from their address, before
    /// the command ends (progress printed).
    #[command(flatten)]
    pub geocoder: GeocoderArgs,
    /// The file (.csv or .xlsx).
    pub file: Option<std::path::PathBuf>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Residents,
    Volunteers,
}

#[derive(Args, Debug, Clone)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub retention: RetentionArgs,
    /// List what would be purged, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RetentionArgs {
    /// Days a resident's record is kept after their follow-up ended and their last contact.
    #[arg(long, env = "MONALISA_RETENTION_DAYS", default_value_t = 730, value_parser = clap::value_parser!(u32).range(30..=3650))]
    pub retention_days: u32,
}

/// Settings of accounts and links, shared by the server and the `user` commands.
#[derive(Args, Debug, Clone)]
pub struct AccountArgs {
    /// The address users reach the server at (used in enrolment and reset links).
    #[arg(long, global = true, env = "MONALISA_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,
    /// Days a session lasts without use (the app opens offline meanwhile).
    #[arg(long, global = true, env = "MONALISA_SESSION_DAYS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=400))]
    pub session_days: u32,
    /// Hours an enrolment or reset link stays valid.
    #[arg(long, global = true, env = "MONALISA_ENROLMENT_HOURS", default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub enrolment_hours: u32,
    /// Minutes without use after which the volunteers' app locks (PIN asked again).
    #[arg(long, global = true, env = "MONALISA_PHONE_LOCK_MINUTES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub phone_lock_minutes: u32,
    /// Days without reaching the server after which a phone wipes its readable data.
    #[arg(long, global = true, env = "MONALISA_PHONE_WIPE_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub phone_wipe_days: u32,
    /// Where users report an accessibility problem (e-mail or postal address), shown on the
    /// accessibility statement (`/accessibilite`).
    #[arg(long, global = true, env = "MONALISA_ACCESSIBILITY_CONTACT")]
    pub accessibility_contact: Option<String>,
}

impl AccountArgs {
    pub fn settings(&self, secure_cookies: bool) -> monalisa_app::backend::Settings {
        monalisa_app::backend::Settings {
            session_days: self.session_days,
            enrolment_hours: self.enrolment_hours,
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            secure_cookies: secure_cookies || self.public_url.starts_with("https://"),
            phone_lock_minutes: self.phone_lock_minutes,
            phone_wipe_days: self.phone_wipe_days,
            accessibility_contact: self.accessibility_contact.clone().filter(|c| !c.trim().is_empty()),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Subcommand, Debug, Clone)]
pub enum UserAction {
    /// Create an account and print its enrolment link.
    Add {
        /// Login (3-40 lowercase letters, digits, dots, hyphens).
        #[arg(long)]
        login: String,
        /// volunteer, ambassador, coordinator or admin.
        #[arg(long)]
        role: String,
        /// For a volunteer: the volunteer record's id.
        #[arg(long)]
        volunteer_id: Option<i64>,
        /// For an ambassador: the ambassador record's id.
        #[arg(long)]
        ambassador_id: Option<i64>,
        /// For a coordinator or an admin: the name to show.
        #[arg(long)]
        name: Option<String>,
    },
    /// List accounts (no passwords, no personal details beyond names).
    List,
    /// Disable an account: it can no longer log in and its sessions end.
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
    /// Print a single-use link to choose a new password.
    ResetPassword { login: String },
}

#[derive(Args, Debug, Clone)]
pub struct ScopeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub action: ScopeAction,
}

#[derive(Subcommand, Debug, Clone)]
pub enum ScopeAction {
    /// List the scopes with their communes and ambassadors, and what is still missing.
    List,
    /// Create a scope (without communes); prints its id.
    Add { name: String },
    /// Rename a scope.
    Rename { id: i64, name: String },
    /// Give communes (INSEE codes) to a scope. A commune in another scope is refused unless
    /// --move is given (its residents, open visits and history follow it).
    Assign {
        id: i64,
        #[arg(required = true)]
        communes: Vec<String>,
        #[arg(long = "move")]
        moving: bool,
    },
    /// Move a volunteer (their id) to another scope: their history and binômes stay (a
    /// binôme whose person stays behind is shown as split to both scopes' ambassadors).
    MoveVolunteer {
        volunteer: i64,
        #[arg(long)]
        to: i64,
    },
}

#[derive(Args, Debug, Clone)]
pub struct AmbassadorArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub action: AmbassadorAction,
}

#[derive(Subcommand, Debug, Clone)]
pub enum AmbassadorAction {
    /// List the ambassadors with their scope.
    List,
    /// Record an ambassador; prints their id (then `monalisa user add --role ambassador
    /// --ambassador-id ID` opens their account).
    Add {
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// A French phone number.
        #[arg(long)]
        phone: String,
        /// The scope's id (none: attach later).
        #[arg(long)]
        scope: Option<i64>,
    },
    /// Attach an ambassador to a scope.
    Attach {
        id: i64,
        #[arg(long)]
        scope: i64,
    },
    /// Detach an ambassador from their scope (their account then opens no ambassador page).
    Detach { id: i64 },
}

#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://path/to/file.db` (embedded), or
    /// `postgres://user:password@host/name?sslmode=verify-full` (several servers may share it).
    /// Created (SQLite) and migrated if needed.
    #[arg(long, global = true, env = "MONALISA_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Database connections this process keeps open at most.
    #[arg(long, global = true, env = "MONALISA_DATABASE_POOL", default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub database_pool: u32,
}

impl DatabaseArgs {
    /// Opens the store these arguments name (see [`crate::open_store_with`]).
    pub async fn open(&self) -> anyhow::Result<std::sync::Arc<dyn monalisa_app::backend::Store>> {
        crate::open_store_with(&self.database_url, monalisa_store_sql::Options { pool_size: self.database_pool }).await
    }
}

/// Hides a password in a database URL (`scheme://user:secret@host` → `scheme://user:***@host`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl fmt::Debug for DatabaseArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field("database_url", &redact_url(&self.database_url))
            .field("database_pool", &self.database_pool)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines with structured fields.
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address and port to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "MONALISA_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Directory with the built site: `pkg/` (WASM + JS), styles, icons, manifest, worker.
    #[arg(long, env = "MONALISA_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Load the demo population when the database holds none (never touches a populated one).
    #[arg(long, env = "MONALISA_DEMO")]
    pub demo: bool,
    /// Seed of the demo population loaded by `--demo`.
    #[arg(long, env = "MONALISA_DEMO_SEED", default_value_t = 1)]
    pub demo_seed: u64,
    #[arg(long, env = "MONALISA_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub accounts: AccountArgs,
    /// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
    /// (comma-separated addresses, e.g. `127.0.0.1,::1`).
    #[arg(long, env = "MONALISA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Always mark cookies `Secure` (also implied by an https public URL, or by HTTPS
    /// reported by a trusted proxy).
    #[arg(long, env = "MONALISA_SECURE_COOKIES")]
    pub secure_cookies: bool,
    #[command(flatten)]
    pub alerts: AlertArgs,
    #[command(flatten)]
    pub osrm: OsrmArgs,
    #[command(flatten)]
    pub geocoder: GeocoderArgs,
    #[command(flatten)]
    pub retention: RetentionArgs,
}

/// Homes located from their address (for `serve` and `import`).
#[derive(Args, Debug, Clone)]
pub struct GeocoderArgs {
    /// Locate imported homes from their address with this geocoder (base URL of a service
    /// speaking the Base Adresse Nationale's `/search` API, e.g. `https://api-adresse.data.gouv.fr`
    /// or a self-hosted addok). Only the address and the commune are sent. Without it, a home
    /// without a position is the commune's centre ("position approximative").
    #[arg(long = "geocoder", env = "MONALISA_GEOCODER_URL", value_name = "URL")]
    pub geocoder_url: Option<String>,
}

impl GeocoderArgs {
    pub fn settings(&self) -> Option<crate::geocoder::GeocoderSettings> {
        self.geocoder_url.clone().map(crate::geocoder::GeocoderSettings::new)
    }
}

/// E-mail alerts about concerns.
#[derive(Args, Debug, Clone)]
pub struct AlertArgs {
    /// Mail relay (`host:port`) that accepts this server's mail without authentication, e.g.
    /// the host's own mail server `127.0.0.1:25`. Without it, no e-mail is sent.
    #[arg(long, env = "MONALISA_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// The sender address of alerts.
    #[arg(long, env = "MONALISA_MAIL_FROM", default_value = "monalisa-visites@localhost")]
    pub mail_from: String,
    /// Hours after which a concern nobody took in hand is e-mailed to the coordinators.
    #[arg(long, env = "MONALISA_ESCALATE_HOURS", default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub escalate_hours: u32,
    /// Seconds between two looks for alerts to send.
    #[arg(long, env = "MONALISA_ALERT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub alert_seconds: u64,
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Seed: the same seed, scale and day always give the same population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Multiplies the number of people (1 = about 160 residents and 56 volunteers).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// The day to generate for (YYYY-MM-DD); default: today (UTC).
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    /// The instance to plan (format monalisa-plan-instance/1).
    #[arg(long)]
    pub instance: std::path::PathBuf,
    /// Where to write the plan (monalisa-plan-solution/1), or the check report with --check.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Seconds to search, model building included.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Search iterations instead of a time limit: the same seed then gives the same plan.
    #[arg(long, conflicts_with = "time_limit")]
    pub iterations: Option<u64>,
    /// Seed of the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Check this plan instead of planning: compute its times and list every violated rule.
    #[arg(long, value_name = "SOLUTION")]
    pub check: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub osrm: OsrmArgs,
}

/// Road travel times (for `plan`, and for the planning page of `serve`).
#[derive(Args, Debug, Clone)]
pub struct OsrmArgs {
    /// Road travel times from this OSRM-compatible service (base URL) instead of the
    /// great-circle model.
    #[arg(long = "osrm", env = "MONALISA_OSRM_URL")]
    pub url: Option<String>,
    /// Most locations per table request (the service's --max-table-size).
    #[arg(long, env = "MONALISA_OSRM_MAX_TABLE", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub osrm_max_table: u32,
    /// Fastest plausible road speed in km/h (bounds how far a trip can go, for pruning).
    #[arg(long, env = "MONALISA_OSRM_MAX_SPEED", default_value_t = 130.0)]
    pub osrm_max_speed: f64,
}

impl OsrmArgs {
    pub fn settings(&self) -> Option<crate::osrm::OsrmSettings> {
        self.url.as_ref().map(|url| crate::osrm::OsrmSettings {
            url: url.clone(),
            max_table: self.osrm_max_table as usize,
            max_speed_kmh: self.osrm_max_speed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/m"), "postgres://app:***@db:5432/m");
        assert_eq!(redact_url("sqlite://data/monalisa.db"), "sqlite://data/monalisa.db");
        let args = DatabaseArgs { database_url: "postgres://a:b@c/d".into(), database_pool: 8 };
        assert!(!format!("{args:?}").contains(":b@"));
    }

    /// Every command's arguments are well formed (clap checks it only when parsing that
    /// command, in debug builds), and the geocoder is an option of `serve` and `import`.
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::{CommandFactory, Parser};
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from(["monalisa", "serve", "--geocoder", "http://localhost:7878"]).unwrap();
        assert!(format!("{cli:?}").contains("geocoder_url: Some(\"http://localhost:7878\")"), "{cli:?}");
        let cli = Cli::try_parse_from([
            "monalisa",
            "import",
            "--kind",
            "residents",
            "--as",
            "amb",
            "--geocoder",
            "http://x",
            "f.csv",
        ]);
        assert!(cli.is_ok(), "{cli:?}");
    }
}
