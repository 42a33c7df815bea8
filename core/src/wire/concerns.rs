//! "Signalements" (ambassadors): the concerns volunteers raised at visits (a fall, food,
//! heating…), to acknowledge and then resolve, with who did what and when. The volunteer's
//! phone shows each concern's state at its next sync.

use crate::domain::{ClientId, ConcernKind, ConcernStatus, Date, ResidentId, Timestamp};

use serde::{Deserialize, Serialize};

/// A step of an ambassador's follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStep {
    Acknowledge,
    Resolve,
}

impl FollowUpStep {
    pub fn from_code(code: &str) -> Option<FollowUpStep> {
        match code {
            "acknowledge" => Some(FollowUpStep::Acknowledge),
            "resolve" => Some(FollowUpStep::Resolve),
            _ => None,
        }
    }
}

/// Who did a step, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub at: Timestamp,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernItem {
    pub report: ClientId,
    pub kind: ConcernKind,
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub volunteer_name: String,
    /// The day of the visit, as the volunteer recorded it.
    pub day: Date,
    /// What the volunteer wrote in the visit's report (their words on what they saw).
    #[serde(default)]
    pub note: String,
    pub status: ConcernStatus,
    pub raised_at: Timestamp,
    pub acknowledged: Option<Done>,
    pub resolved: Option<Done>,
}
