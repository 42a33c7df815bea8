//! The sync protocol between the phone and the server, as data (no I/O).
//!
//! - **Mutation**: something the volunteer did on the phone (a report, an absence, a declined
//!   visit), with a client-generated id and the phone's clock. It waits in the phone's
//!   **outbox** until the server acknowledges it.
//! - **Push**: a batch of mutations. The server applies a batch in one transaction and answers
//!   one [`Ack`] per mutation only after the commit is durable. A mutation is applied at most
//!   once, however often it is sent (the id is the key).
//! - **Pull**: the changes the caller may see, from a server **cursor**, page by page. Each page
//!   is applied on the phone in one transaction before the cursor moves; records the caller may
//!   no longer see come as tombstones ([`Change::Removed`]).
//!
//! Paths are stable and versioned (`/api/sync/v1/...`); each request carries its protocol
//! version, and the server keeps accepting the previous one so that a phone offline across an
//! upgrade still syncs.
//!
//! Enums are externally tagged on the wire (`{"report": {...}}`): serde's internally tagged
//! form buffers every value and costs the phone's bundle tens of kilobytes.

pub mod engine;

use crate::domain::{
    ClientId, ConcernKind, ConcernStatus, Date, DayRange, Minute, Mood, Outcome, ResidentId, Timestamp, VisitId,
};
use serde::{Deserialize, Serialize};

/// The protocol this build speaks.
///
/// - 1: reports, absences and declined visits pushed; residents, visits and reports pulled.
/// - 2: the last page of a pull also lists the volunteer's absences not over yet
///   ([`PullResponse::absences`]), and the phone may take one back
///   ([`MutationBody::CancelAbsence`]). A phone speaking 1 gets no such list.
pub const PROTOCOL_VERSION: u16 = 2;
/// The versions the server accepts (the current one and the previous one).
pub const SUPPORTED_PROTOCOLS: &[u16] = &[1, 2];
/// The first version whose pulls list the volunteer's absences.
pub const ABSENCES_SINCE: u16 = 2;
/// Mutations per push at most.
pub const MAX_BATCH: usize = 50;
/// Changes per pull page at most.
pub const MAX_PAGE: u32 = 500;

/// A visit report as recorded on the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportInput {
    /// The planned visit it reports on (none for an unplanned visit).
    pub visit: Option<VisitId>,
    pub resident: ResidentId,
    /// The day the volunteer says it happened.
    pub day: Date,
    pub outcome: Outcome,
    pub duration_minutes: Option<u16>,
    pub mood: Option<Mood>,
    pub concerns: Vec<ConcernKind>,
    pub note: String,
    pub proposed_next: Option<Date>,
}

/// Longest note the phone sends (the rest of the report is short fields).
pub const MAX_NOTE_CHARS: usize = 2000;

impl ReportInput {
    /// The checks both sides make (the phone before saving, the server before applying).
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.duration_minutes.is_some_and(|d| d == 0 || d > 600) {
            return Err("duration");
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err("note_too_long");
        }
        if !crate::domain::text::acceptable(&self.note) {
            return Err("note_characters");
        }
        if self.outcome != Outcome::Done && (self.mood.is_some() || self.duration_minutes.is_some()) {
            return Err("details_without_visit");
        }
        let mut kinds = self.concerns.clone();
        kinds.sort();
        kinds.dedup();
        if kinds.len() != self.concerns.len() {
            return Err("duplicate_concern");
        }
        if self.proposed_next.is_some_and(|d| d <= self.day) {
            return Err("proposed_next");
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationBody {
    Report(ReportInput),
    /// The volunteer will not be available on these days (inclusive).
    Absence {
        first: Date,
        last: Date,
    },
    /// The volunteer cannot make a planned visit.
    DeclineVisit {
        visit: VisitId,
        reason: String,
    },
    /// The volunteer takes back an absence they (or their ambassador) recorded: the one over
    /// exactly these days. Already gone is no error (protocol 2).
    CancelAbsence {
        first: Date,
        last: Date,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// Generated on the phone; for a report it is also the report's id.
    pub id: ClientId,
    /// The phone's clock when it was recorded (may be wrong; never orders server state).
    pub recorded_at: Timestamp,
    pub body: MutationBody,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u16,
    /// The phone's clock when sending (lets the server notice a wrong clock).
    pub sent_at: Timestamp,
    pub mutations: Vec<Mutation>,
    /// Mutations sealed to the server's key (how phones send them; see [`crate::seal`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed: Vec<SealedMutation>,
}

/// A mutation sealed on the phone: its id in clear (for the acknowledgement), the rest
/// readable by the server only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedMutation {
    pub id: ClientId,
    /// Base64 of the sealed box of the mutation's JSON.
    pub sealed: String,
}

/// Why a report was kept but flagged for the ambassador.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The visit was given to another volunteer meanwhile.
    VisitReassigned,
    /// The visit was cancelled meanwhile.
    VisitCancelled,
    /// The resident is not (or no longer) followed by this volunteer.
    NotAssigned,
}

impl Flag {
    pub const fn code(self) -> &'static str {
        match self {
            Flag::VisitReassigned => "visit_reassigned",
            Flag::VisitCancelled => "visit_cancelled",
            Flag::NotAssigned => "not_assigned",
        }
    }

