//! What the stores take and return.

use monalisa_core::auth::{DeviceId, Role, UserId};
use monalisa_core::domain::*;

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

/// A scope as the admin sets it up: its name, communes (INSEE codes, ascending) and
/// ambassadors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeSetup {
    pub id: ScopeId,
    pub name: String,
    pub communes: Vec<String>,
    pub ambassadors: Vec<AmbassadorId>,
}

/// An ambassador's record before it has an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAmbassador {
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub scope: Option<ScopeId>,
}

/// A binôme split between two scopes ([`monalisa_core::scope::split`]): a resident whose
/// commune is in `resident_scope` (or in none) and whose usual volunteer is in another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitPair {
    pub resident: ResidentId,
    pub commune: String,
    pub resident_scope: Option<ScopeId>,
    pub volunteer: VolunteerId,
    pub volunteer_scope: ScopeId,
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
    /// Accounts of any role (none: a first start, the first admin is still to be created).
    pub accounts: u64,
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

/// Failed logins counted under one key (an address, an account, a device) since the first
/// of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginFailures {
    pub key: String,
    pub since: Timestamp,
    pub failures: u32,
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
    pub changes: Vec<monalisa_core::sync::Change>,
    pub cursor: monalisa_core::sync::Cursor,
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

/// A concern to tell people about by e-mail. No personal data: the kind, the day of the
/// visit and the scope; the details are in the app, behind a login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConcernAlert {
    pub report: monalisa_core::domain::ClientId,
    pub kind: monalisa_core::domain::ConcernKind,
    pub day: Date,
    pub raised_at: Timestamp,
    pub scope_name: String,
    /// The addresses to write to.
    pub to: Vec<String>,
}

/// A declined visit to tell its scope's ambassadors about (no name: the day and the scope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclineAlert {
    /// The decline's mutation id.
    pub decline: String,
    pub day: Date,
    pub scope_name: String,
    pub to: Vec<String>,
}

/// The territory's data for the coverage view: the indicators' input (without the period and
/// today), and each commune's outline and centre for the map.
#[derive(Clone, Debug)]
pub struct CoverageData {
    pub communes: Vec<(String, String)>,
    /// (INSEE code, GeoJSON outline, centre).
    pub shapes: Vec<(String, String, monalisa_core::domain::Location)>,
    pub residents: Vec<monalisa_core::coverage::ResidentHistory>,
    pub volunteers: Vec<monalisa_core::coverage::VolunteerReach>,
    pub pairs: Vec<(String, usize)>,
    pub concerns: Vec<monalisa_core::coverage::ConcernDates>,
    pub unserved: Vec<(String, monalisa_core::wire::planning::UnservedReason)>,
}

/// A scope's people as planning needs them (see `PlanningStore::planning_people`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanningPeople {
    pub volunteers: Vec<Volunteer>,
    /// Each resident with the day of their last visit done (what resets their rhythm).
    pub residents: Vec<(Resident, Option<Date>)>,
}

/// The scope's records as an import compares a file with them: residents (with the day their
/// consent was withdrawn, if it was) and volunteers, each with the reference a file gave it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportRecords {
    pub residents: Vec<(Resident, Option<String>, Option<Date>)>,
    pub volunteers: Vec<(Volunteer, Option<String>)>,
}

/// An import's dry run, kept until it is applied or expires. `body` is the checked rows as
/// the import code writes them (it holds personal data: the store deletes it at expiry and
/// replaces it by `summary` once applied).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRun {
    pub id: i64,
    pub account: UserId,
    pub scope: ScopeId,
    /// `residents` or `volunteers`.
    pub kind: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub applied_at: Option<Timestamp>,
    pub body: String,
}

/// One record an import writes: a new one, or an update of one that must still be as the dry
/// run saw it (`expected`: [`monalisa_core::people::fingerprint`] of its form fields).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportWrite<D> {
    pub draft: D,
    pub home: Location,
    pub reference: Option<String>,
    pub expected: Option<u64>,
    /// The ambassador who collected a new resident's consent.
    pub recorded_by: Option<AmbassadorId>,
    /// Whether the home is to be located from the address (a resident's, when a geocoder is
    /// configured and the file gave no position): queued in the same transaction.
    pub locate: bool,
}

/// An import applied in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportApply {
    pub run: i64,
    pub scope: ScopeId,
    pub now: Timestamp,
    pub today: Date,
    pub residents: Vec<ImportWrite<monalisa_core::people::ResidentDraft>>,
    pub volunteers: Vec<ImportWrite<monalisa_core::people::VolunteerDraft>>,
    /// What the run keeps once applied (counts, no personal data).
    pub summary: String,
    /// Who applied it, written to the audit log with each record in the same transaction.
    pub actor: Option<UserId>,
    pub device: Option<DeviceId>,
}

/// What applying an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportApplied {
    /// Every write done: the ids, residents then volunteers, in the order given.
    Done(Vec<i64>),
    /// Nothing written: these writes (their index, residents then volunteers) found their
    /// record changed since the dry run, or a new record's reference already taken.
    Changed(Vec<usize>),
}

/// A home to locate: the address and commune sent to the geocoder (never a name), and the
/// position it has now (the commune's centre, most often).
#[derive(Clone, Debug, PartialEq)]
pub struct GeocodeTask {
    pub resident: ResidentId,
    pub address: String,
    pub commune: InseeCode,
    pub commune_name: String,
    pub home: Location,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// What the geocoder made of an address.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GeocodeOutcome {
    /// A position in the commune, precise enough to plan with.
    Found(Location),
    /// No answer good enough: the home stays where it is ("position approximative").
    NotFound,
    /// The service could not be asked (down, refused, unreadable answer): to try again.
    Unavailable { retry_at: Timestamp },
}

/// Where a queued home stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeocodeState {
    Pending,
    Found,
    NotFound,
    /// A position was given meanwhile: the geocoder's answer was not used.
    Superseded,
    /// The service could not be reached after every attempt.
    Failed,
}

pub use monalisa_core::wire::import::GeocodeProgress;
