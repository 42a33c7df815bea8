//! The core domain model of Monalisa (DESIGN.md "Domain words"), as plain data.
//!
//! - **Commune**: one of the territory's communes, identified by its INSEE code.
//! - **Scope** (secteur d'un ambassadeur): a set of communes; every commune belongs to exactly
//!   one scope and a volunteer to one scope at a time. Planning runs per scope.
//! - **Volunteer** (bénévole visiteur) and **Ambassador** (ambassadeur): the people who visit
//!   and the people who organise.
//! - **Resident** (personne visitée): an isolated person who agreed to be visited (consent),
//!   with a rhythm, an isolation level, preferred slots, and a current volunteer: the *binôme*.
//! - **Round** (tournée): one volunteer's planned visits for one week, in route order.
//! - **Visit**: one planned occurrence; its **Report** (compte rendu) is what the volunteer
//!   records, and **Concerns** (signalements) are what needs follow-up.
//!
//! No I/O here: the server stores these, the phone caches the part its user may see.

use super::date::{Date, Minute, Timestamp, Weekday};
use super::geo::Location;
use super::rules::{IsolationLevel, Rhythm};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(/// Server-assigned id of an ambassador scope.
    ScopeId);
id_type!(/// Server-assigned id of an ambassador.
    AmbassadorId);
id_type!(/// Server-assigned id of a volunteer.
    VolunteerId);
id_type!(/// Server-assigned id of a resident.
    ResidentId);
id_type!(/// Server-assigned id of a round.
    RoundId);
id_type!(/// Server-assigned id of a planned visit.
    VisitId);

/// An id generated on the phone (reports, concerns, mutations), so that a record created
/// offline keeps its identity however often it is sent: 32 lowercase hex digits (128 bits).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(s: &str) -> Option<ClientId> {
        (s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| ClientId(s.to_owned()))
    }

    pub fn from_bytes(bytes: [u8; 16]) -> ClientId {
        let mut s = String::with_capacity(32);
        for b in bytes {
            s.push_str(&format!("{b:02x}"));
        }
        ClientId(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClientId::parse(&s).ok_or_else(|| "client ids are 32 lowercase hex digits".to_owned())
    }
}