    pub fn from_code(code: &str) -> Option<Flag> {
        [Flag::VisitReassigned, Flag::VisitCancelled, Flag::NotAssigned].into_iter().find(|f| f.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Durably recorded now (possibly flagged for the ambassador).
    Applied { flag: Option<Flag> },
    /// Recorded by an earlier send of the same mutation.
    AlreadyApplied { flag: Option<Flag> },
    /// Kept aside for the ambassador to review (revoked device, unknown resident): not in the
    /// record, not lost.
    Quarantined,
    /// Refused as invalid (the phone keeps it and shows why).
    Rejected { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub id: ClientId,
    pub status: AckStatus,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub acks: Vec<Ack>,
    pub server_time: Timestamp,
    /// The device was revoked: after this push, the phone must wipe its data.
    pub device_revoked: bool,
}

/// Where a pull stands. Opaque to the phone, which stores it and sends it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Changes up to this sequence number are in the phone's data.
    pub seq: i64,
    /// During the first sync (the snapshot): how far the snapshot went.
    pub snapshot: Option<SnapshotPosition>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPosition {
    /// 0 residents, 1 visits, 2 reports.
    pub kind: u8,
    pub after_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub protocol: u16,
    /// `None` on a phone that holds nothing yet: the server starts a snapshot.
    pub cursor: Option<Cursor>,
    pub limit: u32,
}

/// A resident as the volunteer's phone keeps it (the card's fields).
pub type ResidentRecord = crate::wire::residents::ResidentCard;

/// A planned visit in one of the volunteer's published rounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: VisitId,
    pub resident: ResidentId,
    pub day: Date,
    pub start: Minute,
    /// Position in the round's route order.
    pub order: u32,
    /// Monday of the round's week.
    pub week_start: Date,
    pub reported: bool,
}

/// A report the server holds, as the phone shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    pub id: ClientId,
    pub visit: Option<VisitId>,
    pub resident: ResidentId,
    pub day: Date,
    pub outcome: Outcome,
    pub flag: Option<Flag>,
    pub concerns: Vec<(ConcernKind, ConcernStatus)>,
    pub received_at: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Resident,
    Visit,
    Report,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Resident(ResidentRecord),
    Visit(VisitRecord),
    Report(ReportRecord),
    /// The caller may no longer see this record: remove it from the phone.
    Removed {
        record: RecordKind,
        id: String,
    },
}

impl Change {
    /// The record this change is about, as (kind, key).
    pub fn key(&self) -> (RecordKind, String) {
        match self {
            Change::Resident(r) => (RecordKind::Resident, r.id.0.to_string()),
            Change::Visit(v) => (RecordKind::Visit, v.id.0.to_string()),
            Change::Report(r) => (RecordKind::Report, r.id.to_string()),
            Change::Removed { record, id } => (*record, id.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Where the next page starts; store it with this page's changes.
    pub cursor: Cursor,
    /// More pages wait.
    pub more: bool,
    pub server_time: Timestamp,
    /// On the last page, to a phone speaking protocol 2: the volunteer's absences not over yet,
    /// in order (the whole list: the phone replaces its own). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absences: Option<Vec<DayRange>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ReportInput {
        ReportInput {
            visit: None,
            resident: ResidentId(1),
            day: Date::parse("2026-11-20").unwrap(),
            outcome: Outcome::Done,
            duration_minutes: Some(60),
            mood: Mood::new(3),
            concerns: vec![ConcernKind::Fall],
            note: "Bonne visite".into(),
            proposed_next: Date::parse("2026-11-27").ok(),
        }
    }

    #[test]
    fn report_validation() {
        assert!(report().validate().is_ok());
        assert_eq!(ReportInput { duration_minutes: Some(0), ..report() }.validate(), Err("duration"));
        assert_eq!(ReportInput { note: "x".repeat(MAX_NOTE_CHARS + 1), ..report() }.validate(), Err("note_too_long"));
        assert_eq!(ReportInput { note: "a\0b".into(), ..report() }.validate(), Err("note_characters"));
        assert_eq!(ReportInput { note: "x\u{202E}y".into(), ..report() }.validate(), Err("note_characters"));
        assert_eq!(ReportInput { outcome: Outcome::NobodyHome, ..report() }.validate(), Err("details_without_visit"));
        assert_eq!(
            ReportInput { concerns: vec![ConcernKind::Fall, ConcernKind::Fall], ..report() }.validate(),
            Err("duplicate_concern")
        );
        assert_eq!(
            ReportInput { proposed_next: Date::parse("2026-11-20").ok(), ..report() }.validate(),
            Err("proposed_next")
        );
        let nobody = ReportInput { outcome: Outcome::NobodyHome, duration_minutes: None, mood: None, ..report() };
        assert!(nobody.validate().is_ok());
    }

    #[test]
    fn wire_format_is_stable() {
        let ack =
            Ack { id: ClientId::from_bytes([1; 16]), status: AckStatus::Applied { flag: Some(Flag::VisitReassigned) } };
        assert_eq!(
            serde_json::to_string(&ack).unwrap(),
            r#"{"id":"01010101010101010101010101010101","status":{"applied":{"flag":"visit_reassigned"}}}"#
        );
        let body = MutationBody::Absence {
            first: Date::parse("2026-12-01").unwrap(),
            last: Date::parse("2026-12-03").unwrap(),
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"absence":{"first":"2026-12-01","last":"2026-12-03"}}"#);
        let removed = Change::Removed { record: RecordKind::Visit, id: "12".into() };
        assert_eq!(serde_json::to_string(&removed).unwrap(), r#"{"removed":{"record":"visit","id":"12"}}"#);
        assert_eq!(serde_json::to_string(&AckStatus::Quarantined).unwrap(), r#""quarantined""#);
    }
}
