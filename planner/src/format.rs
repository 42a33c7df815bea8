//! The neutral benchmark formats (`../shared/bench/FORMAT.md`): `monalisa-plan-instance/1`
//! and `monalisa-plan-solution/1`. Coordinates are `[lon, lat]`; times are integer seconds
//! from Monday 00:00 of the planned week.
//!
//! The product's own instances add optional fields the benchmark does not have (weekly
//! capacity, range, acceptable communes, absences, usual and locked volunteers); solvers that
//! do not know them ignore them, and the engine treats them as absent when they are.

use serde::{Deserialize, Serialize};

pub const INSTANCE_FORMAT: &str = "monalisa-plan-instance/1";
pub const SOLUTION_FORMAT: &str = "monalisa-plan-solution/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub format: String,
    pub name: String,
    #[serde(default)]
    pub meta: serde_json::Value,
    pub travel: TravelSpec,
    #[serde(default)]
    pub volunteers: Vec<VolunteerSpec>,
    pub shifts: Vec<ShiftSpec>,
    pub visits: Vec<VisitSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TravelSpec {
    pub model: String,
    pub detour_factor: f64,
    pub speed_kmh: f64,
    #[serde(default = "default_radius")]
    pub earth_radius_km: f64,
}

fn default_radius() -> f64 {
    6371.0088
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolunteerSpec {
    pub id: String,
    pub home: [f64; 2],
    /// Most visits in the week, over all shifts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_capacity: Option<u32>,
    /// Farthest a visit may be from home, straight-line km (volunteers without a car stay close).
    /// A visit is acceptable within this range or in one of `communes`; with neither, anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_km: Option<f64>,
    /// INSEE codes of communes the volunteer accepts besides their range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communes: Option<Vec<String>>,
    /// Periods `[from, to)` in week seconds when the volunteer is away: no shift overlapping one is used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absences: Vec<[i64; 2]>,
    /// How this volunteer travels when not as the instance's `travel` says (on foot, on two
    /// wheels): their legs take the instance's time scaled by this mode's detour over speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<ModeSpec>,
}

/// A volunteer's own travel mode.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModeSpec {
    pub speed_kmh: f64,
    pub detour_factor: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftSpec {
    pub id: String,
    pub volunteer: String,
    pub day: u32,
    pub start: [f64; 2],
    pub end: [f64; 2],
    pub time_window: [i64; 2],
    pub max_visits: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitSpec {
    pub id: String,
    #[serde(default)]
    pub person: Option<String>,
    pub location: [f64; 2],
    pub duration_s: i64,
    pub time_windows: Vec<[i64; 2]>,
    pub priority: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_volunteers: Option<Vec<String>>,
    /// INSEE code of the resident's commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// The volunteer of the existing pair: kept whenever that volunteer can do the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual_volunteer: Option<String>,
    /// An ambassador's lock: only this volunteer may do the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_volunteer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    pub format: String,
    pub instance: String,
    pub solver: String,
    pub solve_ms: u64,
    pub routes: Vec<RouteSpec>,
    pub unassigned: Vec<String>,
    /// Why each unassigned visit is unserved (the engine's extension; absent from hand-made plans).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<UnservedSpec>,
    /// Figures of the run (iterations, cost); free-form.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub stats: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnservedSpec {
    pub visit: String,
    pub reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteSpec {
    pub shift: String,
    pub volunteer: String,
    pub visits: Vec<StepSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepSpec {
    pub visit: String,
    pub start_s: i64,
}

/// Why a visit is unserved, by an exact rule on the problem data (the same for every plan):
/// - "no volunteer in range" iff no eligible volunteer (allowed, not locked elsewhere) accepts the
///   resident's commune and distance;
/// - else "no common slot" iff none of them has an available shift where the visit alone fits a
///   time window (with the trip there and back);
/// - else "no capacity": someone could have come, but their shifts and weeks were full.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    NoVolunteerInRange,
    NoCommonSlot,
    NoCapacity,
}

impl Reason {
    /// The ambassador's words.
    pub fn label_fr(self) -> &'static str {
        match self {
            Reason::NoVolunteerInRange => "aucun bénévole à portée",
            Reason::NoCommonSlot => "aucun créneau commun",
            Reason::NoCapacity => "plus de place dans les tournées",
        }
    }
}
