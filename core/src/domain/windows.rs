//! Which dates a person may enter, one rule for the phones and the forms: each kind of date has
//! a window around the server's today (a phone's clock is never trusted for it). A date outside
//! is refused with a reason and changes nothing. One far-future report once moved a resident's
//! due date past year 9999, and every phone holding that resident failed its sync.

use super::date::Date;

/// How far back a visit may be reported: a phone can stay offline for weeks, and its sealed
/// outbox is still delivered after a wipe, but not a year later.
pub const REPORT_PAST_DAYS: i32 = 366;
/// A visit that happened is at most tomorrow for the server (a phone a few hours ahead, or
/// across midnight in another time zone).
pub const REPORT_FUTURE_DAYS: i32 = 1;
/// A proposed next visit lies within a year of the visit.
pub const PROPOSED_NEXT_DAYS: i32 = 366;
/// An absence lasts at most a year, ends at most a month ago and starts within a year.
pub const ABSENCE_MAX_DAYS: i32 = 366;
pub const ABSENCE_PAST_DAYS: i32 = 31;
pub const ABSENCE_FUTURE_DAYS: i32 = 366;
/// Records kept for the programme (consent, follow-up start) reach back at most 20 years.
pub const RECORD_PAST_DAYS: i32 = 20 * 366;
/// A follow-up starts within a year.
pub const FOLLOW_UP_FUTURE_DAYS: i32 = 366;

/// Why a date was refused (also the code a phone shows and keeps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateRefusal {
    /// A visit reported after the server's tomorrow.
    VisitInFuture,
    /// A visit reported before the resident's follow-up started, or more than a year ago.
    VisitTooEarly,
    /// A proposed next date not after the visit, or more than a year after it.
    ProposedNext,
    /// An absence that ends before it starts, lasts over a year, or lies too far out.
    Absence,
    /// A consent after today or from too long ago.
    Consent,
    /// A follow-up start too far in the past or the future.
    FollowUpStart,
}

impl DateRefusal {
    pub const fn code(self) -> &'static str {
        match self {
            DateRefusal::VisitInFuture => "day_in_future",
            DateRefusal::VisitTooEarly => "day_too_early",
            DateRefusal::ProposedNext => "proposed_next",
            DateRefusal::Absence => "absence_dates",
            DateRefusal::Consent => "consent_date",
            DateRefusal::FollowUpStart => "follow_up_start",
        }
    }
}

fn within(day: Date, first: Date, last: Date) -> bool {
    first <= day && day <= last
}

/// The day of a reported visit and its proposed next date.
pub fn report(day: Date, proposed_next: Option<Date>, follow_up_start: Date, today: Date) -> Result<(), DateRefusal> {
    if day > today.add_days(REPORT_FUTURE_DAYS) {
        return Err(DateRefusal::VisitInFuture);
    }
    if day < follow_up_start || day < today.add_days(-REPORT_PAST_DAYS) {
        return Err(DateRefusal::VisitTooEarly);
    }
    if proposed_next.is_some_and(|next| !within(next, day.add_days(1), day.add_days(PROPOSED_NEXT_DAYS))) {
        return Err(DateRefusal::ProposedNext);
    }
    Ok(())
}

/// An absence from `first` to `last`, inclusive.
pub fn absence(first: Date, last: Date, today: Date) -> Result<(), DateRefusal> {
    let ok = first <= last
        && last.days_since(first) < ABSENCE_MAX_DAYS
        && last >= today.add_days(-ABSENCE_PAST_DAYS)
        && first <= today.add_days(ABSENCE_FUTURE_DAYS);
    if ok { Ok(()) } else { Err(DateRefusal::Absence) }
}

/// The day a consent was given.
pub fn consent(day: Date, today: Date) -> Result<(), DateRefusal> {
    if within(day, today.add_days(-RECORD_PAST_DAYS), today) { Ok(()) } else { Err(DateRefusal::Consent) }
}

