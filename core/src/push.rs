//! What the server does with a pushed mutation, as a pure rule: the backend reads the facts in
//! its transaction, asks here, and executes the decision (records, sets aside, refuses). Every
//! backend therefore decides the same way; the case tables below are the rule's specification.
//!
//! - A resend gets the first answer ([`resend`]).
//! - A revoked device's mutations are set aside, a caller without a volunteer record is
//!   refused ([`gate`]).
//! - A report: invalid → refused (the phone keeps it for correction, the server keeps a copy
//!   aside); about someone the server does not know, or the volunteer was never given → set
//!   aside for the ambassador (the phone cannot tell the two apart); dated outside its window
//!   → refused; otherwise recorded, flagged when the visit it names was cancelled, given to
//!   someone else, or is not this resident's, or (without a visit) the resident is not the
//!   volunteer's ([`report`]).
//! - An absence outside its window is refused ([`absence`]); a declined visit that is no longer
//!   the volunteer's is acknowledged with a flag, nothing to record ([`decline`]).

use crate::domain::{Date, ResidentId, VisitId, VolunteerId, text, windows};
use crate::sync::{AckStatus, Flag, ReportInput};

/// The answer to a mutation sent again: what it got the first time (an applied one says so).
pub fn resend(first: AckStatus) -> AckStatus {
    match first {
        AckStatus::Applied { flag } => AckStatus::AlreadyApplied { flag },
        status => status,
    }
}

/// Whether a caller's mutations may be applied at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Kept aside with this reason (a revoked device: nothing it sends is lost).
    SetAside(&'static str),
    /// Refused with this reason.
    Refuse(&'static str),
    /// Applied as this volunteer's.
    Apply(VolunteerId),
}

pub fn gate(revoked: bool, volunteer: Option<VolunteerId>) -> Gate {
    match (revoked, volunteer) {
        (true, _) => Gate::SetAside("device_revoked"),
        (false, None) => Gate::Refuse("not_a_volunteer"),
        (false, Some(v)) => Gate::Apply(v),
    }
}

/// What the store knows of the resident a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentFacts {
    /// Their usual volunteer.
    pub volunteer: Option<VolunteerId>,
    pub follow_up_start: Date,
    /// The reporting volunteer is, or was, in a position to visit them: their usual volunteer,
    /// one of their visits is the volunteer's, the volunteer reported on them before (unflagged
    /// as not assigned), or the resident is on one of the volunteer's phones.
    pub known_to_caller: bool,
}

