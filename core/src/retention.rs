//! What the daily purge may erase: the rule every backend's purge executes (the SQL
//! backend as one query, `store-sql/src/privacy.rs`, held to it by the story suite).
//!
//! A resident's personal data is purged when their follow-up has ended (or consent was
//! withdrawn), their last contact — the latest of the end of the follow-up, the consent and
//! their last report — is older than the cutoff, and nothing about them waits for an
//! ambassador's review (a flagged report, a push set aside): what someone must still look at
//! is never erased under them. A purged record is not purged again.

use crate::domain::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurgeFacts {
    pub purged: bool,
    pub follow_up_ended: bool,
    /// The day the follow-up's state last changed (its end, for an ended one).
    pub status_since: Date,
    pub consent_on: Date,
    pub last_report: Option<Date>,
    /// A flagged report or a set-aside push about them is not reviewed yet.
    pub awaiting_review: bool,
}

/// The last contact: the latest of the follow-up's end, the consent and the last report.
pub fn last_contact(f: &PurgeFacts) -> Date {
    f.status_since.max(f.consent_on).max(f.last_report.unwrap_or(Date::MIN))
}

pub fn purgeable(f: &PurgeFacts, cutoff: Date) -> bool {
    !f.purged && f.follow_up_ended && last_contact(f) < cutoff && !f.awaiting_review
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn day(offset: i32) -> Date {
        Date::from_ymd(2026, 12, 2).unwrap().add_days(offset)
    }

    fn ended_long_ago() -> PurgeFacts {
        PurgeFacts {
            purged: false,
            follow_up_ended: true,
            status_since: day(-800),
            consent_on: day(-1200),
            last_report: Some(day(-900)),
            awaiting_review: false,
        }
    }

    #[rstest]
    #[case::ended_long_ago(ended_long_ago(), true)]
    #[case::still_followed(PurgeFacts { follow_up_ended: false, ..ended_long_ago() }, false)]
    #[case::already_purged(PurgeFacts { purged: true, ..ended_long_ago() }, false)]
    #[case::recent_report(PurgeFacts { last_report: Some(day(-10)), ..ended_long_ago() }, false)]
    #[case::ended_recently(PurgeFacts { status_since: day(-10), ..ended_long_ago() }, false)]
    #[case::consent_recent(PurgeFacts { consent_on: day(-10), ..ended_long_ago() }, false)]
    #[case::never_visited(PurgeFacts { last_report: None, ..ended_long_ago() }, true)]
    #[case::awaiting_review(PurgeFacts { awaiting_review: true, ..ended_long_ago() }, false)]
    fn who_the_purge_takes(#[case] facts: PurgeFacts, #[case] purged: bool) {
        assert_eq!(purgeable(&facts, day(-730)), purged);
    }

    #[test]
    fn the_cutoff_day_itself_is_kept() {
        let f = PurgeFacts { status_since: day(-730), consent_on: day(-730), last_report: None, ..ended_long_ago() };
        assert!(!purgeable(&f, day(-730)));
        assert!(purgeable(&f, day(-729)));
    }
}
