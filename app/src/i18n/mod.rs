//! The one translation mechanism: typed message keys ([`Msg`]), one exhaustive table per
//! language (a key missing from a language does not compile), French first, English second.
//!
//! The language of a page is chosen on the server (a `lang` cookie set by the switch, else the
//! browser's `Accept-Language`, else French) and written into `<html lang>`; the phone reads it
//! back from there when it hydrates, so both sides render the same words.

mod en;
mod fr;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub const fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The other language, for the switch.
    pub const fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// Picks the page language: an explicit choice (cookie) wins, then the first supported
    /// language of `Accept-Language` in order of preference, then French.
    pub fn negotiate(choice: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = choice.and_then(Lang::from_code) {
            return lang;
        }
        let Some(header) = accept_language else {
            return Lang::Fr;
        };
        let mut best: Option<(f32, usize, Lang)> = None;
        for (pos, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|v| v.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
            };
            if better {
                best = Some((q, pos, lang));
            }
        }
        best.map(|(_, _, l)| l).unwrap_or(Lang::Fr)
    }
}

macro_rules! messages {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Every piece of UI text. Add a key here, then to each language's table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($(#[$doc])* $name,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name,)*];
        }
    };
}

messages! {
    AppName,
    SkipToContent,
    NavTerritory,
    SwitchLanguage,
    SwitchLanguageLabel,
    TerritoryTitle,
    ColumnCommune,
    ColumnInsee,
    ColumnPopulation,
    ColumnArea,
    ColumnDensity,
    TotalRow,
    /// `{n}` communes.
    CommuneCount,
    Loading,
    LoadFailed,
    DeviceTitle,
    DeviceIntro,
    DeviceCheckButton,
    DeviceWaitingForApp,
    DeviceStorageOk,
    DeviceStorageFailed,
    /// `{n}` checks stored on this device.
    DeviceCheckCount,
    DeviceServerOk,
    DeviceServerUnreachable,
    DeviceReady,
    VersionLabel,
    NotFoundTitle,
    BackHome,
    NavHome,
    NavLogin,
    NavAccounts,
    NavJournal,
    NavSetup,
    NavImport,
    Logout,
    LoggedInAs,
    ErrNetwork,
    ErrNotLoggedIn,
    ErrDeviceRevoked,
    ErrAccountDisabled,
    ErrForbidden,
    ErrNotFound,
    ErrInvalidCredentials,
    ErrLinkInvalid,
    ErrTooManyAttempts,
    ErrRequired,
    ErrTooShort,
    ErrTooLong,
    ErrTaken,
    ErrMismatch,
    ErrFormat,
    ErrInvalid,
    ErrConflict,
    ErrUnavailable,
    FieldLogin,
    FieldPassword,
    FieldPasswordRepeat,
    FieldDisplayName,
    FieldPerson,
    FieldRole,
    FieldOther,
    LoginTitle,
    LoginIntro,
    LoginButton,
    LoginForgot,
    LoginRevoked,
    LoginLoggedOut,
    SessionExpired,
    EnrolTitle,
    EnrolWelcome,
    EnrolReset,
    EnrolButton,
    EnrolChecking,
    EnrolNoToken,
    HomeTitle,
    HomeHello,
    HomeVolunteer,
    HomeAmbassador,
    HomeCoordinator,
    HomeAdmin,
    RoleVolunteer,
    RoleAmbassador,
    RoleCoordinator,
    RoleAdmin,
    AccountsTitle,
    AccountsIntro,
    AccountsEmpty,
    ColLogin,
    ColName,
    ColRole,
    ColStatus,
    ColDevices,
    ColLastSeen,
    StatusActive,
    StatusDisabled,
    StatusNotEnrolled,
    CreateAccountTitle,
    CreateAccountButton,
    ChoosePerson,
    NoCandidates,
    LinkTitle,
    LinkIntro,
    QrLabel,
    AccountTitle,
    Disable,
    Enable,
    IssueLink,
    DevicesTitle,
    NoDevices,
    ColDevice,
    ColFirstSeen,
    ColLastSync,
    Revoke,
    RevokedOn,
    Never,
    BackToAccounts,
    JournalTitle,
    FilterActor,
    FilterKind,
    FilterSince,
    FilterUntil,
    FilterApply,
    FilterAll,
    ColWhen,
    ColWho,
    ColAction,
    ColObject,
    ColDetail,
    LoadMore,
    Working,
    NavRound,
    NavAbsences,
    NavMyPeople,
    NavVolunteer,
    RoundThisWeek,
    RoundNothingThisWeek,
    RoundLater,
    RoundOverdue,
    PeopleNone,
    ReportMore,
    RoundTitle,
    RoundIntro,
    RoundEmpty,
    RoundNotLoaded,
    NotLoggedInHere,
    Today,
    BadgeDue,
    BadgeOverdue,
    BadgeNotDue,
    BadgeReported,
    LastVisit,
    NoVisitYet,
    OpenCard,
    WriteReport,
    Decline,
    DeclineReason,
    DeclineSend,
    DeclineSaved,
    DeclinePending,
    DeclineUndo,
    DeclineUndone,
    DeclineAlreadySent,
    DeclineSending,
    NoticesTitle,
    NoticeAdded,
    NoticeMoved,
    NoticeRemoved,
    NoticesSeen,
    CardTitle,
    Call,
    Navigate,
    AccessNotes,
    Likes,
    RhythmWeekly,
    RhythmTwoWeekly,
    RhythmMonthly,
    NextDue,
    History,
    ReportOnPhone,
    ReportReceived,
    ReportFlagged,
    ReportQuarantined,
    ReportRejected,
    RefusedReport,
    RefusedCorrect,
    RefusedDayInFuture,
    RefusedDayTooEarly,
    RefusedProposedNext,
    RefusedNoteCharacters,
    RefusedOther,
    ConcernOnPhone,
    ConcernReceived,
    ConcernAcknowledged,
    ConcernResolved,
    UnknownPerson,
    ReportTitle,
    FieldOutcome,
    OutcomeDone,
    OutcomeNobodyHome,
    OutcomeRefused,
    OutcomePostponed,
    FieldDay,
    FieldDuration,
    FieldMood,
    Mood1,
    Mood2,
    Mood3,
    Mood4,
    FieldConcerns,
    ConcernFall,
    ConcernHealth,
    ConcernFood,
    ConcernHeating,
    ConcernLoneliness,
    ConcernOther,
    EmergencyReminder,
    FieldNote,
    FieldNextDate,
    SaveReport,
    ReportSaved,
    DraftKept,
    ReportInvalid,
    AbsencesTitle,
    AbsencesIntro,
    AbsenceFirst,
    AbsenceLast,
    AbsenceDeclare,
    AbsenceSaved,
    AbsenceInvalid,
    AbsencesDeclared,
    AbsencesNone,
    AbsenceCancel,
    AbsenceCancelPending,
    AbsenceCancelSaved,
    AbsenceUndone,
    AbsenceAlreadySent,
    SyncOnline,
    SyncOffline,
    SyncPending,
    SyncAllSent,
    SyncLast,
    SyncNever,
    SyncNow,
    SyncRunning,
    SyncErrOffline,
    SyncErrServer,
    SyncErrSession,
    SyncErrStorage,
    SyncErrUpdate,
    UpdateApp,
    SyncStale,
    LogoutLoses,
    Back,
    NavReview,
    ReviewTitle,
    FlagReassigned,
    FlagCancelled,
    FlagNotAssigned,
    ColReceived,
    NavPlanning,
    PlanningTitle,
    PlanningShow,
    PlanningUsual,
    PlanningSubstitute,
    PlanningColDay,
    PlanningColTime,
    PlanningColCommune,
    PlanningColPair,
    PlanningColReason,
    ReasonNoVolunteerInRange,
    ReasonNoCommonSlot,
    ReasonNoCapacity,
    SheetTitle,
    SheetDone,
    SheetAddress,
    SheetPhone,
    SheetAccess,
    PlanningAdjust,
    PlanningLockSubmit,
    PlanningUnlock,
    PlanningLocked,
    PlanningLockedTo,
    EntryTitle,
    EntryLink,
    EntrySaved,
    EntryNone,
    NavConcerns,
    NavPeople,
    NavCoverage,
    ConcernsTitle,
    ConcernsColKind,
    ConcernsColStatus,
    ConcernsColAction,
    ConcernsAcknowledge,
    ConcernsResolve,
    ConcernsBy,
}

