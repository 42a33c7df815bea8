//! What an ambassador must look at after syncs: reports kept but flagged (the visit had been
//! reassigned or cancelled meanwhile, or the resident is not the volunteer's), and pushes from
//! revoked devices set aside in quarantine. Nothing recorded is dropped; it waits here until the
//! ambassador marks it reviewed (who and when are kept), which also lets the retention purge
//! take the resident's record when its time comes.

use crate::domain::{ClientId, ConcernKind, Date, Outcome, ResidentId, Timestamp};

use crate::sync::Flag;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedReport {
    pub report: ClientId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    pub day: Date,
    pub outcome: Outcome,
    pub flag: Flag,
    pub received_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedPush {
    pub mutation: ClientId,
    pub volunteer_name: String,
    /// `device_revoked`, `unknown_resident`, `not_assigned` (a person never given to them) or
    /// `refused:<reason>` (refused, kept until the phone sends its correction).
    pub reason: String,
    pub received_at: Timestamp,
    /// What the phone sent, for the ambassador to judge.
    pub content: PushContent,
}

/// What a quarantined push holds, as the review page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushContent {
    /// A visit report; the resident's name only when they are in the ambassador's scope and
    /// not erased.
    Report {
        resident: ResidentId,
        resident_name: Option<String>,
        day: Date,
        outcome: Outcome,
        concerns: Vec<ConcernKind>,
    },
    Absence {
        first: Date,
        last: Date,
    },
    /// An absence taken back.
    AbsenceCancelled {
        first: Date,
        last: Date,
    },
    /// A declined visit (its day when the visit is still known).
    Decline {
        day: Option<Date>,
    },
}

/// An item of the list, as the page's "reviewed" button names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewItem {
    /// A flagged report (by its id).
    Report(ClientId),
    /// A quarantined push (by its mutation id).
    Quarantined(ClientId),
}

impl ReviewItem {
    /// From the page's form: `type` (`rapport` or `envoi`) and `id`.
    pub fn from_form(kind: &str, id: &str) -> Option<ReviewItem> {
        let id = ClientId::parse(id)?;
        match kind {
            "rapport" => Some(ReviewItem::Report(id)),
            "envoi" => Some(ReviewItem::Quarantined(id)),
            _ => None,
        }
    }

    /// Its id (a report's, or a mutation's, which is also its report's): the audit trail files
    /// both under "report", as the push that set it aside did.
    pub fn id(&self) -> &str {
        match self {
            ReviewItem::Report(id) | ReviewItem::Quarantined(id) => id.as_str(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub flagged: Vec<FlaggedReport>,
    pub quarantined: Vec<QuarantinedPush>,
}
