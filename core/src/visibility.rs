//! Which records a volunteer's phone may hold: the rule every backend's pull executes (the
//! SQL backend as SQL conditions, `store-sql/src/sync.rs`, held to this rule by the story
//! suite). Anything else reaches the phone as a removal.
//!
//! - nothing at all while the volunteer is inactive (paused or gone: the phone drops what it
//!   held at its next sync);
//! - a resident: while followed (not ended), if they are the volunteer's, or one of the
//!   volunteer's published, not cancelled visits to them lies in the visit window;
//! - a visit: the volunteer's, published, not cancelled, in the visit window;
//! - a report: the volunteer's, in the report window.

use crate::domain::{Date, VolunteerId};

/// Visits from this many days ago stay on the phone (the week just done, for late reports).
pub const VISIT_WINDOW_DAYS: i32 = 7;
/// Reports from this many days ago stay on the phone (the volunteer's recent history).
pub const REPORT_WINDOW_DAYS: i32 = 90;

/// The first day of the visit window and of the report window, on `today`.
pub fn windows(today: Date) -> (Date, Date) {
    (today.add_days(-VISIT_WINDOW_DAYS), today.add_days(-REPORT_WINDOW_DAYS))
}

/// The volunteer whose phone pulls: who they are, and whether they are active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holder {
    pub volunteer: VolunteerId,
    pub active: bool,
}

/// What the rule reads of a resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentFacts {
    pub follow_up_ended: bool,
    pub usual_volunteer: Option<VolunteerId>,
    /// One of the volunteer's visits to them is visible ([`visit`]).
    pub has_visible_visit: bool,
}

pub fn resident(me: Holder, r: &ResidentFacts) -> bool {
    me.active && !r.follow_up_ended && (r.usual_volunteer == Some(me.volunteer) || r.has_visible_visit)
}

/// What the rule reads of a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitFacts {
    pub volunteer: VolunteerId,
    pub day: Date,
    pub cancelled: bool,
    pub round_published: bool,
}

pub fn visit(me: Holder, v: &VisitFacts, today: Date) -> bool {
    me.active && v.volunteer == me.volunteer && v.round_published && !v.cancelled && v.day >= windows(today).0
}

/// A report by `author` on `day`.
pub fn report(me: Holder, author: VolunteerId, day: Date, today: Date) -> bool {
    me.active && author == me.volunteer && day >= windows(today).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const ME: Holder = Holder { volunteer: VolunteerId(1), active: true };
    const INACTIVE: Holder = Holder { volunteer: VolunteerId(1), active: false };
    const OTHER: VolunteerId = VolunteerId(2);

    fn today() -> Date {
        Date::from_ymd(2026, 12, 2).unwrap()
    }

    #[rstest]
    #[case::mine(false, Some(ME.volunteer), false, true)]
    #[case::mine_but_ended(true, Some(ME.volunteer), true, false)]
    #[case::anothers_with_my_visit(false, Some(OTHER), true, true)]
    #[case::anothers(false, Some(OTHER), false, false)]
    #[case::nobodys_with_my_visit(false, None, true, true)]
    #[case::nobodys(false, None, false, false)]
    fn a_resident(#[case] ended: bool, #[case] usual: Option<VolunteerId>, #[case] visit: bool, #[case] seen: bool) {
        let facts = ResidentFacts { follow_up_ended: ended, usual_volunteer: usual, has_visible_visit: visit };
        assert_eq!(resident(ME, &facts), seen);
        assert!(!resident(INACTIVE, &facts), "an inactive volunteer's phone holds nobody");
    }

    #[rstest]
    #[case::this_week(ME.volunteer, 0, false, true, true)]
    #[case::last_day_of_the_window(ME.volunteer, -7, false, true, true)]
    #[case::too_old(ME.volunteer, -8, false, true, false)]
    #[case::cancelled(ME.volunteer, 0, true, true, false)]
    #[case::draft_round(ME.volunteer, 0, false, false, false)]
    #[case::anothers(OTHER, 0, false, true, false)]
    fn a_visit(
        #[case] of: VolunteerId,
        #[case] offset: i32,
        #[case] cancelled: bool,
        #[case] published: bool,
        #[case] seen: bool,
    ) {
        let facts = VisitFacts { volunteer: of, day: today().add_days(offset), cancelled, round_published: published };
        assert_eq!(visit(ME, &facts, today()), seen);
        assert!(!visit(INACTIVE, &facts, today()));
    }

    #[rstest]
    #[case::recent(ME.volunteer, -90, true)]
    #[case::too_old(ME.volunteer, -91, false)]
    #[case::anothers(OTHER, 0, false)]
    fn a_report(#[case] author: VolunteerId, #[case] offset: i32, #[case] seen: bool) {
        assert_eq!(report(ME, author, today().add_days(offset), today()), seen);
        assert!(!report(INACTIVE, author, today().add_days(offset), today()));
    }
}
