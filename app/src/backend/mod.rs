//! Server-side pieces the app crate needs (feature `ssr`): the storage trait that server
//! functions call, the per-request context (who is calling, from where), authentication
//! ([`auth`]), and the page security headers.
//!
//! The store is a trait so handlers never see SQL: SQLite implements it today, PostgreSQL
//! will implement the same trait later.

pub mod auth;
pub mod qr;
pub mod sync;

use crate::api::ApiError;
use crate::api::accounts::AccountSummary;
use crate::api::audit::{AuditEntry, AuditFilter};
use crate::auth::{DeviceId, Role, UserId};
use crate::domain::{
    Ambassador, AmbassadorId, Commune, Date, Outcome, Report, Resident, ResidentId, Round, Scope, ScopeId, Timestamp,
    Visit, Volunteer, VolunteerId,
};
use crate::env::BuildInfo;
use leptos::prelude::*;
use std::sync::Arc;

/// What a caller can do something about: a missing record, a conflict with an existing one,
/// invalid data; or anything else (logged, reported as "unavailable").
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("storage failure: {0}")]
    Other(String),
}

/// A commune with its outline, as loaded from the territory file.
#[derive(Clone, Debug, PartialEq)]
pub struct CommuneRecord {
    pub commune: Commune,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS84.
    pub outline: String,
}

/// A whole population to import at once (the demo territory, test fixtures): scopes with
/// their communes, people, rounds, visits and reports, with their ids already assigned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Population {
    pub scopes: Vec<Scope>,
    pub ambassadors: Vec<Ambassador>,
    pub volunteers: Vec<Volunteer>,
    pub residents: Vec<Resident>,
    pub rounds: Vec<Round>,
    pub visits: Vec<Visit>,
    pub reports: Vec<Report>,
}

/// Counts of what a store holds, for operators (never per-person data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    pub communes: u64,
    pub scopes: u64,
    pub ambassadors: u64,
    pub volunteers: u64,
    pub residents: u64,
    pub visits: u64,
    pub reports: u64,
}