/// The text of `msg` in `lang`.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::Fr => fr::text(msg),
        Lang::En => en::text(msg),
    }
}

/// The words for what happened at a visit.
pub fn outcome_label(lang: Lang, o: crate::domain::Outcome) -> &'static str {
    t(
        lang,
        match o {
            crate::domain::Outcome::Done => Msg::OutcomeDone,
            crate::domain::Outcome::NobodyHome => Msg::OutcomeNobodyHome,
            crate::domain::Outcome::Refused => Msg::OutcomeRefused,
            crate::domain::Outcome::Postponed => Msg::OutcomePostponed,
        },
    )
}

/// The words for a kind of concern (the phone, the pages and the e-mail alerts say the same).
pub fn concern_label(lang: Lang, k: crate::domain::ConcernKind) -> &'static str {
    t(
        lang,
        match k {
            crate::domain::ConcernKind::Fall => Msg::ConcernFall,
            crate::domain::ConcernKind::Health => Msg::ConcernHealth,
            crate::domain::ConcernKind::Food => Msg::ConcernFood,
            crate::domain::ConcernKind::HeatingOrHousing => Msg::ConcernHeating,
            crate::domain::ConcernKind::Loneliness => Msg::ConcernLoneliness,
            crate::domain::ConcernKind::Other => Msg::ConcernOther,
        },
    )
}

