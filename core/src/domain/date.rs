//! Calendar days and times of day, without a date library.
//!
//! A [`Date`] is a civil day (no time zone: visits are planned and reported in local days),
//! stored as days since 1970-01-01 so arithmetic is exact and the type is tiny on the phone.
//! A [`Minute`] is a time of day in minutes since midnight. [`Timestamp`] is an instant in
//! milliseconds since the Unix epoch, used for clocks (phone clock, server receipt time).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A civil day, days since 1970-01-01 (proleptic Gregorian calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Day of the week, Monday first (ISO 8601, as French calendars show it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday .. 6 for Sunday.
    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn from_index(i: u8) -> Option<Weekday> {
        Weekday::ALL.get(usize::from(i)).copied()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD")]
    Format,
    #[error("no such day in the calendar")]
    OutOfRange,
    #[error("expected a time of day as HH:MM")]
    TimeFormat,
}

impl Date {
    /// The first day a date can be: 1000-01-01 (what [`Date::parse`] and [`Date::from_ymd`] accept).
    pub const MIN: Date = Date(-354_285);
    /// The last day a date can be: 9999-12-31. Arithmetic saturates between the two, so every
    /// date prints as `YYYY-MM-DD` and parses back (one far-future report once made a due date
    /// of "10000-01-…" that no phone could read).
    pub const MAX: Date = Date(2_932_896);

    /// Days since 1970-01-01, held between [`Date::MIN`] and [`Date::MAX`].
    pub const fn from_days(days: i32) -> Date {
        if days < Date::MIN.0 {
            Date::MIN
        } else if days > Date::MAX.0 {
            Date::MAX
        } else {
            Date(days)
        }
    }

    pub const fn days(self) -> i32 {
        self.0
    }

    /// Builds a date from year, month (1-12) and day (1-31), checking it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::OutOfRange);
        }
        if !(1000..=9999).contains(&year) {
            return Err(DateError::OutOfRange);
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// `days` later (earlier if negative), saturating at [`Date::MIN`] and [`Date::MAX`].
    pub fn add_days(self, days: i32) -> Date {
        Date::from_days(self.0.saturating_add(days))
    }

    /// Signed number of days from `earlier` to `self`.
    pub fn days_since(self, earlier: Date) -> i32 {
        self.0 - earlier.0
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        let i = (self.0 + 3).rem_euclid(7);
        Weekday::ALL[i as usize]
    }

    /// The Monday of this date's ISO week: rounds are planned per week starting on Monday.
    pub fn week_start(self) -> Date {
        self.add_days(-i32::from(self.weekday().index()))
    }

    /// The civil day (UTC) of an instant.
    pub fn from_timestamp(t: Timestamp) -> Date {
        Date::from_days(t.0.div_euclid(86_400_000).clamp(i64::from(Date::MIN.0), i64::from(Date::MAX.0)) as i32)
    }

    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(DateError::Format);
            }
            part.parse().map_err(|_| DateError::Format)
        };
        let year = num(0..4)? as i32;
        Date::from_ymd(year, num(5..7)?, num(8..10)?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil calendar algorithms (public domain), exact for all i32 day counts used here.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A time of day in minutes since midnight (0..1440).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minute(u16);

impl Minute {
    pub const MIDNIGHT: Minute = Minute(0);
    pub const END_OF_DAY: Minute = Minute(24 * 60);

    pub fn new(minutes: u16) -> Option<Minute> {
        (minutes <= 24 * 60).then_some(Minute(minutes))
    }

    pub fn hm(hours: u16, minutes: u16) -> Option<Minute> {
        (minutes < 60).then(|| Minute::new(hours * 60 + minutes)).flatten()
    }

    pub fn get(self) -> u16 {
        self.0
    }

    pub fn parse(s: &str) -> Result<Minute, DateError> {
        let (h, m) = s.split_once(':').ok_or(DateError::TimeFormat)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(DateError::TimeFormat);
        }
        let h: u16 = h.parse().map_err(|_| DateError::TimeFormat)?;
        let m: u16 = m.parse().map_err(|_| DateError::TimeFormat)?;
        Minute::hm(h, m).ok_or(DateError::TimeFormat)
    }
}