/// An account as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    /// Lowercase login name.
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// argon2id PHC string; `None` until the account is enrolled.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub volunteer: Option<VolunteerId>,
    pub ambassador: Option<AmbassadorId>,
    /// The scope of the linked volunteer or ambassador.
    pub scope: Option<ScopeId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub volunteer: Option<VolunteerId>,
    pub ambassador: Option<AmbassadorId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRecord {
    pub id: DeviceId,
    pub user: UserId,
    pub label: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub last_sync: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A session with its account and device, as found from the session cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub device: DeviceRecord,
    pub expires_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub refreshed_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnrolmentPurpose {
    /// First password of a new account.
    Enrol,
    /// A forgotten password.
    Reset,
}

impl EnrolmentPurpose {
    pub const fn code(self) -> &'static str {
        match self {
            EnrolmentPurpose::Enrol => "enrol",
            EnrolmentPurpose::Reset => "reset",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentRecord {
    pub user: UserId,
    pub purpose: EnrolmentPurpose,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

/// Who is syncing: the account, its device, its volunteer record; a revoked device may still
/// push (into quarantine) but sees nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncCaller {
    pub user: UserId,
    pub device: DeviceId,
    pub volunteer: Option<VolunteerId>,
    pub revoked: bool,
}

/// One page of a pull, before the server adds its clock.
#[derive(Clone, Debug, PartialEq)]
pub struct PullPage {
    pub changes: Vec<crate::sync::Change>,
    pub cursor: crate::sync::Cursor,
    pub more: bool,
}

/// What a volunteer's card needs about the last contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastContact {
    pub day: Date,
    pub outcome: Outcome,
    /// The last visit whose outcome was "done" (what resets the clock).
    pub last_done: Option<Date>,
}

#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The server secret named `name`: stored as `fresh` on first use, the stored one after.
    async fn secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Loads the territory's communes if the store has none; returns how many were added.
    async fn ensure_communes(&self, communes: &[CommuneRecord]) -> Result<usize, StoreError>;
    async fn communes(&self) -> Result<Vec<Commune>, StoreError>;
    async fn counts(&self) -> Result<StoreCounts, StoreError>;
    /// Imports a population in one transaction: all of it or nothing.
    async fn import_population(&self, population: &Population) -> Result<(), StoreError>;
    /// Closes connections cleanly (graceful shutdown).
    async fn close(&self);

    // ---- accounts --------------------------------------------------------------------
    /// Creates an account; a login already taken is `StoreError::Conflict`.
    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError>;
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError>;
    async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Accounts, with their devices counted; `scope` limits to volunteers of that scope.
    async fn list_accounts(&self, scope: Option<ScopeId>) -> Result<Vec<AccountSummary>, StoreError>;
    /// Volunteers (of `scope`, or all) and, when `scope` is `None`, ambassadors that have no account yet.
    async fn account_candidates(&self, scope: Option<ScopeId>)
    -> Result<(Vec<Volunteer>, Vec<Ambassador>), StoreError>;
    async fn set_password(&self, user: UserId, hash: &str) -> Result<(), StoreError>;
    /// Disabling also ends every session of the account.
    async fn set_user_disabled(&self, user: UserId, disabled: bool, now: Timestamp) -> Result<(), StoreError>;

    // ---- enrolment and reset links ----------------------------------------------------
    /// Stores a new link (by the hash of its token) and invalidates the user's unused ones.
    async fn create_enrolment(
        &self,
        token_hash: &str,
        user: UserId,
        purpose: EnrolmentPurpose,
        created_by: Option<UserId>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn enrolment(&self, token_hash: &str) -> Result<Option<EnrolmentRecord>, StoreError>;
    /// Atomically: the link is unused and unexpired, then it is marked used and the password
    /// set. `NotFound` if the link cannot be used.
    async fn use_enrolment(&self, token_hash: &str, password_hash: &str, now: Timestamp) -> Result<UserId, StoreError>;

    // ---- devices and sessions --------------------------------------------------------
    /// The device a device token names, if it belongs to `user`.
    async fn device_by_token(&self, token_hash: &str, user: UserId) -> Result<Option<DeviceRecord>, StoreError>;
    async fn create_device(
        &self,
        user: UserId,
        token_hash: &str,
        label: &str,
        now: Timestamp,
    ) -> Result<DeviceId, StoreError>;
    async fn device(&self, id: DeviceId) -> Result<Option<DeviceRecord>, StoreError>;
    async fn devices_of(&self, user: UserId) -> Result<Vec<DeviceRecord>, StoreError>;
    /// Revokes a device and ends its sessions.
    async fn revoke_device(&self, id: DeviceId, now: Timestamp) -> Result<(), StoreError>;
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        device: DeviceId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Extends a session and records the device as seen.
    async fn refresh_session(&self, token_hash: &str, now: Timestamp, expires_at: Timestamp) -> Result<(), StoreError>;
    async fn end_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError>;

    // ---- audit trail -------------------------------------------------------------------
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;

    // ---- people --------------------------------------------------------------------------
    async fn resident(&self, id: ResidentId) -> Result<Option<Resident>, StoreError>;
    async fn last_contact(&self, id: ResidentId) -> Result<Option<LastContact>, StoreError>;
    async fn scope_of_commune(&self, insee: &str) -> Result<Option<ScopeId>, StoreError>;
    async fn volunteer(&self, id: VolunteerId) -> Result<Option<Volunteer>, StoreError>;
    async fn ambassador(&self, id: AmbassadorId) -> Result<Option<Ambassador>, StoreError>;
    async fn commune_name(&self, insee: &str) -> Result<Option<String>, StoreError>;
    /// A resident's card (the fields a volunteer needs at the door).
    async fn resident_card(&self, id: ResidentId) -> Result<Option<crate::api::residents::ResidentCard>, StoreError>;

    // ---- sync ----------------------------------------------------------------------------
    /// Applies a push in one transaction, durably committed before returning: each mutation at
    /// most once (a resend gets the first answer), a revoked device's into quarantine.
    async fn apply_push(
        &self,
        caller: &SyncCaller,
        request: &crate::sync::PushRequest,
        now: Timestamp,
    ) -> Result<Vec<crate::sync::Ack>, StoreError>;
    /// Reports flagged at sync, and pushes set aside in quarantine, for a scope's ambassador.
    async fn review_queue(&self, scope: ScopeId) -> Result<crate::api::review::ReviewQueue, StoreError>;
    /// Marks an item of a scope's review list as reviewed by `by` at `now` (`NotFound` outside
    /// the scope or when there is no such item, `Conflict` when it was already reviewed).
    async fn mark_reviewed(
        &self,
        scope: ScopeId,
        item: &crate::api::review::ReviewItem,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Brings a push a removed phone sent (quarantined, not reviewed, of `scope`) into the
    /// record as if the phone had sent it before its removal, and marks it reviewed by `by`:
    /// the answer it got (a report may be flagged). `NotFound` outside the scope; `Conflict`
    /// when already reviewed, or when it cannot enter the record (an unknown person, a refused
    /// report): then nothing changes.
    async fn release_quarantined(
        &self,
        scope: ScopeId,
        mutation: &crate::domain::ClientId,
        by: UserId,
        now: Timestamp,
    ) -> Result<crate::sync::AckStatus, StoreError>;
    /// The next page of what `caller` may see, from `cursor` (`None`: a fresh phone, snapshot).
    async fn pull(
        &self,
        caller: &SyncCaller,
        cursor: Option<&crate::sync::Cursor>,
        limit: u32,
        today: Date,
    ) -> Result<PullPage, StoreError>;

    // ---- concerns ------------------------------------------------------------------------
    /// The scope's concerns: not yet resolved ones, and those resolved since `resolved_since`.
    async fn concern_queue(
        &self,
        scope: ScopeId,
        resolved_since: Timestamp,
    ) -> Result<Vec<crate::api::concerns::ConcernItem>, StoreError>;
    /// Acknowledges or resolves a concern of the scope (`NotFound` outside it, `Conflict` when
    /// the step was already done). Resolving an unacknowledged concern acknowledges it too.
    async fn follow_concern(
        &self,
        scope: ScopeId,
        report: &crate::domain::ClientId,
        kind: crate::domain::ConcernKind,
        step: crate::api::concerns::FollowUpStep,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    // ---- planning ------------------------------------------------------------------------
    /// The active volunteers of a scope, and the residents of its communes (any follow-up).
    async fn scope_people(&self, scope: ScopeId) -> Result<(Vec<VolunteerId>, Vec<ResidentId>), StoreError>;
    /// Residents of the scope with a visit report dated within `[from, to]`.
    async fn reported_between(&self, scope: ScopeId, from: Date, to: Date) -> Result<Vec<ResidentId>, StoreError>;
    /// Publishes a scope's rounds for the week starting `week_start`, in one transaction: the
    /// week's planned, unreported visits of the scope's volunteers are cancelled (their phones
    /// drop them at the next sync), the rounds are published with their visits in order.
    /// Returns how many visits were published. A volunteer outside the scope is refused.
    async fn publish_rounds(
        &self,
        scope: ScopeId,
        week_start: Date,
        rounds: &[crate::planning::PlannedRound],
    ) -> Result<usize, StoreError>;
    /// An ambassador's locks for the week: resident → volunteer (and day and time, for a visit
    /// placed by hand).
    async fn planning_locks(
        &self,
        scope: ScopeId,
        week_start: Date,
    ) -> Result<Vec<(ResidentId, crate::planning::PlanningLock)>, StoreError>;
    /// Locks a resident to a volunteer for the week, possibly at a day and time (`None`: removes
    /// the lock). The resident and the volunteer must both be in the scope (else `NotFound`).
    async fn set_planning_lock(
        &self,
        scope: ScopeId,
        week_start: Date,
        resident: ResidentId,
        lock: Option<crate::planning::PlanningLock>,
    ) -> Result<(), StoreError>;
    /// A planned, published visit of the scope, for an ambassador entering its report (with a
    /// fresh report id); `None` when it is not the scope's.
    async fn visit_entry(
        &self,
        scope: ScopeId,
        visit: crate::domain::VisitId,
    ) -> Result<Option<crate::api::planning::VisitEntry>, StoreError>;
    /// The outlines (GeoJSON geometries) of the scope's communes, for maps.
    async fn scope_outlines(&self, scope: ScopeId) -> Result<Vec<String>, StoreError>;
    /// A volunteer's published visits of the week, in order, with what a paper round needs, and
    /// the residents on it; `None` when the volunteer is not in the scope.
    async fn round_sheet(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        week_start: Date,
    ) -> Result<Option<(crate::api::planning::RoundSheet, Vec<ResidentId>)>, StoreError>;

    // ---- e-mail alerts about concerns ------------------------------------------------------
    /// New concerns raised since `raised_since` whose scope's ambassadors have not been told
    /// yet, each with the addresses of the scope's ambassadors (only those with someone to tell).
    async fn concerns_to_announce(&self, raised_since: Timestamp) -> Result<Vec<ConcernAlert>, StoreError>;
    /// Concerns still open (nobody took them in hand) raised before `raised_before`, not yet
    /// escalated, each with the coordinators' addresses (only if there is one).
    async fn concerns_to_escalate(&self, raised_before: Timestamp) -> Result<Vec<ConcernAlert>, StoreError>;
    /// Records that an alert was sent: to the ambassadors, or (`escalation`) to the coordinators.
    async fn mark_concern_alerted(
        &self,
        report: &crate::domain::ClientId,
        kind: crate::domain::ConcernKind,
        escalation: bool,
        at: Timestamp,
    ) -> Result<(), StoreError>;
    /// The address an ambassador or coordinator gets alerts at (`None`: no alerts).
    async fn user_email(&self, user: UserId) -> Result<Option<String>, StoreError>;
    async fn set_user_email(&self, user: UserId, email: Option<&str>) -> Result<(), StoreError>;

    // ---- data protection ---------------------------------------------------------------------
    /// Records that a resident of the scope withdrew their consent, in one transaction: their
    /// personal data is erased (names, address, phone, notes and likes, preferred times, the
    /// notes of their reports; the position becomes the commune's centre), the follow-up ends
    /// and the pair with it, planned visits are cancelled and locks dropped. Phones drop the
    /// card and the notes at their next sync; the anonymous row stays for the indicators.
    /// `NotFound` outside the scope; `Conflict` when already withdrawn.
    async fn withdraw_consent(
        &self,
        scope: ScopeId,
        resident: ResidentId,
        centre: crate::domain::Location,
        today: Date,
    ) -> Result<(), StoreError>;
    /// A resident's visits and reports (with their concerns), oldest first, for the right of access.
    async fn resident_history(
        &self,
        resident: ResidentId,
    ) -> Result<(Vec<crate::api::dossier::DossierVisit>, Vec<crate::api::dossier::DossierReport>), StoreError>;
    /// Residents to purge on `today`: follow-up ended (or consent withdrawn) and last contact
    /// (last report, end of the follow-up, consent) before `cutoff`, not purged yet, with no
    /// flagged report and no quarantined push about them waiting for review.
    async fn purge_candidates(&self, cutoff: Date) -> Result<Vec<ResidentId>, StoreError>;
    /// Erases a resident's personal data as a consent withdrawal does (report notes, moods and
    /// durations too), marks the record purged; phones drop whatever they still hold at their
    /// next sync.
    async fn purge_resident(&self, resident: ResidentId, today: Date) -> Result<(), StoreError>;
    /// When a resident withdrew their consent, if they did.
    async fn consent_withdrawn_on(&self, resident: ResidentId) -> Result<Option<Date>, StoreError>;

    // ---- coverage --------------------------------------------------------------------------
    /// Records the residents a scope's just-published plan left out (replacing the last ones).
    async fn record_unserved(
        &self,
        scope: ScopeId,
        week_start: Date,
        unserved: &[(ResidentId, crate::api::planning::UnservedReason)],
    ) -> Result<(), StoreError>;
    /// Everything the coverage view is computed from, for the whole territory (no names).
    async fn coverage_data(&self) -> Result<CoverageData, StoreError>;

    // ---- the people of a scope -----------------------------------------------------------
    /// The scope's residents (any follow-up) and volunteers, by name.
    async fn scope_people_list(&self, scope: ScopeId) -> Result<crate::api::people::PeopleList, StoreError>;
    /// The scope's communes: (INSEE code, name), by name.
    async fn scope_communes(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError>;
    /// Creates or updates a resident of the scope, in one transaction; `home` is the checked
    /// position. A new resident's consent is recorded as given to `recorded_by`; an existing
    /// resident's consent is never changed here. Refused as `Invalid(field)` when the commune
    /// or the volunteer is not the scope's, `NotFound` when the resident is not.
    async fn save_resident(
        &self,
        scope: ScopeId,
        draft: &crate::people::ResidentDraft,
        home: crate::domain::Location,
        recorded_by: crate::domain::AmbassadorId,
        today: Date,
    ) -> Result<ResidentId, StoreError>;
    /// Creates or updates a volunteer of the scope (absences are the volunteer's own). Refused as
    /// `Invalid("communes")` when an accepted commune is not the scope's, `NotFound` when the
    /// volunteer is not the scope's.
    async fn save_volunteer(
        &self,
        scope: ScopeId,
        draft: &crate::people::VolunteerDraft,
        home: crate::domain::Location,
    ) -> Result<VolunteerId, StoreError>;
}

/// A concern to tell people about by e-mail. No personal data: the kind, the day of the
/// visit and the scope; the details are in the app, behind a login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcernAlert {
    pub report: crate::domain::ClientId,
    pub kind: crate::domain::ConcernKind,
    pub day: Date,
    pub raised_at: Timestamp,
    pub scope_name: String,
    /// The addresses to write to.
    pub to: Vec<String>,
}

/// The territory's data for the coverage view: the indicators' input (without the period and
/// today), and each commune's outline and centre for the map.
#[derive(Clone, Debug)]
pub struct CoverageData {
    pub communes: Vec<(String, String)>,
    /// (INSEE code, GeoJSON outline, centre).
    pub shapes: Vec<(String, String, crate::domain::Location)>,
    pub residents: Vec<crate::coverage::ResidentHistory>,
    pub volunteers: Vec<crate::coverage::VolunteerReach>,
    pub pairs: Vec<(String, usize)>,
    pub concerns: Vec<crate::coverage::ConcernDates>,
    pub unserved: Vec<(String, crate::api::planning::UnservedReason)>,
}

/// Settings the server functions need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a session lasts without use (the app opens offline meanwhile).
    pub session_days: u32,
    /// How long an enrolment or reset link stays valid.
    pub enrolment_hours: u32,
    /// The address users reach the server at, for links (`https://visites.example.org`).
    pub public_url: String,
    /// Force the `Secure` cookie attribute (else set when the request came over HTTPS).
    pub secure_cookies: bool,
    /// Phones lock after this many minutes without use.
    pub phone_lock_minutes: u32,
    /// Phones that have not reached the server for this many days wipe their readable data.
    pub phone_wipe_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_days: 60,
            enrolment_hours: 48,
            public_url: "http://127.0.0.1:3000".into(),
            secure_cookies: false,
            phone_lock_minutes: 5,
            phone_wipe_days: 14,
        }
    }
}

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Arc<dyn Store>,
    pub build: BuildInfo,
    pub settings: Arc<Settings>,
    pub throttle: Arc<auth::LoginThrottle>,
    /// Road travel times for planning, when a routing service is configured (else great-circle
    /// distances with a detour factor).
    pub road_times: Option<Arc<dyn RoadTimes>>,
    /// The key phones seal reports to (read from the store at first use, made on the first).
    seal: Arc<tokio::sync::OnceCell<Arc<crate::seal::SealKey>>>,
}