/// What the store knows of the visit a report names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitFacts {
    pub volunteer: VolunteerId,
    pub resident: ResidentId,
    pub cancelled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportDecision {
    /// Refused with this reason: the phone keeps the report for correction, the server a copy
    /// aside (`refused:<reason>`).
    Refuse(String),
    /// Kept aside for the ambassador with this reason, out of the record.
    SetAside(&'static str),
    /// Recorded, possibly flagged; `visit` is the visit it reports on (when it names one that
    /// exists and is this resident's), and `completes_visit` says the planned visit becomes
    /// reported.
    Record { flag: Option<Flag>, visit: Option<VisitId>, completes_visit: bool },
}

/// The decision on `volunteer`'s report, given the resident (`None`: unknown) and the visit it
/// names (`None`: it names none, or one that does not exist), on `today` (French local date).
pub fn report(
    volunteer: VolunteerId,
    r: &ReportInput,
    resident: Option<&ResidentFacts>,
    visit: Option<&VisitFacts>,
    today: Date,
) -> ReportDecision {
    if let Err(reason) = r.validate() {
        return ReportDecision::Refuse(reason.into());
    }
    let Some(resident) = resident else {
        return ReportDecision::SetAside("unknown_resident");
    };
    if !resident.known_to_caller {
        return ReportDecision::SetAside("not_assigned");
    }
    if let Err(refusal) = windows::report(r.day, r.proposed_next, resident.follow_up_start, today) {
        return ReportDecision::Refuse(refusal.code().into());
    }
    match (r.visit, visit) {
        (Some(_), None) => {
            ReportDecision::Record { flag: Some(Flag::NotAssigned), visit: None, completes_visit: false }
        }
        (Some(_), Some(v)) if v.resident != r.resident => {
            ReportDecision::Record { flag: Some(Flag::NotAssigned), visit: None, completes_visit: false }
        }
        (Some(id), Some(v)) => {
            let flag = if v.cancelled {
                Some(Flag::VisitCancelled)
            } else if v.volunteer != volunteer {
                Some(Flag::VisitReassigned)
            } else {
                None
            };
            ReportDecision::Record { flag, visit: Some(id), completes_visit: flag.is_none() }
        }
        (None, _) => ReportDecision::Record {
            flag: (resident.volunteer != Some(volunteer)).then_some(Flag::NotAssigned),
            visit: None,
            completes_visit: false,
        },
    }
}

/// `Some(reason)` when an absence from `first` to `last` is refused on `today`.
pub fn absence(first: Date, last: Date, today: Date) -> Option<String> {
    windows::absence(first, last, today).err().map(|refusal| refusal.code().into())
}

/// `Some(reason)` when taking back an absence from `first` to `last` is refused: only when the
/// days are reversed. An absence already gone (removed by the ambassador, or taken back from
/// another send) is no error: the volunteer is no longer away then, as they asked.
pub fn cancel_absence(first: Date, last: Date) -> Option<String> {
    (first > last).then(|| windows::DateRefusal::Absence.code().into())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineDecision {
    Refuse(&'static str),
    /// The visit is the volunteer's: the decline is recorded.
    Record,
    /// Already someone else's visit, or gone: nothing to decline, nothing lost.
    Acknowledge(Flag),
}

/// A declined visit, given the visit's current volunteer (`None`: no such visit).
pub fn decline(volunteer: VolunteerId, reason: &str, owner: Option<VolunteerId>) -> DeclineDecision {
    if reason.chars().count() > MAX_DECLINE_REASON_CHARS {
        return DeclineDecision::Refuse("reason_too_long");
    }
    if !text::acceptable(reason) {
        return DeclineDecision::Refuse("reason_characters");
    }
    match owner {
        Some(v) if v == volunteer => DeclineDecision::Record,
        Some(_) => DeclineDecision::Acknowledge(Flag::VisitReassigned),
        None => DeclineDecision::Acknowledge(Flag::VisitCancelled),
    }
}

/// Longest reason a volunteer gives for declining a visit.
pub const MAX_DECLINE_REASON_CHARS: usize = 500;

/// Whether a push set aside for `reason` may be brought into the record by an ambassador: only
/// a removed phone's (the others are about someone unknown or never given, or were refused).
pub fn releasable(reason: &str) -> bool {
    reason == "device_revoked"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Outcome, VisitId};
    use rstest::rstest;

    const ME: VolunteerId = VolunteerId(1);
    const OTHER: VolunteerId = VolunteerId(2);
    const RES: ResidentId = ResidentId(10);

    fn today() -> Date {
        Date::from_ymd(2026, 12, 2).unwrap()
    }

    #[rstest]
    #[case::one_day(0, 0, true)]
    #[case::a_week(0, 6, true)]
    #[case::long_past(-400, -390, true)]
    #[case::reversed(3, 1, false)]
    fn an_absence_is_taken_back_unless_its_days_are_reversed(#[case] first: i32, #[case] last: i32, #[case] ok: bool) {
        let refused = cancel_absence(today().add_days(first), today().add_days(last));
        assert_eq!(refused.is_none(), ok, "{refused:?}");
        if !ok {
            assert_eq!(refused.as_deref(), Some("absence_dates"));
        }
    }

    fn input(visit: Option<i64>, day_offset: i32) -> ReportInput {
        ReportInput {
            visit: visit.map(VisitId),
            resident: RES,
            day: today().add_days(day_offset),
            outcome: Outcome::Done,
            duration_minutes: Some(45),
            mood: None,
            concerns: vec![],
            note: String::new(),
            proposed_next: None,
        }
    }

    fn known(volunteer: Option<VolunteerId>) -> ResidentFacts {
        ResidentFacts { volunteer, follow_up_start: today().add_days(-100), known_to_caller: true }
    }

    fn visit_of(volunteer: VolunteerId, cancelled: bool) -> VisitFacts {
        VisitFacts { volunteer, resident: RES, cancelled }
    }

    fn record(flag: Option<Flag>, visit: Option<i64>, completes_visit: bool) -> ReportDecision {
        ReportDecision::Record { flag, visit: visit.map(VisitId), completes_visit }
    }

    #[rstest]
    #[case::my_planned_visit(
        input(Some(5), 0),
        Some(known(Some(ME))),
        Some(visit_of(ME, false)),
        record(None, Some(5), true)
    )]
    #[case::visit_cancelled_meanwhile(
        input(Some(5), 0),
        Some(known(Some(ME))),
        Some(visit_of(ME, true)),
        record(Some(Flag::VisitCancelled), Some(5), false)
    )]
    #[case::visit_given_to_another(
        input(Some(5), 0),
        Some(known(Some(ME))),
        Some(visit_of(OTHER, false)),
        record(Some(Flag::VisitReassigned), Some(5), false)
    )]
    #[case::visit_of_someone_else(input(Some(5), 0), Some(known(Some(ME))), Some(VisitFacts { volunteer: ME, resident: ResidentId(11), cancelled: false }), record(Some(Flag::NotAssigned), None, false))]
    #[case::visit_gone(input(Some(5), 0), Some(known(Some(ME))), None, record(Some(Flag::NotAssigned), None, false))]
    #[case::unplanned_my_resident(input(None, 0), Some(known(Some(ME))), None, record(None, None, false))]
    #[case::unplanned_no_longer_mine(
        input(None, 0),
        Some(known(Some(OTHER))),
        None,
        record(Some(Flag::NotAssigned), None, false)
    )]
    #[case::unknown_resident(input(None, 0), None, None, ReportDecision::SetAside("unknown_resident"))]
    #[case::never_given(input(None, 0), Some(ResidentFacts { known_to_caller: false, ..known(Some(OTHER)) }), None, ReportDecision::SetAside("not_assigned"))]
    #[case::invalid_before_anything(ReportInput { duration_minutes: Some(0), ..input(None, 0) }, None, None, ReportDecision::Refuse("duration".into()))]
    #[case::dated_far_in_the_future(input(None, 30), Some(known(Some(ME))), None, ReportDecision::Refuse("day_in_future".into()))]
    #[case::before_the_follow_up(input(None, -101), Some(known(Some(ME))), None, ReportDecision::Refuse("day_too_early".into()))]
    fn a_report_is_decided_by_the_facts(
        #[case] r: ReportInput,
        #[case] resident: Option<ResidentFacts>,
        #[case] visit: Option<VisitFacts>,
        #[case] expected: ReportDecision,
    ) {
        assert_eq!(report(ME, &r, resident.as_ref(), visit.as_ref(), today()), expected);
    }

    #[rstest]
    #[case::revoked_volunteer(true, Some(ME), Gate::SetAside("device_revoked"))]
    #[case::revoked_without_record(true, None, Gate::SetAside("device_revoked"))]
    #[case::not_a_volunteer(false, None, Gate::Refuse("not_a_volunteer"))]
    #[case::volunteer(false, Some(ME), Gate::Apply(ME))]
    fn who_may_push(#[case] revoked: bool, #[case] volunteer: Option<VolunteerId>, #[case] expected: Gate) {
        assert_eq!(gate(revoked, volunteer), expected);
    }

    #[rstest]
    #[case::mine("Malade", Some(ME), DeclineDecision::Record)]
    #[case::given_to_another("Malade", Some(OTHER), DeclineDecision::Acknowledge(Flag::VisitReassigned))]
    #[case::gone("Malade", None, DeclineDecision::Acknowledge(Flag::VisitCancelled))]
    #[case::too_long(&"x".repeat(501), Some(ME), DeclineDecision::Refuse("reason_too_long"))]
    #[case::control_characters("a\u{0007}b", Some(ME), DeclineDecision::Refuse("reason_characters"))]
    fn a_declined_visit(#[case] reason: &str, #[case] owner: Option<VolunteerId>, #[case] expected: DeclineDecision) {
        assert_eq!(decline(ME, reason, owner), expected);
    }

    #[rstest]
    #[case::applied(AckStatus::Applied { flag: None }, AckStatus::AlreadyApplied { flag: None })]
    #[case::applied_flagged(AckStatus::Applied { flag: Some(Flag::VisitCancelled) }, AckStatus::AlreadyApplied { flag: Some(Flag::VisitCancelled) })]
    #[case::quarantined(AckStatus::Quarantined, AckStatus::Quarantined)]
    #[case::rejected(AckStatus::Rejected { reason: "duration".into() }, AckStatus::Rejected { reason: "duration".into() })]
    fn a_resend_gets_the_first_answer(#[case] first: AckStatus, #[case] expected: AckStatus) {
        assert_eq!(resend(first), expected);
    }

    #[rstest]
    #[case::next_week(7, 9, None)]
    #[case::reversed(9, 7, Some("absence_dates"))]
    fn an_absence(#[case] first: i32, #[case] last: i32, #[case] refused: Option<&str>) {
        assert_eq!(absence(today().add_days(first), today().add_days(last), today()).as_deref(), refused);
    }

    #[rstest]
    #[case::removed_phone("device_revoked", true)]
    #[case::unknown("unknown_resident", false)]
    #[case::never_given("not_assigned", false)]
    #[case::refused("refused:duration", false)]
    fn what_an_ambassador_may_release(#[case] reason: &str, #[case] expected: bool) {
        assert_eq!(releasable(reason), expected);
    }
}
