//! The people of an ambassador's scope: the list of residents and volunteers, and what their
//! forms need (the stored record as form fields, the communes and volunteers to choose from).
//! Saving goes through plain form posts (`/personnes/enregistrer`, `/benevoles/enregistrer`,
//! handled by the server with [`crate::people`]'s checks).

use super::planning::Choice;

use crate::domain::{Date, NotPlanned, ResidentId, Rhythm, TravelMode, VolunteerId, WeeklySlot};

use serde::{Deserialize, Serialize};

/// Where a follow-up stands, for lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    Active,
    Paused,
    Ended,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentRow {
    pub id: ResidentId,
    pub name: String,
    pub commune: String,
    pub rhythm: Rhythm,
    pub isolation: u8,
    pub state: FollowUpState,
    pub volunteer: Option<String>,
    #[serde(default)]
    pub volunteer_id: Option<VolunteerId>,
    /// When the next visit is due (`crate::domain::rules::next_due`).
    pub next_due: Date,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolunteerRow {
    pub id: VolunteerId,
    pub name: String,
    pub commune: String,
    pub travel: TravelMode,
    pub radius_km: f64,
    pub weekly_capacity: u8,
    pub availability: Vec<WeeklySlot>,
    pub active: bool,
    /// Why the planner leaves them out (inactive, or a step of their path not done).
    pub not_planned: Option<NotPlanned>,
    /// Residents whose usual volunteer this is (followed, not ended).
    pub residents: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeopleList {
    pub residents: Vec<ResidentRow>,
    pub volunteers: Vec<VolunteerRow>,
    /// The binômes split between this scope and another (a commune or a volunteer moved):
    /// kept, never broken automatically, shown to the ambassadors of both scopes.
    #[serde(default)]
    pub split: Vec<SplitRow>,
}

/// A binôme split between two scopes, as one of the two ambassadors sees it: their own
/// resident with the other scope's volunteer, or their own volunteer visiting someone in the
/// other scope (that person's name is not theirs to see).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SplitRow {
    /// The resident, when they are of this scope.
    pub resident: Option<(ResidentId, String)>,
    pub volunteer: (VolunteerId, String),
    /// The resident's commune.
    pub commune: String,
    /// The other scope's name ("" for a commune in no scope).
    pub other_scope: String,
}

/// What a resident's form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentFormData {
    /// The stored record as form fields (`crate::people::resident_values`); empty for a new one.
    pub values: Vec<(String, String)>,
    /// The consent on record: day, how, who recorded it.
    pub consent: Option<(Date, crate::domain::ConsentMethod, String)>,
    /// The scope's communes (INSEE code, name).
    pub communes: Vec<(String, String)>,
    /// The scope's volunteers who may visit (active, charter signed, trained), and the current
    /// one even if not.
    pub volunteers: Vec<Choice>,
    /// The day the person withdrew their consent (their record is erased).
    pub withdrawn_on: Option<Date>,
    /// Their visits and reports (with concerns), for the record's timeline
    /// (`crate::wire::dossier::timeline`); read, like the record, as an audited read.
    #[serde(default)]
    pub visits: Vec<crate::wire::dossier::DossierVisit>,
    #[serde(default)]
    pub reports: Vec<crate::wire::dossier::DossierReport>,
    #[serde(default)]
    pub pairings: Vec<crate::wire::dossier::DossierPairing>,
    /// The stored home is only the commune's centre (no position was given).
    #[serde(default)]
    pub approximate_position: bool,
    /// The commune's map with the home on it, to place the home by a click.
    #[serde(default)]
    pub home_map: Option<HomeMapView>,
}

/// A commune drawn for placing a home: its outline (an SVG path, to move by `margin` each
/// way) in a `width` × `height` frame (margins included), and the home's point in the frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeMapView {
    pub width: i32,
    pub height: i32,
    pub margin: i32,
    pub outline: String,
    pub home: [i32; 2],
}

/// What a volunteer's form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolunteerFormData {
    pub values: Vec<(String, String)>,
    /// Every commune of the territory (a volunteer may live outside the scope).
    pub all_communes: Vec<(String, String)>,
    /// The scope's communes, to accept besides the radius.
    pub scope_communes: Vec<(String, String)>,
    /// The other scopes an existing volunteer can move to (id, name).
    #[serde(default)]
    pub other_scopes: Vec<(i64, String)>,
    /// Their absences (declared on their phone or by the ambassador), by first day.
    #[serde(default)]
    pub absences: Vec<crate::domain::DayRange>,
}

/// The handover of a volunteer who stops or pauses: each person they follow, with who could
/// take them over (`crate::handover::candidates`: nearest first, then most capacity to spare).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverView {
    pub volunteer: VolunteerId,
    pub name: String,
    pub active: bool,
    pub residents: Vec<HandoverRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverRow {
    pub resident: ResidentId,
    pub name: String,
    pub commune: String,
    pub rhythm: Rhythm,
    /// (volunteer, name, km from their home, weekly visits left once this person is theirs).
    pub candidates: Vec<(VolunteerId, String, f64, f64)>,
}
