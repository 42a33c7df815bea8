//! English texts.
use super::Msg;

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::AppName => "Monalisa Visites",
        Msg::Tagline => "Home visits to isolated elderly people in the Civraisien en Poitou",
        Msg::SkipToContent => "Skip to content",
        Msg::NavTerritory => "The territory",
        Msg::SwitchLanguage => "Français",
        Msg::SwitchLanguageLabel => "Lire cette page en français",
        Msg::OldBrowserTitle => "Browser too old",
        Msg::OldBrowserBody => {
            "This browser is too old to run the app offline. You can read this page, \
            but recording visits needs Chrome or the Android browser (version 96 or later), \
            Firefox 79 or later, or Safari 15 or later. Ask your ambassador for help."
        }
        Msg::OfflineBanner => "Offline: you are looking at the last version saved on this device.",
        Msg::TerritoryTitle => "The Civraisien en Poitou territory",
        Msg::TerritoryIntro => {
            "The Monalisa citizen teams visit isolated elderly people at home \
            in the 35 communes of the Communauté de communes du Civraisien en Poitou. \
            This action is part of the 2024-2027 Convention territoriale globale."
        }
        Msg::TerritoryPrivacy => "This page is public: it only shows census data, never the people visited.",
        Msg::TerritoryTableCaption => "The communes of the territory, population and area",
        Msg::ColumnCommune => "Commune",
        Msg::ColumnInsee => "INSEE code",
        Msg::ColumnPopulation => "Population",
        Msg::ColumnArea => "Area (km²)",
        Msg::ColumnDensity => "Density (inhab./km²)",
        Msg::TotalRow => "Territory",
        Msg::CommuneCount => "{n} communes",
        Msg::Loading => "Loading…",
        Msg::LoadFailed => "This data cannot be loaded right now.",
        Msg::DeviceTitle => "This device",
        Msg::DeviceIntro => {
            "Check that this phone can keep your reports offline \
            and reach the server when there is a signal."
        }
        Msg::DeviceCheckButton => "Check this device",
        Msg::DeviceWaitingForApp => "The app is getting ready…",
        Msg::DeviceStorageOk => "Storage on the device: working.",
        Msg::DeviceStorageFailed => "Storage on the device: not working (private browsing?).",
        Msg::DeviceCheckCount => "Checks stored on this device: {n}",
        Msg::DeviceServerOk => "Server: reachable.",
        Msg::DeviceServerUnreachable => {
            "Server: not reachable right now. That is fine: \
            what you record stays on the device until the signal returns."
        }
        Msg::DeviceReady => "App ready.",
        Msg::SourcesTitle => "Sources",
        Msg::SourcesBody => {
            "Communes and populations: INSEE (legal populations 2023, COG 2026) and DGCL. \
            Outlines: IGN Admin Express 2018 via france-geojson, simplified. Licence Ouverte / Etalab."
        }
        Msg::VersionLabel => "Version",
        Msg::NotFoundTitle => "Page not found",
        Msg::NotFoundBody => "This page does not exist, or no longer does.",
        Msg::NavHome => "Home",
        Msg::NavLogin => "Log in",
        Msg::NavAccounts => "Accounts",
        Msg::NavJournal => "Audit log",
        Msg::Logout => "Log out",
        Msg::LoggedInAs => "Logged in: {name}",
        Msg::ErrNetwork => "No network right now. Try again when the phone has a signal.",
        Msg::ErrNotLoggedIn => "You are not logged in.",
        Msg::ErrDeviceRevoked => "This device was removed from your account.",
        Msg::ErrAccountDisabled => "This account is disabled. Contact your ambassador.",
        Msg::ErrForbidden => "You do not have access to this page.",
        Msg::ErrNotFound => "Not found.",
        Msg::ErrInvalidCredentials => "Wrong login or password.",
        Msg::ErrLinkInvalid => {
            "This link is no longer valid (expired or already used). Ask your ambassador for a new one."
        }
        Msg::ErrTooManyAttempts => {
            "Too many login attempts. Try again in {n} minutes, or ask your ambassador for a login link."
        }
        Msg::ErrRequired => "required",
        Msg::ErrTooShort => "too short",
        Msg::ErrTooLong => "too long",
        Msg::ErrTaken => "already taken",
        Msg::ErrMismatch => "the two entries differ",
        Msg::ErrFormat => "letters, digits, dot or hyphen only",
        Msg::ErrInvalid => "invalid value",
        Msg::ErrConflict => "This change is no longer possible: the page changed meanwhile.",
        Msg::ErrUnavailable => "The service is temporarily unavailable. Try again in a moment.",
        Msg::FieldLogin => "Login",
        Msg::FieldPassword => "Password",
        Msg::FieldPasswordRepeat => "Password (again)",
        Msg::FieldDisplayName => "Display name",
        Msg::FieldPerson => "Person",
        Msg::FieldRole => "Role",
        Msg::FieldOther => "Field",
        Msg::LoginTitle => "Log in",
        Msg::LoginIntro => "Log in once with a signal: after that the app opens even without a network, for weeks.",
        Msg::LoginButton => "Log in",
        Msg::LoginForgot => "Forgot your password? Your ambassador can give you a link to choose a new one.",
        Msg::LoginRevoked => {
            "This device was removed from your account: the data it kept was erased. You can log in again."
        }
        Msg::LoginLoggedOut => "You are logged out. This device's data was erased.",
        Msg::SessionExpired => "Your session expired. Log in again to send your reports: nothing you recorded is lost.",
        Msg::EnrolTitle => "Choose my password",
        Msg::EnrolWelcome => {
            "Welcome {name}! Your login is “{login}”. Choose a password that is easy for you to remember, at least 8 characters."
        }
        Msg::EnrolReset => "Hello {name}. Your login is “{login}”. Choose a new password, at least 8 characters.",
        Msg::EnrolButton => "Save and log in",
        Msg::EnrolChecking => "Checking the link…",
        Msg::EnrolNoToken => "This link is incomplete. Scan the code again or ask your ambassador for a new link.",
        Msg::HomeTitle => "Home",
        Msg::HomeHello => "Hello {name}.",
        Msg::HomeVolunteer => "Your round for the week is in \"My round\", even without a network.",
        Msg::HomeAmbassador => "Manage the accounts of your area's volunteers.",
        Msg::HomeCoordinator => "Coverage indicators will appear here.",
        Msg::HomeAdmin => "Manage accounts and devices, and read the audit log.",
        Msg::RoleVolunteer => "Visiting volunteer",
        Msg::RoleAmbassador => "Ambassador",
        Msg::RoleCoordinator => "CTG coordinator",
        Msg::RoleAdmin => "Administrator",
        Msg::AccountsTitle => "Accounts",
        Msg::AccountsIntro => {
            "The accounts you manage. A volunteer who forgot their password gets a new link; a lost phone is removed here."
        }
        Msg::AccountsEmpty => "No accounts yet.",
        Msg::ColLogin => "Login",
        Msg::ColName => "Name",
        Msg::ColRole => "Role",
        Msg::ColStatus => "Status",
        Msg::ColDevices => "Devices",
        Msg::ColLastSeen => "Last active",
        Msg::StatusActive => "active",
        Msg::StatusDisabled => "disabled",
        Msg::StatusNotEnrolled => "waiting for a first password",
        Msg::CreateAccountTitle => "Create an account",
        Msg::CreateAccountButton => "Create the account",
        Msg::ChoosePerson => "Choose…",
        Msg::NoCandidates => "Everyone already has an account.",
        Msg::LinkTitle => "Login link",
        Msg::LinkIntro => {
            "Give this link to the person, or have them scan the code with their phone. It works once, until {until}."
        }
        Msg::QrLabel => "QR code of the login link",
        Msg::AccountTitle => "Account",
        Msg::Disable => "Disable the account",
        Msg::Enable => "Enable the account",
        Msg::IssueLink => "Give a login link",
        Msg::DevicesTitle => "Devices",
        Msg::NoDevices => "No device logged in.",
        Msg::ColDevice => "Device",
        Msg::ColFirstSeen => "First login",
        Msg::ColLastSync => "Last sync",
        Msg::Revoke => "Remove this device",
        Msg::RevokedOn => "removed on {when}",
        Msg::Never => "never",
        Msg::BackToAccounts => "Back to accounts",
        Msg::JournalTitle => "Audit log",
        Msg::JournalIntro => {
            "Who read or changed what, and when. The log holds no personal data of the people visited, only references."
        }
        Msg::FilterActor => "Account (number)",
        Msg::FilterKind => "Object type",
        Msg::FilterSince => "Since",
        Msg::FilterUntil => "Until",
        Msg::FilterApply => "Filter",
        Msg::FilterAll => "All",
        Msg::ColWhen => "When",
        Msg::ColWho => "Who",
        Msg::ColAction => "Action",
        Msg::ColObject => "Object",
        Msg::ColDetail => "Detail",
        Msg::JournalEmpty => "No entries for these filters.",
        Msg::LoadMore => "Older entries",
        Msg::Working => "One moment…",
        Msg::NavRound => "My round",
        Msg::NavAbsences => "My absences",
        Msg::RoundTitle => "My round",
        Msg::RoundIntro => "Your visits this week, in route order. Everything works without a network.",
        Msg::RoundEmpty => "No visits planned for now.",
        Msg::RoundNotLoaded => "Your round is not on this phone yet: open the app once with a network.",
        Msg::NotLoggedInHere => "Log in to see your round.",
        Msg::Today => "today",
        Msg::BadgeDue => "due now",
        Msg::BadgeOverdue => "{n} days late",
        Msg::BadgeNotDue => "not for {n} days",
        Msg::BadgeReported => "report done",
        Msg::LastVisit => "Last visit: {date} ({outcome})",
        Msg::NoVisitYet => "No visit yet",
        Msg::OpenCard => "Card",
        Msg::WriteReport => "Report",
        Msg::Decline => "I can't",
        Msg::DeclineReason => "Why? (optional)",
        Msg::DeclineSend => "Tell my ambassador",
        Msg::DeclineSaved => "Noted: your ambassador will be told at the next sync.",
        Msg::NoticesTitle => "Changes in your round",
        Msg::NoticeAdded => "New visit: {name}, on {day} at {time}",
        Msg::NoticeMoved => "{name}: moved from {from} to {to}",
        Msg::NoticeRemoved => "{name}: the visit of {day} is removed",
        Msg::NoticesSeen => "Seen",
        Msg::CardTitle => "Card",
        Msg::Call => "Call",
        Msg::Navigate => "Directions (map)",
        Msg::AccessNotes => "Getting in",
        Msg::Likes => "What the person likes",
        Msg::RhythmWeekly => "every week",
        Msg::RhythmTwoWeekly => "every two weeks",
        Msg::RhythmMonthly => "every month",
        Msg::NextDue => "Next visit expected around {date} ({rhythm})",
        Msg::History => "Reports",
        Msg::ReportOnPhone => "on the phone, not sent yet",
        Msg::ReportReceived => "received by the team",
        Msg::ReportFlagged => "received, to be checked by your ambassador (the visit had changed)",
        Msg::ReportQuarantined => "set aside for your ambassador",
        Msg::ReportRejected => "refused, to be corrected",
        Msg::ConcernOnPhone => "concern on the phone",
        Msg::ConcernReceived => "concern received by the team",
        Msg::ConcernAcknowledged => "concern being handled",
        Msg::ConcernResolved => "concern resolved",
        Msg::UnknownPerson => "This person is not (or no longer) on this phone.",
        Msg::ReportTitle => "Visit report",
        Msg::FieldOutcome => "How did the visit go?",
        Msg::OutcomeDone => "Visit done",
        Msg::OutcomeNobodyHome => "Nobody home",
        Msg::OutcomeRefused => "The person declined",
        Msg::OutcomePostponed => "Visit postponed",
        Msg::FieldDay => "Date",
        Msg::FieldDuration => "Duration (minutes)",
        Msg::FieldMood => "How was the person?",
        Msg::Mood1 => "Very low",
        Msg::Mood2 => "Not well",
        Msg::Mood3 => "Fairly well",
        Msg::Mood4 => "Well",
        Msg::FieldConcerns => "Anything worrying?",
        Msg::ConcernFall => "A fall",
        Msg::ConcernHealth => "Health",
        Msg::ConcernFood => "Food",
        Msg::ConcernHeating => "Heating or housing",
        Msg::ConcernLoneliness => "Loneliness",
        Msg::ConcernOther => "Something else",
        Msg::EmergencyReminder => {
            "An emergency? Call 15 (SAMU) or 112. The app sends no alert: the team will read this concern at the next sync."
        }
        Msg::FieldNote => "Note (short)",
        Msg::FieldNextDate => "Proposed next visit",
        Msg::SaveReport => "Save the report",
        Msg::ReportSaved => "Saved on the phone. It will go as soon as there is a network.",
        Msg::DraftKept => "Draft kept on the phone.",
        Msg::ReportInvalid => {
            "Check the report: duration 1 to 600 minutes, no duration or mood if the visit did not happen, next date after the visit."
        }
        Msg::AbsencesTitle => "My absences",
        Msg::AbsencesIntro => "Say in advance when you cannot visit: planning will take it into account.",
        Msg::AbsenceFirst => "From",
        Msg::AbsenceLast => "To (included)",
        Msg::AbsenceDeclare => "Declare the absence",
        Msg::AbsenceSaved => "Absence saved: it will go at the next sync.",
        Msg::AbsenceInvalid => "The end date must follow the start date (one year at most).",
        Msg::SyncOnline => "Online",
        Msg::SyncOffline => "Offline",
        Msg::SyncPending => "{n} waiting to be sent",
        Msg::SyncAllSent => "everything is sent",
        Msg::SyncLast => "last sync: {when}",
        Msg::SyncNever => "never synced",
        Msg::SyncNow => "Sync now",
        Msg::SyncRunning => "Syncing…",
        Msg::SyncErrOffline => "No network: everything stays on the phone and will go later.",
        Msg::SyncErrServer => "The server is not answering properly. Trying again soon.",
        Msg::SyncErrSession => "Your session expired: log in again to send.",
        Msg::SyncErrStorage => "The phone cannot save. Free some space or ask for help.",
        Msg::SyncStale => {
            "{n} item(s) have waited more than 3 days: find a network (town hall, library, home) or call your ambassador."
        }
        Msg::LogoutLoses => "{n} report(s) are not sent yet and would be lost. Log out anyway?",
        Msg::Back => "Back",
        Msg::NavReview => "To review",
        Msg::ReviewTitle => "To review",
        Msg::ReviewIntro => {
            "What came from the phones and needs your eye: reports kept but flagged (the visit had changed meanwhile), and what a removed phone sent, set aside. Nothing is lost."
        }
        Msg::ReviewFlagged => "Flagged reports",
        Msg::ReviewQuarantine => "Set aside (removed phone)",
        Msg::ReviewNothing => "Nothing for now.",
        Msg::FlagReassigned => "visit given to another volunteer meanwhile",
        Msg::FlagCancelled => "visit cancelled meanwhile",
        Msg::FlagNotAssigned => "person not followed by this volunteer",
        Msg::ColReceived => "Received",
        Msg::NavPlanning => "Plan the week",
        Msg::PlanningTitle => "Weekly planning",
        Msg::PlanningIntro => {
            "The plan keeps each person with their usual volunteer when that volunteer is available, serves the most isolated and most overdue people first, then keeps driving short. Check it, then publish it: volunteers get it on their phones."
        }
        Msg::PlanningWeek => "Week starting (Monday)",
        Msg::PlanningShow => "Show",
        Msg::PlanningSummary => "{due} people due this week, {planned} planned.",
        Msg::PlanningUnserved => "People not planned",
        Msg::PlanningNothing => "No visit to plan this week.",
        Msg::PlanningAllServed => "Everyone due is planned.",
        Msg::PlanningPublish => "Publish these rounds",
        Msg::PlanningPublished => "{n} visits published: volunteers get them at their next sync.",
        Msg::PlanningChanged => {
            "The plan changed since it was shown (an absence, a report…). Check it, then publish again."
        }
        Msg::PlanningUsual => "usual pair",
        Msg::PlanningSubstitute => "substitute",
        Msg::PlanningColDay => "Day",
        Msg::PlanningColTime => "Time",
        Msg::PlanningColCommune => "Commune",
        Msg::PlanningColPair => "Pair",
        Msg::PlanningColReason => "Reason",
        Msg::ReasonNoVolunteerInRange => "no volunteer in range",
        Msg::ReasonNoCommonSlot => "no common time slot",
        Msg::ReasonNoCapacity => "rounds already full",
        Msg::SheetTitle => "Printable round",
        Msg::SheetHeading => "{name}'s round, week of {week}",
        Msg::SheetHint => {
            "For a volunteer without a smartphone: print this page (browser menu, Print); they tick each visit done, and their reports are entered for them."
        }
        Msg::SheetEmpty => "No published visit for this volunteer this week.",
        Msg::SheetDone => "Done",
        Msg::SheetAddress => "Address",
        Msg::SheetPhone => "Phone",
        Msg::SheetAccess => "Access",
        Msg::PlanningPrint => "Printable sheet (published round)",
        Msg::SheetChoose => "Choose the round to print on the planning page, under the volunteer's name.",
        Msg::PlanningMapLabel => {
            "Map of {name}'s round: home (square) then the visits numbered in order; the table below gives the same information."
        }
        Msg::PlanningAdjust => "Adjust the plan",
        Msg::PlanningAdjustHint => {
            "Assign a person to a volunteer for this week: the plan is recomputed around that choice (if it cannot be done, the person appears among those not planned, with the reason)."
        }
        Msg::PlanningLockSubmit => "Assign and recompute",
        Msg::PlanningLocks => "Your choices for this week",
        Msg::PlanningUnlock => "Remove",
        Msg::PlanningLocked => "your choice",
        Msg::PlanningLockedTo => "assigned to {name}",
        Msg::EntryTitle => "Enter a report",
        Msg::EntryIntro => {
            "For a volunteer without a smartphone: enter what they told you about the visit to {person} ({when}). The audit trail keeps that you entered it for {volunteer}."
        }
        Msg::EntryLink => "Enter the report",
        Msg::EntrySaved => "Report saved.",
        Msg::EntryNone => "not given",
        Msg::NavConcerns => "Concerns",
        Msg::NavCoverage => "Coverage of the territory",
        Msg::NavPeople => "People and volunteers",
        Msg::ConcernsTitle => "Concerns raised at visits",
        Msg::ConcernsIntro => {
            "What volunteers reported after a visit. Take it in hand, then mark it resolved: the volunteer sees its state on their phone. An emergency goes through 15 or 112, not through here."
        }
        Msg::ConcernsNothing => "No concern.",
        Msg::ConcernsColKind => "Concern",
        Msg::ConcernsColStatus => "State",
        Msg::ConcernsColAction => "Next step",
        Msg::ConcernsAcknowledge => "Take in hand",
        Msg::ConcernsResolve => "Mark resolved",
        Msg::ConcernsBy => "by {name} on {when}",
        Msg::BackHome => "Back to the home page",
    }
}