impl ServerContext {
    pub fn new(store: Arc<dyn Store>, build: BuildInfo, settings: Settings) -> ServerContext {
        ServerContext {
            store,
            build,
            settings: Arc::new(settings),
            throttle: Arc::new(auth::LoginThrottle::default()),
            road_times: None,
            seal: Default::default(),
        }
    }

    /// The key phones seal reports to: kept in the store, made on the first use.
    pub async fn seal_key(&self) -> Result<Arc<crate::seal::SealKey>, StoreError> {
        self.seal
            .get_or_try_init(|| async {
                let secret = self.store.secret("seal-p256", &crate::seal::SealKey::generate()).await?;
                crate::seal::SealKey::from_secret(&secret)
                    .map(Arc::new)
                    .ok_or_else(|| StoreError::Other("the stored sealing key is not a P-256 key".into()))
            })
            .await
            .cloned()
    }

    /// `info` with what phones are told at login and at each session check: the sealing key,
    /// the lock and the no-contact wipe.
    pub async fn with_phone_policy(
        &self,
        info: crate::auth::SessionInfo,
    ) -> Result<crate::auth::SessionInfo, StoreError> {
        Ok(crate::auth::SessionInfo {
            seal_key: crate::b64::encode(&self.seal_key().await?.public()),
            lock_minutes: self.settings.phone_lock_minutes,
            wipe_days: self.settings.phone_wipe_days,
            ..info
        })
    }
}

