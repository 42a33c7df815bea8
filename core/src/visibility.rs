//! Which records a volunteer's phone may hold: the rule every backend's pull executes (the
//! SQLite backend as SQL conditions, `store-sqlite/src/sync.rs`, held to this rule by the story
//! suite). Anything else reaches the phone as a removal.
//!
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

/// What the rule reads of a resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResidentFacts {
    pub follow_up_ended: bool,
    pub usual_volunteer: Option<VolunteerId>,
    /// One of the volunteer's visits to them is visible ([`visit`]).
    pub has_visible_visit: bool,
}

pub fn resident(volunteer: VolunteerId, r: &ResidentFacts) -> bool {
    !r.follow_up_ended && (r.usual_volunteer == Some(volunteer) || r.has_visible_visit)
}

/// What the rule reads of a visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitFacts {
    pub volunteer: VolunteerId,
    pub day: Date,
    pub cancelled: bool,
    pub round_published: bool,
}

pub fn visit(volunteer: VolunteerId, v: &VisitFacts, today: Date) -> bool {
    v.volunteer == volunteer && v.round_published && !v.cancelled && v.day >= windows(today).0
}

/// A report by `author` on `day`.
pub fn report(volunteer: VolunteerId, author: VolunteerId, day: Date, today: Date) -> bool {
    author == volunteer && day >= windows(today).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const ME: VolunteerId = VolunteerId(1);
    const OTHER: VolunteerId = VolunteerId(2);

    fn today() -> Date {
        Date::from_ymd(2026, 12, 2).unwrap()
    }

    #[rstest]
    #[case::mine(false, Some(ME), false, true)]
    #[case::mine_but_ended(true, Some(ME), true, false)]
    #[case::anothers_with_my_visit(false, Some(OTHER), true, true)]
    #[case::anothers(false, Some(OTHER), false, false)]
    #[case::nobodys_with_my_visit(false, None, true, true)]
    #[case::nobodys(false, None, false, false)]
    fn a_resident(#[case] ended: bool, #[case] usual: Option<VolunteerId>, #[case] visit: bool, #[case] seen: bool) {
        let facts = ResidentFacts { follow_up_ended: ended, usual_volunteer: usual, has_visible_visit: visit };
        assert_eq!(resident(ME, &facts), seen);
    }

    #[rstest]
    #[case::this_week(ME, 0, false, true, true)]
    #[case::last_day_of_the_window(ME, -7, false, true, true)]
    #[case::too_old(ME, -8, false, true, false)]
    #[case::cancelled(ME, 0, true, true, false)]
    #[case::draft_round(ME, 0, false, false, false)]
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
    }

    #[rstest]
    #[case::recent(ME, -90, true)]
    #[case::too_old(ME, -91, false)]
    #[case::anothers(OTHER, 0, false)]
    fn a_report(#[case] author: VolunteerId, #[case] offset: i32, #[case] seen: bool) {
        assert_eq!(report(ME, author, today().add_days(offset), today()), seen);
    }
}
