//! The right of access (GDPR art. 15): everything held on one resident, for the ambassador of
//! their scope to hand over — as JSON (`/personnes/dossier.json`) and as a readable French page
//! (`/personnes/dossier`). Every export is in the audit trail.

use crate::wire::audit::AuditEntry;

use crate::domain::{ConcernKind, ConcernStatus, Date, Minute, Outcome, Resident, Timestamp};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierVisit {
    pub day: Date,
    pub start: Minute,
    /// `planned`, `cancelled` or `reported`.
    pub status: String,
    pub volunteer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierConcern {
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub raised_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierReport {
    pub day: Date,
    pub outcome: Outcome,
    pub duration_minutes: Option<u16>,
    pub mood: Option<u8>,
    pub note: String,
    pub volunteer: String,
    pub recorded_at: Timestamp,
    pub received_at: Timestamp,
    pub concerns: Vec<DossierConcern>,
    /// Sent by a removed phone and set aside for review ("À vérifier"), not in the record: its
    /// concerns were never raised.
    pub set_aside: bool,
}

/// A binôme: the volunteer, from one day to another (`None`: still going).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierPairing {
    pub volunteer: String,
    pub started_on: Date,
    pub ended_on: Option<Date>,
}

/// Everything held on one resident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub produced_at: Timestamp,
    pub resident: Resident,
    pub commune_name: String,
    pub consent_recorded_by: String,
    pub usual_volunteer: Option<String>,
    pub visits: Vec<DossierVisit>,
    pub reports: Vec<DossierReport>,
    /// Their binômes, oldest first.
    #[serde(default)]
    pub pairings: Vec<DossierPairing>,
    /// Who read or changed the record, and when.
    pub audit: Vec<AuditEntry>,
}

/// One line of a resident's timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimelineEvent<'a> {
    /// A visit still planned, or cancelled (a reported visit shows as its report).
    Visit(&'a DossierVisit),
    /// A report, with the concerns it raised.
    Report(&'a DossierReport),
    /// A binôme began (with the volunteer named).
    PairStarted(&'a DossierPairing),
    /// A binôme ended.
    PairEnded(&'a DossierPairing),
}

impl TimelineEvent<'_> {
    pub fn day(&self) -> Date {
        match self {
            TimelineEvent::Visit(v) => v.day,
            TimelineEvent::Report(r) => r.day,
            TimelineEvent::PairStarted(p) => p.started_on,
            TimelineEvent::PairEnded(p) => p.ended_on.unwrap_or(p.started_on),
        }
    }
}

/// A resident's binômes, visits, reports and concerns as one timeline, newest first; on one
/// day, a binôme's end, then the report, the visits, and a binôme's start.
pub fn timeline<'a>(
    visits: &'a [DossierVisit],
    reports: &'a [DossierReport],
    pairings: &'a [DossierPairing],
) -> Vec<TimelineEvent<'a>> {
    let mut out: Vec<TimelineEvent<'a>> = reports.iter().map(TimelineEvent::Report).collect();
    out.extend(visits.iter().filter(|v| v.status != "reported").map(TimelineEvent::Visit));
    out.extend(pairings.iter().map(TimelineEvent::PairStarted));
    out.extend(pairings.iter().filter(|p| p.ended_on.is_some()).map(TimelineEvent::PairEnded));
    let order = |e: &TimelineEvent<'_>| match e {
        TimelineEvent::PairEnded(_) => (std::cmp::Reverse(e.day()), 0, std::cmp::Reverse(0)),
        TimelineEvent::Report(r) => (std::cmp::Reverse(r.day), 1, std::cmp::Reverse(r.recorded_at.0)),
        TimelineEvent::Visit(v) => (std::cmp::Reverse(v.day), 2, std::cmp::Reverse(i64::from(v.start.get()))),
        TimelineEvent::PairStarted(_) => (std::cmp::Reverse(e.day()), 3, std::cmp::Reverse(0)),
    };
    out.sort_by_key(order);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn visit(d: &str, hour: u16, status: &str) -> DossierVisit {
        DossierVisit { day: day(d), start: Minute::hm(hour, 0).unwrap(), status: status.into(), volunteer: "V".into() }
    }

    fn report(d: &str, note: &str) -> DossierReport {
        DossierReport {
            day: day(d),
            outcome: Outcome::Done,
            duration_minutes: None,
            mood: None,
            note: note.into(),
            volunteer: "V".into(),
            recorded_at: Timestamp(0),
            received_at: Timestamp(0),
            concerns: Vec::new(),
            set_aside: false,
        }
    }

    #[test]
    fn the_timeline_is_newest_first_and_a_reported_visit_shows_once() {
        let visits = [
            visit("2026-11-03", 10, "reported"),
            visit("2026-11-10", 9, "cancelled"),
            visit("2026-11-17", 14, "planned"),
            visit("2026-11-17", 9, "planned"),
            visit("2026-11-24", 10, "reported"),
        ];
        let reports = [report("2026-11-03", "a"), report("2026-11-17", "b"), report("2026-11-24", "c")];
        let pairings = [
            DossierPairing { volunteer: "A".into(), started_on: day("2026-11-03"), ended_on: Some(day("2026-11-17")) },
            DossierPairing { volunteer: "B".into(), started_on: day("2026-11-17"), ended_on: None },
        ];
        let lines: Vec<String> = timeline(&visits, &reports, &pairings)
            .iter()
            .map(|e| match e {
                TimelineEvent::Report(r) => format!("{} report {}", r.day, r.note),
                TimelineEvent::Visit(v) => format!("{} {} {}", v.day, v.start, v.status),
                TimelineEvent::PairStarted(p) => format!("{} with {}", p.started_on, p.volunteer),
                TimelineEvent::PairEnded(p) => format!("{} end of {}", e.day(), p.volunteer),
            })
            .collect();
        assert_eq!(
            lines,
            [
                "2026-11-24 report c",
                "2026-11-17 end of A",
                "2026-11-17 report b",
                "2026-11-17 14:00 planned",
                "2026-11-17 09:00 planned",
                "2026-11-17 with B",
                "2026-11-10 09:00 cancelled",
                "2026-11-03 report a",
                "2026-11-03 with A",
            ]
        );
        assert!(timeline(&[], &[], &[]).is_empty());
    }
}