/// A source of road travel times between points (`[lon, lat]`), as the planner's table.
#[async_trait::async_trait]
pub trait RoadTimes: Send + Sync {
    async fn table(&self, points: &[[f64; 2]]) -> Result<monalisa_planner::travel::MatrixTravel, String>;
}

/// The request's server context (provided by the server for every page and server function).
pub fn server_context() -> Result<ServerContext, ApiError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("server context missing from the request");
        ApiError::Unavailable
    })
}

/// Logs a storage failure and turns it into the error the client sees.
pub fn internal(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::NotFound,
        e => {
            tracing::error!(error = %e, "storage failure");
            ApiError::Unavailable
        }
    }
}

/// The HTTP status of an error answer (the status rule: 401 not logged in, 403 role not
/// allowed, 404 outside the caller's scope or absent).
pub fn status_of(e: &ApiError) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    match e {
        ApiError::NotLoggedIn | ApiError::DeviceRevoked | ApiError::AccountDisabled => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden | ApiError::CrossOrigin => StatusCode::FORBIDDEN,
        ApiError::NotFound => StatusCode::NOT_FOUND,
        ApiError::InvalidCredentials | ApiError::LinkInvalid => StatusCode::UNAUTHORIZED,
        ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::BadRequest(_) | ApiError::Invalid { .. } => StatusCode::BAD_REQUEST,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::Unavailable | ApiError::Network | ApiError::Protocol => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Ends a server function: on error, the response gets the error's HTTP status.
pub fn reply<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(e) = &result {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_of(e));
        }
    }
    result
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Orders names as a French reader expects (accents fold onto their letter, case ignored).
pub fn collate_fr(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'î' | 'ï' | 'Î' | 'Ï' => 'i',
                'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
                'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
                'ç' | 'Ç' => 'c',
                '-' | '\'' | '’' => ' ',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// The Content-Security-Policy of an HTML page: scripts only from this origin or inline with
/// this response's nonce (Leptos' hydration script), WebAssembly compilation allowed, no
/// inline styles, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the page CSP, with the nonce Leptos generated for this response, on the response.
pub fn set_page_security_headers() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(&page_csp(&nonce)) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_collation() {
        let mut names = vec!["Élan", "Champniers", "Chatain", "Château-Garnier", "Civray", "Anché"];
        names.sort_by(|a, b| collate_fr(a, b));
        assert_eq!(names, ["Anché", "Champniers", "Chatain", "Château-Garnier", "Civray", "Élan"]);
    }

    #[test]
    fn csp_has_no_unsafe_inline() {
        let csp = page_csp("abc");
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("'nonce-abc'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