/// The first day of a follow-up.
pub fn follow_up_start(day: Date, today: Date) -> Result<(), DateRefusal> {
    if within(day, today.add_days(-RECORD_PAST_DAYS), today.add_days(FOLLOW_UP_FUTURE_DAYS)) {
        Ok(())
    } else {
        Err(DateRefusal::FollowUpStart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const TODAY: &str = "2026-12-02";
    const START: &str = "2026-01-05";

    #[rstest]
    #[case::today(TODAY, None, Ok(()))]
    #[case::tomorrow_a_phone_ahead("2026-12-03", None, Ok(()))]
    #[case::the_day_after_tomorrow("2026-12-04", None, Err(DateRefusal::VisitInFuture))]
    #[case::far_future("9999-12-31", None, Err(DateRefusal::VisitInFuture))]
    #[case::next_year("2027-12-02", None, Err(DateRefusal::VisitInFuture))]
    #[case::the_follow_ups_first_day(START, None, Ok(()))]
    #[case::before_the_follow_up("2026-01-04", None, Err(DateRefusal::VisitTooEarly))]
    #[case::the_epoch("1970-01-01", None, Err(DateRefusal::VisitTooEarly))]
    #[case::the_first_printable_day("1000-01-01", None, Err(DateRefusal::VisitTooEarly))]
    #[case::next_in_a_week(TODAY, Some("2026-12-09"), Ok(()))]
    #[case::next_in_a_year(TODAY, Some("2027-12-03"), Ok(()))]
    #[case::next_the_same_day(TODAY, Some(TODAY), Err(DateRefusal::ProposedNext))]
    #[case::next_before(TODAY, Some("2026-11-30"), Err(DateRefusal::ProposedNext))]
    #[case::next_in_367_days(TODAY, Some("2027-12-04"), Err(DateRefusal::ProposedNext))]
    #[case::next_in_year_9999(TODAY, Some("9999-12-31"), Err(DateRefusal::ProposedNext))]
    fn reported_visits(#[case] day: &str, #[case] next: Option<&str>, #[case] expected: Result<(), DateRefusal>) {
        assert_eq!(report(d(day), next.map(d), d(START), d(TODAY)), expected);
    }

    #[rstest]
    #[case::more_than_a_year_late("2025-11-30", Err(DateRefusal::VisitTooEarly))]
    #[case::a_year_late("2025-12-01", Ok(()))]
    fn an_old_follow_up_still_refuses_reports_over_a_year_late(
        #[case] day: &str,
        #[case] expected: Result<(), DateRefusal>,
    ) {
        assert_eq!(report(d(day), None, d("2020-01-01"), d(TODAY)), expected);
    }

    #[rstest]
    #[case::next_week("2026-12-07", "2026-12-13", true)]
    #[case::one_day(TODAY, TODAY, true)]
    #[case::reversed("2026-12-13", "2026-12-07", false)]
    #[case::a_whole_year("2027-01-01", "2027-12-31", true)]
    #[case::over_a_year("2027-01-01", "2028-01-02", false)]
    #[case::ended_a_month_ago("2026-10-01", "2026-11-01", true)]
    #[case::ended_long_ago("2026-01-01", "2026-10-31", false)]
    #[case::starts_in_over_a_year("2027-12-04", "2027-12-05", false)]
    #[case::year_9999("9999-12-30", "9999-12-31", false)]
    fn absences(#[case] first: &str, #[case] last: &str, #[case] ok: bool) {
        assert_eq!(absence(d(first), d(last), d(TODAY)).is_ok(), ok);
    }

    #[test]
    fn records() {
        assert!(consent(d(TODAY), d(TODAY)).is_ok());
        assert!(consent(d("2010-01-01"), d(TODAY)).is_ok());
        assert_eq!(consent(d("2026-12-03"), d(TODAY)), Err(DateRefusal::Consent));
        assert_eq!(consent(d("1000-01-01"), d(TODAY)), Err(DateRefusal::Consent));
        assert!(follow_up_start(d("2027-06-01"), d(TODAY)).is_ok());
        assert_eq!(follow_up_start(d("9999-12-31"), d(TODAY)), Err(DateRefusal::FollowUpStart));
        assert_eq!(follow_up_start(d("1000-01-01"), d(TODAY)), Err(DateRefusal::FollowUpStart));
    }
}