impl From<ClientId> for String {
    fn from(id: ClientId) -> String {
        id.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A commune's INSEE code: five characters (digits, or 2A/2B for Corsica).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InseeCode(String);

impl InseeCode {
    pub fn parse(s: &str) -> Option<InseeCode> {
        let b = s.as_bytes();
        let ok = b.len() == 5
            && b[2..].iter().all(u8::is_ascii_digit)
            && (b[..2].iter().all(u8::is_ascii_digit) || s.starts_with("2A") || s.starts_with("2B"));
        ok.then(|| InseeCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for InseeCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        InseeCode::parse(&s).ok_or_else(|| format!("not an INSEE commune code: {s:?}"))
    }
}

impl From<InseeCode> for String {
    fn from(c: InseeCode) -> String {
        c.0
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A commune of the territory (reference data, public).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commune {
    pub insee: InseeCode,
    pub name: String,
    /// Population municipale (INSEE legal population).
    pub population: u32,
    /// Reference year of the population figure.
    pub population_year: u16,
    /// Area in km², computed from the outline.
    pub area_km2: f64,
    /// A point inside the commune, for labels and distances.
    pub centre: Location,
}

/// An ambassador's scope: the communes they are responsible for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub id: ScopeId,
    pub name: String,
    pub communes: Vec<InseeCode>,
}

/// A weekly recurring time slot (availability of a volunteer, preference of a resident).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WeeklySlot {
    pub weekday: Weekday,
    pub start: Minute,
    pub end: Minute,
}

impl WeeklySlot {
    pub fn new(weekday: Weekday, start: Minute, end: Minute) -> Option<WeeklySlot> {
        (start < end).then_some(WeeklySlot { weekday, start, end })
    }

    /// Minutes two slots share (0 when they do not overlap).
    pub fn overlap_minutes(&self, other: &WeeklySlot) -> u16 {
        if self.weekday != other.weekday {
            return 0;
        }
        let start = self.start.max(other.start).get();
        let end = self.end.min(other.end).get();
        end.saturating_sub(start)
    }
}

/// An inclusive range of days (an absence, a pause); ordered by first day, then last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DayRange {
    pub first: Date,
    pub last: Date,
}

impl DayRange {
    pub fn new(first: Date, last: Date) -> Option<DayRange> {
        (first <= last).then_some(DayRange { first, last })
    }

    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ambassador {
    pub id: AmbassadorId,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// `None` once detached from their scope: their account then opens no ambassador page
    /// until an admin attaches them to one.
    pub scope: Option<ScopeId>,
}

/// Where a volunteer is willing to go: listed communes, or anywhere within a radius of home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reach {
    pub communes: Vec<InseeCode>,
    pub radius_km: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Volunteer {
    pub id: VolunteerId,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub commune: InseeCode,
    pub home: Location,
    pub scope: ScopeId,
    pub travel: TravelMode,
    pub reach: Reach,
    /// Visits per week at most.
    pub weekly_capacity: u8,
    pub availability: Vec<WeeklySlot>,
    pub absences: Vec<DayRange>,
    /// The volunteers' charter, signed.
    pub charter: Option<Milestone>,
    /// The base training, done.
    pub training: Option<Milestone>,
    pub active: bool,
}

impl Volunteer {
    /// Why the planner leaves this volunteer out, if it does: paused or gone, or a step of the
    /// path to visiting (charter, then training) not done yet.
    pub fn not_planned(&self) -> Option<NotPlanned> {
        NotPlanned::given(self.active, self.charter.is_some(), self.training.is_some())
    }

    /// Whether visits may be given to this volunteer (see [`Volunteer::not_planned`]).
    pub fn plannable(&self) -> bool {
        self.not_planned().is_none()
    }
}

/// Why a volunteer is not planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotPlanned {
    Inactive,
    NoCharter,
    NoTraining,
}

impl NotPlanned {
    /// The first reason that holds, in the order of the path (see [`Volunteer::not_planned`]).
    pub const fn given(active: bool, charter: bool, training: bool) -> Option<NotPlanned> {
        match (active, charter, training) {
            (false, _, _) => Some(NotPlanned::Inactive),
            (true, false, _) => Some(NotPlanned::NoCharter),
            (true, true, false) => Some(NotPlanned::NoTraining),
            (true, true, true) => None,
        }
    }
}

/// A step of a volunteer's path, done: on a known day, or before the product kept the dates
/// (volunteers recorded earlier were migrated with both steps done, day unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    On(Date),
    DateUnknown,
}

impl Milestone {
    pub const fn day(self) -> Option<Date> {
        match self {
            Milestone::On(day) => Some(day),
            Milestone::DateUnknown => None,
        }
    }
}

/// How a volunteer gets to the people they visit. The one rule of travel times by mode: the
/// straight-line distance, lengthened by the mode's detour (roads, paths), at the mode's speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    Car,
    /// Bicycle, moped, scooter.
    TwoWheels,
    OnFoot,
}

impl TravelMode {
    pub const ALL: [TravelMode; 3] = [TravelMode::Car, TravelMode::TwoWheels, TravelMode::OnFoot];

    pub const fn code(self) -> &'static str {
        match self {
            TravelMode::Car => "car",
            TravelMode::TwoWheels => "two_wheels",
            TravelMode::OnFoot => "on_foot",
        }
    }

    pub fn from_code(code: &str) -> Option<TravelMode> {
        TravelMode::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Average speed on rural roads, stops included, km/h (the car's is the planning
    /// benchmark's).
    pub const fn speed_kmh(self) -> f64 {
        match self {
            TravelMode::Car => 40.0,
            TravelMode::TwoWheels => 15.0,
            TravelMode::OnFoot => 4.5,
        }
    }

    /// Road distance over straight-line distance (the car's is the planning benchmark's; on
    /// foot, paths cut corners).
    pub const fn detour_factor(self) -> f64 {
        match self {
            TravelMode::Car | TravelMode::TwoWheels => 1.3,
            TravelMode::OnFoot => 1.2,
        }
    }
}

/// How consent to be visited was given (DESIGN.md: record consent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// Signed form.
    Written,
    /// Said aloud, noted by the ambassador.
    Oral,
    /// Given by a legal representative or trusted person.
    Representative,
}

