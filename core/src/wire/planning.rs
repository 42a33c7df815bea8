//! "Planifier la semaine" (ambassadors): the planning engine run on the ambassador's scope for
//! one week, shown for review, then published as the volunteers' rounds.
//!
//! The plan is computed with a fixed seed and iteration budget, so the same data always gives
//! the same plan: the page shows it with a fingerprint, and publishing recomputes it and
//! refuses if the fingerprint changed meanwhile (someone declared an absence, a report came
//! in): what is published is exactly what the ambassador saw.

use crate::error::ApiError;

use crate::domain::{Date, Minute, ResidentId, VolunteerId};

use serde::{Deserialize, Serialize};

/// Why a resident due this week is left out (the planner's exact rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnservedReason {
    NoVolunteerInRange,
    NoCommonSlot,
    NoCapacity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewVisit {
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub day: Date,
    pub start: Minute,
    /// The resident's usual volunteer does this visit.
    pub usual: bool,
    /// The ambassador locked this resident to this volunteer.
    pub locked: bool,
    /// The ambassador placed this visit by hand (day and time).
    pub placed: bool,
    /// The home is only the commune's centre: travel times to it are estimates.
    #[serde(default)]
    pub approximate: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRound {
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    pub visits: Vec<PreviewVisit>,
    /// The round on the scope's map: the volunteer's home, then each visit in order, as SVG
    /// user units of [`ScopeMap`].
    pub route: Vec<[i32; 2]>,
}

/// The scope's communes drawn once, in SVG user units (north up, 1 unit ≈ the same distance
/// east-west and north-south).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeMap {
    pub width: i32,
    pub height: i32,
    /// One SVG path (`d`) per commune.
    pub communes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewUnserved {
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub reason: UnservedReason,
    /// The volunteer the ambassador locked this resident to, if any (the lock may be the cause).
    pub locked_to: Option<String>,
}

/// Someone to choose in the page's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A lock: this resident goes to this volunteer this week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLock {
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    /// Placed by hand: day and start time.
    pub at: Option<(Date, Minute)>,
}

/// A rule the week's plan breaks, found by the engine's check mode once an ambassador placed
/// visits by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// No availability slot of the volunteer holds that time.
    NoSlot,
    /// The volunteer is away that day.
    Absent,
    /// Not this volunteer's commune or distance.
    NotAllowed,
    /// More visits in the slot than it holds.
    TooManyInSlot,
    /// More visits in the week than the volunteer's capacity.
    OverCapacity,
    /// Outside the person's preferred days and times.
    OutsideHours,
    /// The volunteer gets home after the end of the slot.
    LateReturn,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanIssue {
    pub kind: IssueKind,
    pub volunteer_name: String,
    pub resident_name: Option<String>,
    pub day: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPreview {
    pub week: Date,
    /// Residents due this week (planned or not).
    pub due: usize,
    pub rounds: Vec<PreviewRound>,
    pub unserved: Vec<PreviewUnserved>,
    /// Identifies this exact plan (see the module documentation).
    pub fingerprint: String,
    pub map: ScopeMap,
    /// The scope's active volunteers and the residents due, for the "lock" form.
    pub volunteers: Vec<Choice>,
    pub residents: Vec<Choice>,
    pub locks: Vec<PreviewLock>,
    /// Whether visits were placed by hand (then the plan went through the check mode).
    pub checked: bool,
    /// Travel times from the road network (a routing service), else estimated from distances.
    pub road_times: bool,
    /// What the check mode found.
    pub issues: Vec<PlanIssue>,
    /// Visits the volunteers declined ("Je ne peux pas") from this week on: cancelled, so the
    /// people are planned again (not part of the plan's fingerprint).
    #[serde(default)]
    pub declined: Vec<DeclinedVisit>,
    /// Published visits from this week on that fall in an absence of their volunteer.
    #[serde(default)]
    pub absent: Vec<AbsentVisit>,
}

/// A published visit that falls in an absence of its volunteer (declared after the round was
/// published, or by the ambassador), for the ambassador to re-plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsentVisit {
    pub visit: crate::domain::VisitId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    pub day: Date,
    /// The absence it falls in.
    pub absence: crate::domain::DayRange,
}

/// A visit its volunteer declined, for the ambassador to re-plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclinedVisit {
    pub visit: crate::domain::VisitId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    pub day: Date,
    /// The volunteer's words.
    pub reason: String,
    pub received_at: crate::domain::Timestamp,
}

/// One visit on a volunteer's printed round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetVisit {
    pub visit: crate::domain::VisitId,
    pub day: Date,
    pub start: Minute,
    pub resident_name: String,
    pub address: String,
    pub commune: String,
    pub phone: Option<String>,
    pub access_notes: String,
}

/// A volunteer's published round for a week, for volunteers without a smartphone (printed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSheet {
    pub week: Date,
    pub volunteer_name: String,
    pub visits: Vec<SheetVisit>,
}

/// A planned visit whose report an ambassador enters for a volunteer without a smartphone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEntry {
    pub visit: crate::domain::VisitId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    pub day: Date,
    pub start: Minute,
    /// The id the report will have: made when the form is shown, so sending the same form
    /// twice records one report.
    pub report_id: crate::domain::ClientId,
}

/// The Monday of the week after `today`: what "plan next week" means.
pub fn next_week(today: Date) -> Date {
    today.week_start().add_days(7)
}

/// A week an ambassador may plan: a Monday, from this week to twelve weeks ahead.
pub fn check_week(week: Date, today: Date) -> Result<(), ApiError> {
    let bad = |reason: &str| Err(ApiError::Invalid { field: "semaine".into(), reason: reason.into() });
    if week.week_start() != week {
        return bad("a week starts on a Monday");
    }
    if week < today.week_start() || week > today.week_start().add_days(7 * 12) {
        return bad("from this week to twelve weeks ahead");
    }
    Ok(())
}

/// An ambassador's choice for one resident's visit of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanningLock {
    pub volunteer: VolunteerId,
    /// Placed by hand: this day and start time.
    pub at: Option<(Date, Minute)>,
}

/// One visit of a planned round, in the product's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedVisit {
    pub resident: ResidentId,
    pub day: Date,
    pub start: Minute,
}

/// A volunteer's round for the week: visits in route order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRound {
    pub volunteer: VolunteerId,
    pub visits: Vec<PlannedVisit>,
}