impl fmt::Display for Minute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Minute {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Minute {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Minute::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An instant, milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Day and time of day in metropolitan France (CET, CEST from the last Sunday of March
    /// to the last Sunday of October, switching at 01:00 UTC): the same on server and phone.
    pub fn paris_local(self) -> (Date, Minute) {
        let utc_day = Date::from_timestamp(self);
        let (year, _, _) = utc_day.ymd();
        let last_sunday = |month: u32| {
            let d = Date::from_ymd(year, month, 31).unwrap_or(Date(0));
            d.add_days(-i32::from((d.weekday().index() + 1) % 7))
        };
        let switch = |d: Date| i64::from(d.days()) * 86_400_000 + 3_600_000;
        let summer = self.0 >= switch(last_sunday(3)) && self.0 < switch(last_sunday(10));
        let local = self.0 + if summer { 7_200_000 } else { 3_600_000 };
        let day = Date::from_timestamp(Timestamp(local));
        let minute = Minute((local.rem_euclid(86_400_000) / 60_000) as u16);
        (day, minute)
    }

    /// `2026-11-29 14:05` in Paris time.
    pub fn paris_text(self) -> String {
        let (d, m) = self.paris_local();
        format!("{d} {m}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_at_the_printable_range() {
        assert_eq!(Date::MIN.to_string(), "1000-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
        assert_eq!(Date::MAX.add_days(7), Date::MAX);
        assert_eq!(Date::MIN.add_days(-7), Date::MIN);
        assert_eq!(Date::MAX.add_days(i32::MAX), Date::MAX);
        assert_eq!(Date::from_days(i32::MIN), Date::MIN);
        assert_eq!(Date::from_timestamp(Timestamp(i64::MAX)), Date::MAX);
        for d in [Date::MIN, Date::MAX, Date::MAX.add_days(-1), Date::from_days(0)] {
            assert_eq!(Date::parse(&d.to_string()), Ok(d));
        }
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days(), 0);
        let d = Date::from_ymd(2026, 11, 29).unwrap();
        assert_eq!(d.to_string(), "2026-11-29");
        assert_eq!(d.weekday(), Weekday::Sunday);
        assert_eq!(d.week_start().to_string(), "2026-11-23");
        assert_eq!(Date::from_ymd(2024, 2, 29).unwrap().add_days(1).to_string(), "2024-03-01");
        assert_eq!(Date::from_ymd(1969, 12, 31).unwrap().days(), -1);
    }

    #[test]
    fn round_trip_every_day_of_four_centuries() {
        let start = Date::from_ymd(1900, 1, 1).unwrap().days();
        let end = Date::from_ymd(2300, 12, 31).unwrap().days();
        for z in start..=end {
            let d = Date::from_days(z);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd).unwrap(), d);
            assert_eq!(Date::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in ["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-1", "20261101", "2026-11-3a", "", "+026-11-01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_ok());
    }

    #[test]
    fn minutes() {
        assert_eq!(Minute::parse("09:30").unwrap().get(), 570);
        assert_eq!(Minute::parse("9:05").unwrap().to_string(), "09:05");
        assert_eq!(Minute::parse("24:00").unwrap(), Minute::END_OF_DAY);
        for bad in ["24:01", "12:60", "12", "ab:cd", "12:5"] {
            assert!(Minute::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paris_time_follows_daylight_saving() {
        let at = |s: &str, h: i64, m: i64| {
            Timestamp(i64::from(Date::parse(s).unwrap().days()) * 86_400_000 + (h * 60 + m) * 60_000)
        };
        assert_eq!(at("2026-01-15", 12, 0).paris_text(), "2026-01-15 13:00");
        assert_eq!(at("2026-07-15", 12, 0).paris_text(), "2026-07-15 14:00");
        // 2026: summer time from Sunday 29 March 01:00 UTC to Sunday 25 October 01:00 UTC.
        assert_eq!(at("2026-03-29", 0, 59).paris_text(), "2026-03-29 01:59");
        assert_eq!(at("2026-03-29", 1, 0).paris_text(), "2026-03-29 03:00");
        assert_eq!(at("2026-10-25", 0, 59).paris_text(), "2026-10-25 02:59");
        assert_eq!(at("2026-10-25", 1, 0).paris_text(), "2026-10-25 02:00");
        assert_eq!(at("2026-12-31", 23, 30).paris_text(), "2027-01-01 00:30");
    }

    #[test]
    fn serde_as_iso_text() {
        let d = Date::from_ymd(2027, 1, 4).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2027-01-04\"");
        assert_eq!(serde_json::from_str::<Date>("\"2027-01-04\"").unwrap(), d);
        assert!(serde_json::from_str::<Date>("\"2027-02-30\"").is_err());
    }
}
