//! The shared rules of DESIGN.md: rhythm, due dates, tolerance, on time, overdue, priority.
//!
//! One definition used by every part (the phone's badges, the planner, the coverage
//! indicators). Vocabulary:
//! - *interval*: days between two visits for a rhythm (weekly 7, two-weekly 14, monthly 28);
//! - *due date*: the last **done** visit + interval, or the start of the follow-up if none;
//! - *tolerance*: days either side of the due date within which a visit is *on time*
//!   (2, 3 and 7 days);
//! - *overdue*: today is past due + tolerance. Only the outcome "done" resets the clock.

use super::date::Date;
use serde::{Deserialize, Serialize};

/// How often a resident wants to be visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rhythm {
    Weekly,
    TwoWeekly,
    Monthly,
}

impl Rhythm {
    pub const ALL: [Rhythm; 3] = [Rhythm::Weekly, Rhythm::TwoWeekly, Rhythm::Monthly];

    pub const fn interval_days(self) -> i32 {
        match self {
            Rhythm::Weekly => 7,
            Rhythm::TwoWeekly => 14,
            Rhythm::Monthly => 28,
        }
    }

    pub const fn tolerance_days(self) -> i32 {
        match self {
            Rhythm::Weekly => 2,
            Rhythm::TwoWeekly => 3,
            Rhythm::Monthly => 7,
        }
    }

    /// Stable text code used in storage and on the wire.
    pub const fn code(self) -> &'static str {
        match self {
            Rhythm::Weekly => "weekly",
            Rhythm::TwoWeekly => "two_weekly",
            Rhythm::Monthly => "monthly",
        }
    }

    pub fn from_code(code: &str) -> Option<Rhythm> {
        Rhythm::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Share of a weekly visit slot this rhythm uses on average (weekly = 1).
    pub fn weekly_load(self) -> f64 {
        7.0 / f64::from(self.interval_days())
    }
}

/// The next due date: last done visit + interval, else the start of the follow-up.
pub fn next_due(rhythm: Rhythm, follow_up_start: Date, last_done: Option<Date>) -> Date {
    match last_done {
        Some(done) => done.add_days(rhythm.interval_days()),
        None => follow_up_start,
    }
}

/// Where a visit done on `done_on` falls relative to its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    Early,
    OnTime,
    Late,
}

/// A visit done within due ± tolerance is on time.
pub fn timeliness(rhythm: Rhythm, due: Date, done_on: Date) -> Timeliness {
    let offset = done_on.days_since(due);
    let tol = rhythm.tolerance_days();
    if offset < -tol {
        Timeliness::Early
    } else if offset > tol {
        Timeliness::Late
    } else {
        Timeliness::OnTime
    }
}

/// A resident is overdue once today is past due + tolerance.
pub fn is_overdue(rhythm: Rhythm, due: Date, today: Date) -> bool {
    today.days_since(due) > rhythm.tolerance_days()
}

/// What a badge on the phone or a row in the coverage view says about a resident today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    /// Before the tolerance window opens.
    NotYetDue { days_until_due: i32 },
    /// Inside due ± tolerance: a visit now is on time.
    Due { days_from_due: i32 },
    /// Past due + tolerance; `days_late` counts from the due date itself.
    Overdue { days_late: i32 },
}

pub fn due_state(rhythm: Rhythm, due: Date, today: Date) -> DueState {
    let offset = today.days_since(due);
    let tol = rhythm.tolerance_days();
    if offset < -tol {
        DueState::NotYetDue { days_until_due: -offset }
    } else if offset > tol {
        DueState::Overdue { days_late: offset }
    } else {
        DueState::Due { days_from_due: offset }
    }
}

/// How isolated a resident is, recorded at referral: 1 (some contacts) .. 3 (no one else visits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct IsolationLevel(u8);

impl IsolationLevel {
    pub const LOW: IsolationLevel = IsolationLevel(1);
    pub const MEDIUM: IsolationLevel = IsolationLevel(2);
    pub const HIGH: IsolationLevel = IsolationLevel(3);