impl ConsentMethod {
    pub const fn code(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::Oral => "oral",
            ConsentMethod::Representative => "representative",
        }
    }

    pub fn from_code(code: &str) -> Option<ConsentMethod> {
        [ConsentMethod::Written, ConsentMethod::Oral, ConsentMethod::Representative]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    pub given_on: Date,
    pub method: ConsentMethod,
    /// Who recorded it (an ambassador).
    pub recorded_by: AmbassadorId,
}

/// Where a resident's follow-up stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    Active { since: Date },
    Paused { since: Date, until: Option<Date> },
    Ended { on: Date },
}

impl FollowUp {
    pub fn is_active_on(&self, day: Date) -> bool {
        match *self {
            FollowUp::Active { since } => since <= day,
            FollowUp::Paused { until: Some(until), .. } => until < day,
            FollowUp::Paused { until: None, .. } | FollowUp::Ended { .. } => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resident {
    pub id: ResidentId,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub commune: InseeCode,
    pub home: Location,
    pub phone: Option<String>,
    /// How to get in (gate code, which door, dog).
    pub access_notes: String,
    /// What the person likes (conversation, games, a walk).
    pub likes: String,
    pub rhythm: Rhythm,
    pub isolation: IsolationLevel,
    pub preferred: Vec<WeeklySlot>,
    pub consent: Consent,
    /// First day of the follow-up: the first due date when no visit was done yet.
    pub follow_up_start: Date,
    pub follow_up: FollowUp,
    /// The current volunteer of the binôme, if any.
    pub volunteer: Option<VolunteerId>,
    /// How they came to the programme, how they are followed, why it ended.
    #[serde(default)]
    pub programme: Programme,
}

impl Resident {
    /// Where the person is in the programme on `today`.
    pub fn stage(&self, today: Date) -> Stage {
        match self.follow_up {
            FollowUp::Ended { .. } => Stage::Ended,
            FollowUp::Paused { .. } => Stage::Paused,
            FollowUp::Active { .. } if self.follow_up_start > today => Stage::Referred,
            FollowUp::Active { .. } if self.volunteer.is_none() => Stage::Waiting,
            FollowUp::Active { .. } => Stage::Matched,
        }
    }
}

/// A resident's life in the programme: referred (the follow-up starts later), waiting for a
/// volunteer, matched (the binôme), paused, ended (with an [`EndReason`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Referred,
    Waiting,
    Matched,
    Paused,
    Ended,
}

/// The resident's place in the programme beyond the follow-up's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    /// Who referred them and when (`None`: recorded before referrals were kept, or not said).
    pub referral: Option<Referral>,
    pub mode: FollowUpMode,
    /// Why the follow-up ended, when it has (`None`: ended before reasons were kept).
    pub end_reason: Option<EndReason>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub by: ReferralSource,
    /// The day of the referral (`None`: not known).
    pub on: Option<Date>,
}

/// Codes for the small closed lists of the programme (stored as text, read back strictly).
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

coded! {
    /// Who pointed the person to the programme.
    ReferralSource { Ccas => "ccas", Family => "family", Doctor => "doctor", SelfReferred => "self", Neighbour => "neighbour", Other => "other" }
}

coded! {
    /// How the person is followed: home visits, phone calls, or both (calls are not planned
    /// as rounds).
    FollowUpMode { Visits => "visits", Calls => "calls", Both => "both" }
}

impl Default for FollowUpMode {
    fn default() -> Self {
        FollowUpMode::Visits
    }
}

impl FollowUpMode {
    /// Whether home visits are planned for the person.
    pub const fn visits(self) -> bool {
        matches!(self, FollowUpMode::Visits | FollowUpMode::Both)
    }
}

coded! {
    /// Why a follow-up ended.
    EndReason { Moved => "moved", CareHome => "care_home", Deceased => "deceased", Declined => "declined", Other => "other" }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Draft,
    Published,
}

/// One volunteer's planned visits for the week starting `week_start` (a Monday).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub volunteer: VolunteerId,
    pub week_start: Date,
    pub status: RoundStatus,
    /// Visits in route order.
    pub visits: Vec<VisitId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Planned,
    Cancelled,
    Reported,
}

/// One planned occurrence of a visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub resident: ResidentId,
    pub volunteer: VolunteerId,
    pub round: Option<RoundId>,
    pub day: Date,
    pub start: Minute,
    pub status: VisitStatus,
}

