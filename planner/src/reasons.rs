//! Why a visit is unserved, by an exact rule on the problem data (the same for every plan):
//! - "no volunteer in range" iff no eligible volunteer (allowed, not locked elsewhere) accepts the
//!   resident's commune and distance;
//! - else "no common slot" iff none of them has an available shift where the visit alone fits a
//!   time window (with the trip there and back);
//! - else "no capacity": someone could have come, but their shifts and weeks were full.

use crate::problem::Problem;
use serde::{Deserialize, Serialize};

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

/// The reason a visit would be unserved.
pub fn reason(p: &Problem, visit: u32) -> Reason {
    if !p.in_range[visit as usize] {
        Reason::NoVolunteerInRange
    } else if p.candidates[visit as usize].is_empty() {
        Reason::NoCommonSlot
    } else {
        Reason::NoCapacity
    }
}
