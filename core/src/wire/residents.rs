//! A resident's card: what a volunteer needs at the door, and no more (no isolation level,
//! no consent record, no other volunteer). Ambassadors read the same card for their scope.

use crate::domain::{Date, Location, Outcome, ResidentId, Rhythm};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastVisit {
    pub day: Date,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentCard {
    pub id: ResidentId,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub commune_name: String,
    pub phone: Option<String>,
    pub home: Location,
    /// The home is only the commune's centre (no address located, no position given): the
    /// phone navigates to the address instead. Absent from cards an earlier server sent, or
    /// a phone kept: `false`, the position as recorded.
    #[serde(default)]
    pub approximate: bool,
    pub access_notes: String,
    pub likes: String,
    pub rhythm: Rhythm,
    pub next_due: Date,
    pub last_visit: Option<LastVisit>,
}