/// What happened at a visit. Only `Done` resets the resident's clock (rules.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    NobodyHome,
    Refused,
    Postponed,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [Outcome::Done, Outcome::NobodyHome, Outcome::Refused, Outcome::Postponed];

    pub const fn code(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::NobodyHome => "nobody_home",
            Outcome::Refused => "refused",
            Outcome::Postponed => "postponed",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// How the person seemed, on a short scale: 1 (very low) .. 4 (well).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Mood(u8);

impl Mood {
    pub fn new(v: u8) -> Option<Mood> {
        (1..=4).contains(&v).then_some(Mood(v))
    }
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Mood {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Mood::new(v).ok_or_else(|| format!("mood must be 1 to 4, got {v}"))
    }
}

impl From<Mood> for u8 {
    fn from(m: Mood) -> u8 {
        m.0
    }
}

/// The kinds of concern a volunteer can raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernKind {
    Fall,
    Health,
    Food,
    HeatingOrHousing,
    Loneliness,
    Other,
}

impl ConcernKind {
    pub const ALL: [ConcernKind; 6] = [
        ConcernKind::Fall,
        ConcernKind::Health,
        ConcernKind::Food,
        ConcernKind::HeatingOrHousing,
        ConcernKind::Loneliness,
        ConcernKind::Other,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            ConcernKind::Fall => "fall",
            ConcernKind::Health => "health",
            ConcernKind::Food => "food",
            ConcernKind::HeatingOrHousing => "heating_or_housing",
            ConcernKind::Loneliness => "loneliness",
            ConcernKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<ConcernKind> {
        ConcernKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A visit report (compte rendu), created on the phone with a client id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: ClientId,
    pub visit: Option<VisitId>,
    pub resident: ResidentId,
    pub volunteer: VolunteerId,
    /// The day the volunteer says it happened.
    pub day: Date,
    pub outcome: Outcome,
    pub duration_minutes: Option<u16>,
    pub mood: Option<Mood>,
    pub concerns: Vec<ConcernKind>,
    pub note: String,
    pub proposed_next: Option<Date>,
    /// The phone's clock when the report was saved (may be wrong; never orders server state).
    pub recorded_at: Timestamp,
    /// The server's clock when it durably received the report.
    pub received_at: Option<Timestamp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernStatus {
    /// Received by the server, waiting for the ambassador.
    Open,
    Acknowledged,
    Resolved,
}

/// Something seen at a visit that needs follow-up, from one report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Concern {
    pub report: ClientId,
    pub resident: ResidentId,
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub raised_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::ready(true, true, true, None)]
    #[case::paused_even_if_trained(false, true, true, Some(NotPlanned::Inactive))]
    #[case::registered(true, false, false, Some(NotPlanned::NoCharter))]
    #[case::trained_without_charter(true, false, true, Some(NotPlanned::NoCharter))]
    #[case::charter_only(true, true, false, Some(NotPlanned::NoTraining))]
    fn a_volunteer_is_planned_once_on_the_path(
        #[case] active: bool,
        #[case] charter: bool,
        #[case] training: bool,
        #[case] expected: Option<NotPlanned>,
    ) {
        assert_eq!(NotPlanned::given(active, charter, training), expected);
    }

    /// A resident's stage from their follow-up, its start and their volunteer (the transitions
    /// themselves are the form's: `crate::people::FollowUpChoice::apply`).
    #[rstest]
    #[case::starts_later("active", "2026-12-10", false, Stage::Referred)]
    #[case::waiting_for_a_volunteer("active", "2026-11-01", false, Stage::Waiting)]
    #[case::matched("active", "2026-11-01", true, Stage::Matched)]
    #[case::paused_keeps_the_pair("paused", "2026-11-01", true, Stage::Paused)]
    #[case::ended("ended", "2026-11-01", true, Stage::Ended)]
    #[case::ended_before_starting("ended", "2026-12-10", false, Stage::Ended)]
    fn a_resident_s_stage(#[case] state: &str, #[case] start: &str, #[case] paired: bool, #[case] expected: Stage) {
        let today = Date::parse("2026-12-03").unwrap();
        let follow_up = match state {
            "active" => FollowUp::Active { since: today },
            "paused" => FollowUp::Paused { since: today, until: None },
            _ => FollowUp::Ended { on: today },
        };
        let r = Resident {
            id: ResidentId(1),
            first_name: String::new(),
            last_name: String::new(),
            address: String::new(),
            commune: InseeCode::parse("86070").unwrap(),
            home: Location { lat: 46.1, lon: 0.3 },
            phone: None,
            access_notes: String::new(),
            likes: String::new(),
            rhythm: Rhythm::Weekly,
            isolation: IsolationLevel::new(2).unwrap(),
            preferred: Vec::new(),
            consent: Consent { given_on: today, method: ConsentMethod::Oral, recorded_by: AmbassadorId(1) },
            follow_up_start: Date::parse(start).unwrap(),
            follow_up,
            volunteer: paired.then_some(VolunteerId(2)),
            programme: Programme::default(),
        };
        assert_eq!(r.stage(today), expected);
    }

    #[test]
    fn programme_codes_read_back() {
        for s in ReferralSource::ALL {
            assert_eq!(ReferralSource::from_code(s.code()), Some(*s));
        }
        for m in FollowUpMode::ALL {
            assert_eq!(FollowUpMode::from_code(m.code()), Some(*m));
        }
        for e in EndReason::ALL {
            assert_eq!(EndReason::from_code(e.code()), Some(*e));
        }
        assert!(FollowUpMode::Both.visits() && !FollowUpMode::Calls.visits());
        assert_eq!(ReferralSource::from_code("friend"), None);
    }

    #[test]
    fn travel_modes_slow_down_from_the_car() {
        let hours_per_km = |m: TravelMode| m.detour_factor() / m.speed_kmh();
        assert!(hours_per_km(TravelMode::Car) < hours_per_km(TravelMode::TwoWheels));
        assert!(hours_per_km(TravelMode::TwoWheels) < hours_per_km(TravelMode::OnFoot));
        for m in TravelMode::ALL {
            assert_eq!(TravelMode::from_code(m.code()), Some(m));
            assert!(m.detour_factor() >= 1.0);
        }
        assert_eq!(TravelMode::from_code("plane"), None);
    }

    #[test]
    fn insee_codes() {
        assert!(InseeCode::parse("86078").is_some());
        assert!(InseeCode::parse("2A004").is_some());
        assert!(InseeCode::parse("8607").is_none());
        assert!(InseeCode::parse("86O78").is_none());
        assert!(serde_json::from_str::<InseeCode>("\"x\"").is_err());
    }

    #[test]
    fn client_ids() {
        let id = ClientId::from_bytes([0xab; 16]);
        assert_eq!(id.as_str().len(), 32);
        assert_eq!(ClientId::parse(id.as_str()), Some(id));
        assert!(ClientId::parse("ABABABABABABABABABABABABABABABAB").is_none());
        assert!(ClientId::parse("abc").is_none());
    }

    #[test]
    fn slot_overlap() {
        let m = |h| Minute::hm(h, 0).unwrap();
        let a = WeeklySlot::new(Weekday::Tuesday, m(14), m(17)).unwrap();
        let b = WeeklySlot::new(Weekday::Tuesday, m(16), m(18)).unwrap();
        let c = WeeklySlot::new(Weekday::Wednesday, m(14), m(17)).unwrap();
        assert_eq!(a.overlap_minutes(&b), 60);
        assert_eq!(a.overlap_minutes(&c), 0);
        assert!(WeeklySlot::new(Weekday::Monday, m(10), m(10)).is_none());
    }

    #[test]
    fn follow_up_activity() {
        let d = |s| Date::parse(s).unwrap();
        let day = d("2026-11-20");
        assert!(FollowUp::Active { since: d("2026-01-01") }.is_active_on(day));
        assert!(!FollowUp::Active { since: d("2026-12-01") }.is_active_on(day));
        assert!(!FollowUp::Paused { since: d("2026-11-01"), until: None }.is_active_on(day));
        assert!(FollowUp::Paused { since: d("2026-11-01"), until: Some(d("2026-11-10")) }.is_active_on(day));
        assert!(!FollowUp::Ended { on: d("2026-11-01") }.is_active_on(day));
    }

    #[test]
    fn codes_round_trip() {
        for o in Outcome::ALL {
            assert_eq!(Outcome::from_code(o.code()), Some(o));
        }
        for k in ConcernKind::ALL {
            assert_eq!(ConcernKind::from_code(k.code()), Some(k));
        }
        assert_eq!(Mood::new(5), None);
    }
}