/// Text of a page that is only ever rendered on the server (no island uses it): French and
/// English side by side, where they are used. Unlike [`Msg`], whose tables the phone's bundle
/// carries whole, these strings never reach the phone.
pub fn tr(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The text of `msg` with its `{name}` placeholders replaced.
pub fn tf(lang: Lang, msg: Msg, args: &[(&str, &str)]) -> String {
    fill(t(lang, msg), args)
}

/// [`tr`] with `{name}` placeholders replaced (server-rendered pages only).
pub fn trf(lang: Lang, fr: &'static str, en: &'static str, args: &[(&str, &str)]) -> String {
    fill(tr(lang, fr, en), args)
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut s = template.to_owned();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// An integer the way the language writes it: `26 641` (narrow no-break space) or `26,641`.
pub fn fmt_int(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match lang {
        Lang::Fr => "\u{202f}",
        Lang::En => ",",
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A decimal number with `decimals` digits: `12,5` in French, `12.5` in English.
pub fn fmt_decimal(lang: Lang, x: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (x * scale).round() as i64;
    let int_part = fmt_int(lang, rounded / scale as i64);
    if decimals == 0 {
        return int_part;
    }
    let frac = (rounded % scale as i64).unsigned_abs();
    let point = match lang {
        Lang::Fr => ',',
        Lang::En => '.',
    };
    let sign = if rounded < 0 && rounded / (scale as i64) == 0 { "-" } else { "" };
    format!("{sign}{int_part}{point}{frac:0decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_every_language() {
        for &msg in Msg::ALL {
            for lang in Lang::ALL {
                assert!(!t(lang, msg).trim().is_empty(), "{msg:?} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let placeholders = |s: &str| {
            let mut v: Vec<String> =
                s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
            v.sort();
            v
        };
        for &msg in Msg::ALL {
            assert_eq!(placeholders(t(Lang::Fr, msg)), placeholders(t(Lang::En, msg)), "{msg:?}");
        }
    }

    #[test]
    fn negotiation() {
        assert_eq!(Lang::negotiate(None, None), Lang::Fr);
        assert_eq!(Lang::negotiate(None, Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("de-DE,de;q=0.9")), Lang::Fr);
        assert_eq!(Lang::negotiate(None, Some("de,en;q=0.5,fr;q=0.8")), Lang::Fr);
        assert_eq!(Lang::negotiate(None, Some("fr;q=0,en")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr"), Some("en")), Lang::Fr);
        assert_eq!(Lang::negotiate(Some("xx"), Some("en")), Lang::En);
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_int(Lang::Fr, 26641), "26\u{202f}641");
        assert_eq!(fmt_int(Lang::En, 26641), "26,641");
        assert_eq!(fmt_int(Lang::En, -1234567), "-1,234,567");
        assert_eq!(fmt_int(Lang::Fr, 123), "123");
        assert_eq!(fmt_decimal(Lang::Fr, 12.345, 1), "12,3");
        assert_eq!(fmt_decimal(Lang::En, 1234.56, 1), "1,234.6");
        assert_eq!(fmt_decimal(Lang::Fr, 0.05, 2), "0,05");
        assert_eq!(fmt_decimal(Lang::Fr, -0.5, 1), "-0,5");
        assert_eq!(fmt_decimal(Lang::Fr, 29.97, 0), "30");
        assert_eq!(tf(Lang::En, Msg::CommuneCount, &[("n", "35")]), "35 communes");
    }
}

/// The name of a role, for people.
pub fn role_label(lang: Lang, role: crate::auth::Role) -> &'static str {
    use crate::auth::Role;
    t(
        lang,
        match role {
            Role::Volunteer => Msg::RoleVolunteer,
            Role::Ambassador => Msg::RoleAmbassador,
            Role::Coordinator => Msg::RoleCoordinator,
            Role::Admin => Msg::RoleAdmin,
        },
    )
}

/// A day as people read it: `lun. 23/11` in French, `Mon 23/11` in English.
pub fn fmt_day(lang: Lang, day: crate::domain::Date) -> String {
    const FR: [&str; 7] = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let (_, m, d) = day.ymd();
    let names = if lang == Lang::Fr { FR } else { EN };
    format!("{} {d:02}/{m:02}", names[usize::from(day.weekday().index())])
}

/// The full name of a day: `lundi 23 novembre` / `Monday 23 November`.
pub fn fmt_day_long(lang: Lang, day: crate::domain::Date) -> String {
    const FR_DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
    const EN_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    const FR_MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN_MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (_, m, d) = day.ymd();
    let w = usize::from(day.weekday().index());
    let m = m as usize - 1;
    match lang {
        Lang::Fr => format!("{} {d} {}", FR_DAYS[w], FR_MONTHS[m]),
        Lang::En => format!("{} {d} {}", EN_DAYS[w], EN_MONTHS[m]),
    }
}

#[cfg(test)]
mod day_tests {
    use super::*;

    #[test]
    fn days_in_both_languages() {
        let d = crate::domain::Date::parse("2026-11-23").unwrap();
        assert_eq!(fmt_day(Lang::Fr, d), "lun. 23/11");
        assert_eq!(fmt_day(Lang::En, d), "Mon 23/11");
        assert_eq!(fmt_day_long(Lang::Fr, d), "lundi 23 novembre");
        assert_eq!(fmt_day_long(Lang::En, d), "Monday 23 November");
    }
}