    pub fn new(level: u8) -> Option<IsolationLevel> {
        (1..=3).contains(&level).then_some(IsolationLevel(level))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for IsolationLevel {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        IsolationLevel::new(v).ok_or_else(|| format!("isolation level must be 1, 2 or 3, got {v}"))
    }
}

impl From<IsolationLevel> for u8 {
    fn from(l: IsolationLevel) -> u8 {
        l.0
    }
}

/// The planner's priority (1..=100, the benchmark's scale) for visiting a resident on `day`.
///
/// Isolation gives the base (level 1: 20, 2: 45, 3: 70); lateness adds up to 30 points,
/// growing linearly from the due date to one full interval late. A visit not yet due
/// within the planned week still has its base priority, so isolated people come first.
pub fn planning_priority(isolation: IsolationLevel, rhythm: Rhythm, due: Date, day: Date) -> u8 {
    let base: i32 = match isolation.get() {
        1 => 20,
        2 => 45,
        _ => 70,
    };
    let late = day.days_since(due).clamp(0, rhythm.interval_days());
    let lateness = 30 * late / rhythm.interval_days();
    (base + lateness).clamp(1, 100) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn due_date_from_last_done_or_start() {
        let start = d("2026-09-01");
        assert_eq!(next_due(Rhythm::Weekly, start, None), start);
        assert_eq!(next_due(Rhythm::Weekly, start, Some(d("2026-11-02"))), d("2026-11-09"));
        assert_eq!(next_due(Rhythm::TwoWeekly, start, Some(d("2026-11-02"))), d("2026-11-16"));
        assert_eq!(next_due(Rhythm::Monthly, start, Some(d("2026-11-02"))), d("2026-11-30"));
    }

    /// The edges of each tolerance window: a visit this many days from the due date.
    #[rstest]
    #[case::weekly_too_early(Rhythm::Weekly, -3, Timeliness::Early)]
    #[case::weekly_earliest_on_time(Rhythm::Weekly, -2, Timeliness::OnTime)]
    #[case::weekly_on_the_day(Rhythm::Weekly, 0, Timeliness::OnTime)]
    #[case::weekly_latest_on_time(Rhythm::Weekly, 2, Timeliness::OnTime)]
    #[case::weekly_late(Rhythm::Weekly, 3, Timeliness::Late)]
    #[case::two_weekly_too_early(Rhythm::TwoWeekly, -4, Timeliness::Early)]
    #[case::two_weekly_earliest_on_time(Rhythm::TwoWeekly, -3, Timeliness::OnTime)]
    #[case::two_weekly_latest_on_time(Rhythm::TwoWeekly, 3, Timeliness::OnTime)]
    #[case::two_weekly_late(Rhythm::TwoWeekly, 4, Timeliness::Late)]
    #[case::monthly_too_early(Rhythm::Monthly, -8, Timeliness::Early)]
    #[case::monthly_earliest_on_time(Rhythm::Monthly, -7, Timeliness::OnTime)]
    #[case::monthly_latest_on_time(Rhythm::Monthly, 7, Timeliness::OnTime)]
    #[case::monthly_late(Rhythm::Monthly, 8, Timeliness::Late)]
    fn timeliness_edges(#[case] rhythm: Rhythm, #[case] offset: i32, #[case] expected: Timeliness) {
        let due = d("2026-11-16");
        assert_eq!(timeliness(rhythm, due, due.add_days(offset)), expected);
    }

    #[test]
    fn overdue_starts_after_tolerance() {
        let due = d("2026-11-16");
        for rhythm in Rhythm::ALL {
            let tol = rhythm.tolerance_days();
            assert!(!is_overdue(rhythm, due, due.add_days(tol)), "{rhythm:?}");
            assert!(is_overdue(rhythm, due, due.add_days(tol + 1)), "{rhythm:?}");
            assert_eq!(due_state(rhythm, due, due.add_days(tol + 1)), DueState::Overdue { days_late: tol + 1 });
            assert_eq!(due_state(rhythm, due, due.add_days(-tol)), DueState::Due { days_from_due: -tol });
            assert_eq!(due_state(rhythm, due, due.add_days(-tol - 1)), DueState::NotYetDue { days_until_due: tol + 1 });
        }
    }

    #[test]
    fn priority_grows_with_isolation_and_lateness_and_stays_in_range() {
        let due = d("2026-11-16");
        let p = |iso: u8, rhythm, day_offset| {
            planning_priority(IsolationLevel::new(iso).unwrap(), rhythm, due, due.add_days(day_offset))
        };
        assert!(p(3, Rhythm::Weekly, 0) > p(2, Rhythm::Weekly, 0));
        assert!(p(2, Rhythm::Weekly, 0) > p(1, Rhythm::Weekly, 0));
        assert!(p(1, Rhythm::Weekly, 5) > p(1, Rhythm::Weekly, 0));
        assert_eq!(p(1, Rhythm::Weekly, -10), p(1, Rhythm::Weekly, 0));
        for iso in 1..=3 {
            for rhythm in Rhythm::ALL {
                for off in -60..200 {
                    let v = p(iso, rhythm, off);
                    assert!((1..=100).contains(&v));
                }
            }
        }
        assert_eq!(p(3, Rhythm::Monthly, 400), 100);
    }

    #[test]
    fn isolation_level_validated() {
        assert!(IsolationLevel::new(0).is_none());
        assert!(IsolationLevel::new(4).is_none());
        assert!(serde_json::from_str::<IsolationLevel>("4").is_err());
        assert_eq!(serde_json::from_str::<IsolationLevel>("2").unwrap(), IsolationLevel::MEDIUM);
    }
}
