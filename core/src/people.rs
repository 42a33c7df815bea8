//! The ambassador's forms for the people of a scope (residents and volunteers): what each
//! form's fields mean, how they are read and checked ([`parse_resident`], [`parse_volunteer`]),
//! and how a stored record is written back into the fields ([`resident_values`],
//! [`volunteer_values`]). Pure code, shared by the server (which checks every post) and the
//! server-rendered pages (which fill the forms); nothing here reaches the phone's bundle.

use crate::domain::{
    ConsentMethod, Date, EndReason, FollowUp, FollowUpMode, InseeCode, IsolationLevel, Location, Milestone, Minute,
    Programme, Referral, ReferralSource, Resident, ResidentId, Rhythm, TravelMode, Volunteer, VolunteerId, Weekday,
    WeeklySlot,
};
use crate::wire::people::{FollowUpState, ResidentRow, VolunteerRow};

/// The slots a form offers per day (a morning and an afternoon, say).
pub const SLOTS_PER_DAY: usize = 2;

/// The longest text a field takes (names, address, notes).
const MAX_TEXT: usize = 500;

/// A form's fields as posted: name, value, in order (a name may repeat, e.g. `communes`).
pub type Fields = Vec<(String, String)>;

/// A field the form rejected, and why (a code the page turns into a sentence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    Required,
    TooLong,
    Invalid,
    /// A time slot with only one end, or an end before its start, or two that overlap.
    Slot,
    /// A position outside the chosen commune.
    OutsideCommune,
    /// A commune, volunteer or record outside the ambassador's scope.
    OutsideScope,
    /// A day in the future where only the past makes sense (consent), or the reverse.
    Date,
    /// A volunteer made inactive while residents still have them as usual volunteer.
    StillFollowing,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::TooLong => "too_long",
            Reason::Invalid => "invalid",
            Reason::Slot => "slot",
            Reason::OutsideCommune => "outside_commune",
            Reason::OutsideScope => "outside_scope",
            Reason::Date => "date",
            Reason::StillFollowing => "still_following",
        }
    }
}

fn err(field: &str, reason: Reason) -> FieldError {
    FieldError { field: field.to_owned(), reason }
}

/// Reads one field (the first with that name), trimmed; empty when absent.
pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

fn text(fields: &Fields, name: &str, required: bool) -> Result<String, FieldError> {
    let value = field(fields, name);
    if required && value.is_empty() {
        return Err(err(name, Reason::Required));
    }
    if value.chars().count() > MAX_TEXT || !crate::domain::text::acceptable(value) {
        return Err(err(name, if value.chars().count() > MAX_TEXT { Reason::TooLong } else { Reason::Invalid }));
    }
    Ok(value.replace("\r\n", "\n"))
}

/// A French phone number, written back in the usual pairs ("05 49 12 34 56"); `+33` is
/// accepted and becomes a leading 0.
pub fn parse_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let national = match digits.strip_prefix("+33") {
        Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        None => digits,
    };
    let ok = national.len() == 10
        && national.starts_with('0')
        && national.as_bytes()[1] != b'0'
        && national.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| {
        national.as_bytes().chunks(2).map(|p| String::from_utf8_lossy(p).into_owned()).collect::<Vec<_>>().join(" ")
    })
}

/// "46.43, 0.31" or "46.43 0.31" (latitude, longitude), or with decimal commas "46,43 0,31"
/// or "46,43; 0,31"; empty means "the commune's centre".
pub fn parse_position(raw: &str) -> Result<Option<Location>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let parts: Vec<String> = if raw.contains(';') {
        raw.split(';').map(|p| p.replace(',', ".")).collect()
    } else if raw.contains('.') {
        raw.split([',', ' ']).map(str::to_owned).collect()
    } else {
        raw.split_whitespace().map(|p| p.replace(',', ".")).collect()
    };
    let nums: Vec<f64> = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().map_err(|_| ()))
        .collect::<Result<_, _>>()?;
    match nums[..] {
        [lat, lon] => Location::new(lat, lon).map(Some).ok_or(()),
        _ => Err(()),
    }
}

fn slot_field(day: usize, k: usize, end: bool) -> String {
    format!("creneau_{day}_{k}_{}", if end { "a" } else { "de" })
}

/// The weekly slots of a form: per day up to [`SLOTS_PER_DAY`], each with both ends or none.
fn parse_slots(fields: &Fields) -> Result<Vec<WeeklySlot>, FieldError> {
    let mut slots: Vec<WeeklySlot> = Vec::new();
    for (d, weekday) in Weekday::ALL.into_iter().enumerate() {
        for k in 0..SLOTS_PER_DAY {
            let (from_name, to_name) = (slot_field(d, k, false), slot_field(d, k, true));
            let (from, to) = (field(fields, &from_name), field(fields, &to_name));
            if from.is_empty() && to.is_empty() {
                continue;
            }
            let time = |name: &str, v: &str| Minute::parse(v).map_err(|_| err(name, Reason::Slot));
            let slot = WeeklySlot::new(weekday, time(&from_name, from)?, time(&to_name, to)?)
                .ok_or_else(|| err(&to_name, Reason::Slot))?;
            if slots.iter().any(|s| s.overlap_minutes(&slot) > 0) {
                return Err(err(&from_name, Reason::Slot));
            }
            slots.push(slot);
        }
    }
    slots.sort_by_key(|s| (s.weekday.index(), s.start));
    Ok(slots)
}

fn slot_values(slots: &[WeeklySlot], out: &mut Fields) {
    for (d, weekday) in Weekday::ALL.into_iter().enumerate() {
        for (k, s) in slots.iter().filter(|s| s.weekday == weekday).take(SLOTS_PER_DAY).enumerate() {
            out.push((slot_field(d, k, false), s.start.to_string()));
            out.push((slot_field(d, k, true), s.end.to_string()));
        }
    }
}

fn id_field(fields: &Fields) -> Result<Option<i64>, FieldError> {
    match field(fields, "id") {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| err("id", Reason::Invalid)),
    }
}

fn commune_field(fields: &Fields) -> Result<InseeCode, FieldError> {
    match field(fields, "commune") {
        "" => Err(err("commune", Reason::Required)),
        v => InseeCode::parse(v).ok_or_else(|| err("commune", Reason::Invalid)),
    }
}

fn number<T: std::str::FromStr + PartialOrd>(fields: &Fields, name: &str, lo: T, hi: T) -> Result<T, FieldError> {
    match field(fields, name) {
        "" => Err(err(name, Reason::Required)),
        v => v
            .replace(',', ".")
            .parse::<T>()
            .ok()
            .filter(|n| *n >= lo && *n <= hi)
            .ok_or_else(|| err(name, Reason::Invalid)),
    }
}

fn optional_date(fields: &Fields, name: &str) -> Result<Option<Date>, FieldError> {
    match field(fields, name) {
        "" => Ok(None),
        v => Date::parse(v).map(Some).map_err(|_| err(name, Reason::Invalid)),
    }
}

/// Where a follow-up stands, as the form chooses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUpChoice {
    Active,
    Paused { until: Option<Date> },
    Ended,
}

impl FollowUpChoice {
    /// The stored state, keeping the day it started when it does not change.
    pub fn apply(self, previous: Option<FollowUp>, today: Date) -> FollowUp {
        match (self, previous) {
            (FollowUpChoice::Active, Some(f @ FollowUp::Active { .. })) => f,
            (FollowUpChoice::Active, _) => FollowUp::Active { since: today },
            (FollowUpChoice::Paused { until }, Some(FollowUp::Paused { since, .. })) => {
                FollowUp::Paused { since, until }
            }
            (FollowUpChoice::Paused { until }, _) => FollowUp::Paused { since: today, until },
            (FollowUpChoice::Ended, Some(f @ FollowUp::Ended { .. })) => f,
            (FollowUpChoice::Ended, _) => FollowUp::Ended { on: today },
        }
    }
}

/// A resident as an ambassador's form gives it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ResidentDraft {
    /// `None`: a new resident.
    pub id: Option<ResidentId>,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub commune: InseeCode,
    /// `None`: the commune's centre.
    pub position: Option<Location>,
    pub phone: Option<String>,
    pub access_notes: String,
    pub likes: String,
    pub rhythm: Rhythm,
    pub isolation: IsolationLevel,
    pub preferred: Vec<WeeklySlot>,
    /// Required for a new resident (no follow-up without consent); a consent on record is
    /// never changed by this form.
    pub consent: Option<(Date, ConsentMethod)>,
    pub follow_up_start: Date,
    pub follow_up: FollowUpChoice,
    pub volunteer: Option<VolunteerId>,
    pub programme: Programme,
}

/// The referral, the follow-up mode and (for a follow-up that ends) its reason.
fn parse_programme(fields: &Fields, follow_up: FollowUpChoice, today: Date) -> Result<Programme, FieldError> {
    let on = optional_date(fields, "oriente_le")?;
    if on.is_some_and(|d| crate::domain::windows::consent(d, today).is_err()) {
        return Err(err("oriente_le", Reason::Date));
    }
    let referral = match field(fields, "oriente_par") {
        "" if on.is_some() => return Err(err("oriente_par", Reason::Required)),
        "" => None,
        v => {
            Some(Referral { by: ReferralSource::from_code(v).ok_or_else(|| err("oriente_par", Reason::Invalid))?, on })
        }
    };
    let mode = match field(fields, "mode_suivi") {
        "" => FollowUpMode::default(),
        v => FollowUpMode::from_code(v).ok_or_else(|| err("mode_suivi", Reason::Invalid))?,
    };
    let end_reason = match (follow_up, field(fields, "motif_fin")) {
        (FollowUpChoice::Ended, "") => return Err(err("motif_fin", Reason::Required)),
        (FollowUpChoice::Ended, v) => Some(EndReason::from_code(v).ok_or_else(|| err("motif_fin", Reason::Invalid))?),
        _ => None,
    };
    Ok(Programme { referral, mode, end_reason })
}

/// Reads and checks a resident form. `today` bounds the dates: consent is given on or before
/// today; a pause ends after it.
pub fn parse_resident(fields: &Fields, today: Date) -> Result<ResidentDraft, FieldError> {
    let id = id_field(fields)?.map(ResidentId);
    let phone = match field(fields, "telephone") {
        "" => None,
        v => Some(parse_phone(v).ok_or_else(|| err("telephone", Reason::Invalid))?),
    };
    let consent = match (field(fields, "consentement_date"), field(fields, "consentement_mode")) {
        ("", "") if id.is_some() => None,
        ("", _) => return Err(err("consentement_date", Reason::Required)),
        (_, "") => return Err(err("consentement_mode", Reason::Required)),
        (day, how) => {
            let day = Date::parse(day).map_err(|_| err("consentement_date", Reason::Invalid))?;
            if crate::domain::windows::consent(day, today).is_err() {
                return Err(err("consentement_date", Reason::Date));
            }
            let how = ConsentMethod::from_code(how).ok_or_else(|| err("consentement_mode", Reason::Invalid))?;
            Some((day, how))
        }
    };
    let follow_up = match field(fields, "suivi") {
        "active" => FollowUpChoice::Active,
        "paused" => {
            let until = optional_date(fields, "pause_jusqu")?;
            if until.is_some_and(|d| d <= today) {
                return Err(err("pause_jusqu", Reason::Date));
            }
            FollowUpChoice::Paused { until }
        }
        "ended" => FollowUpChoice::Ended,
        _ => return Err(err("suivi", Reason::Invalid)),
    };
    Ok(ResidentDraft {
        id,
        first_name: text(fields, "prenom", true)?,
        last_name: text(fields, "nom", true)?,
        address: text(fields, "adresse", true)?,
        commune: commune_field(fields)?,
        position: parse_position(field(fields, "position")).map_err(|()| err("position", Reason::Invalid))?,
        phone,
        access_notes: text(fields, "acces", false)?,
        likes: text(fields, "gouts", false)?,
        rhythm: Rhythm::from_code(field(fields, "rythme")).ok_or_else(|| err("rythme", Reason::Invalid))?,
        isolation: field(fields, "isolement")
            .parse()
            .ok()
            .and_then(IsolationLevel::new)
            .ok_or_else(|| err("isolement", Reason::Invalid))?,
        preferred: parse_slots(fields)?,
        consent,
        follow_up_start: optional_date(fields, "debut_suivi")?
            .ok_or_else(|| err("debut_suivi", Reason::Required))
            .and_then(|d| match crate::domain::windows::follow_up_start(d, today) {
                Ok(()) => Ok(d),
                Err(_) => Err(err("debut_suivi", Reason::Date)),
            })?,
        programme: parse_programme(fields, follow_up, today)?,
        follow_up,
        volunteer: match field(fields, "benevole") {
            "" => None,
            v => Some(VolunteerId(v.parse().map_err(|_| err("benevole", Reason::Invalid))?)),
        },
    })
}

/// The fields of a stored resident, to fill the form (the consent is shown, not edited).
pub fn resident_values(r: &Resident) -> Fields {
    let mut out: Fields = vec![
        ("id".into(), r.id.0.to_string()),
        ("prenom".into(), r.first_name.clone()),
        ("nom".into(), r.last_name.clone()),
        ("adresse".into(), r.address.clone()),
        ("commune".into(), r.commune.as_str().to_owned()),
        ("position".into(), format!("{:.5}, {:.5}", r.home.lat, r.home.lon)),
        ("telephone".into(), r.phone.clone().unwrap_or_default()),
        ("acces".into(), r.access_notes.clone()),
        ("gouts".into(), r.likes.clone()),
        ("rythme".into(), r.rhythm.code().to_owned()),
        ("isolement".into(), r.isolation.get().to_string()),
        ("debut_suivi".into(), r.follow_up_start.to_string()),
        ("benevole".into(), r.volunteer.map(|v| v.0.to_string()).unwrap_or_default()),
    ];
    let (status, until) = match r.follow_up {
        FollowUp::Active { .. } => ("active", None),
        FollowUp::Paused { until, .. } => ("paused", until),
        FollowUp::Ended { .. } => ("ended", None),
    };
    out.push(("suivi".into(), status.into()));
    out.push(("pause_jusqu".into(), until.map(|d| d.to_string()).unwrap_or_default()));
    let p = &r.programme;
    out.push(("oriente_par".into(), p.referral.map(|f| f.by.code().to_owned()).unwrap_or_default()));
    out.push(("oriente_le".into(), p.referral.and_then(|f| f.on).map(|d| d.to_string()).unwrap_or_default()));
    out.push(("mode_suivi".into(), p.mode.code().to_owned()));
    out.push(("motif_fin".into(), p.end_reason.map(|e| e.code().to_owned()).unwrap_or_default()));
    slot_values(&r.preferred, &mut out);
    out
}

/// A volunteer as an ambassador's form gives it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct VolunteerDraft {
    pub id: Option<VolunteerId>,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub commune: InseeCode,
    pub position: Option<Location>,
    pub travel: TravelMode,
    pub radius_km: f64,
    pub communes: Vec<InseeCode>,
    pub weekly_capacity: u8,
    pub availability: Vec<WeeklySlot>,
    pub charter: Option<Milestone>,
    pub training: Option<Milestone>,
    pub active: bool,
}

/// A step of the volunteer's path: ticked (`name` = 1) with its day (`{name}_le`, on or
/// before today) or without it ("date inconnue"); a day alone ticks it.
fn milestone(fields: &Fields, name: &str, today: Date) -> Result<Option<Milestone>, FieldError> {
    let day_field = format!("{name}_le");
    match optional_date(fields, &day_field)? {
        Some(day) if day > today => Err(err(&day_field, Reason::Date)),
        Some(day) => Ok(Some(Milestone::On(day))),
        None if field(fields, name) == "1" => Ok(Some(Milestone::DateUnknown)),
        None => Ok(None),
    }
}

fn milestone_values(name: &str, step: Option<Milestone>, out: &mut Fields) {
    if let Some(step) = step {
        out.push((name.to_owned(), "1".into()));
        if let Some(day) = step.day() {
            out.push((format!("{name}_le"), day.to_string()));
        }
    }
}

/// Reads and checks a volunteer form; the steps of the path are done on or before `today`.
pub fn parse_volunteer(fields: &Fields, today: Date) -> Result<VolunteerDraft, FieldError> {
    let mut communes = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "communes") {
        let code = InseeCode::parse(v.trim()).ok_or_else(|| err("communes", Reason::Invalid))?;
        if !communes.contains(&code) {
            communes.push(code);
        }
    }
    communes.sort_by(|a: &InseeCode, b| a.as_str().cmp(b.as_str()));
    Ok(VolunteerDraft {
        id: id_field(fields)?.map(VolunteerId),
        first_name: text(fields, "prenom", true)?,
        last_name: text(fields, "nom", true)?,
        phone: match field(fields, "telephone") {
            "" => return Err(err("telephone", Reason::Required)),
            v => parse_phone(v).ok_or_else(|| err("telephone", Reason::Invalid))?,
        },
        commune: commune_field(fields)?,
        position: parse_position(field(fields, "position")).map_err(|()| err("position", Reason::Invalid))?,
        travel: match field(fields, "deplacement") {
            "" => return Err(err("deplacement", Reason::Required)),
            v => TravelMode::from_code(v).ok_or_else(|| err("deplacement", Reason::Invalid))?,
        },
        radius_km: number(fields, "rayon", 0.0, 100.0)?,
        communes,
        weekly_capacity: number(fields, "capacite", 0, 50)?,
        availability: parse_slots(fields)?,
        charter: milestone(fields, "charte", today)?,
        training: milestone(fields, "formation", today)?,
        active: field(fields, "actif") == "1",
    })
}

pub fn volunteer_values(v: &Volunteer) -> Fields {
    let mut out: Fields = vec![
        ("id".into(), v.id.0.to_string()),
        ("prenom".into(), v.first_name.clone()),
        ("nom".into(), v.last_name.clone()),
        ("telephone".into(), v.phone.clone()),
        ("commune".into(), v.commune.as_str().to_owned()),
        ("position".into(), format!("{:.5}, {:.5}", v.home.lat, v.home.lon)),
        ("rayon".into(), format!("{}", v.reach.radius_km)),
        ("capacite".into(), v.weekly_capacity.to_string()),
        ("deplacement".into(), v.travel.code().to_owned()),
    ];
    milestone_values("charte", v.charter, &mut out);
    milestone_values("formation", v.training, &mut out);
    if v.active {
        out.push(("actif".into(), "1".into()));
    }
    out.extend(v.reach.communes.iter().map(|c| ("communes".to_owned(), c.as_str().to_owned())));
    slot_values(&v.availability, &mut out);
    out
}

/// What the people page's search keeps. Posted (`/personnes/recherche`), never in a URL: it
/// may hold a name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeopleFilter {
    /// Part of a name, compared without case or accents.
    pub text: String,
    /// A commune's name, as the lists show it ("" for any).
    pub commune: String,
    /// A resident's follow-up state (`active`, `paused`, `ended`, or `waiting`: followed and
    /// without a volunteer; "" for any).
    pub state: String,
    /// The usual volunteer ("" for any, `none` for residents without one).
    pub volunteer: String,
    /// Only residents whose visit is overdue.
    pub overdue: bool,
}

impl PeopleFilter {
    pub fn from_fields(fields: &Fields) -> PeopleFilter {
        PeopleFilter {
            text: field(fields, "nom").chars().take(MAX_TEXT).collect(),
            commune: field(fields, "commune").to_owned(),
            state: field(fields, "suivi").to_owned(),
            volunteer: field(fields, "benevole").to_owned(),
            overdue: field(fields, "en_retard") == "1",
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == PeopleFilter::default()
    }

    fn name_matches(&self, name: &str) -> bool {
        let wanted = crate::domain::text::name_key(&self.text);
        wanted.is_empty() || crate::domain::text::name_key(name).contains(&wanted)
    }

    /// Whether a resident's row passes; `today` tells what is overdue (a follow-up under way
    /// past its due day and tolerance).
    pub fn keeps_resident(&self, r: &ResidentRow, today: Date) -> bool {
        let state = match r.state {
            FollowUpState::Active => "active",
            FollowUpState::Paused => "paused",
            FollowUpState::Ended => "ended",
        };
        let volunteer = match (self.volunteer.as_str(), r.volunteer_id) {
            ("", _) => true,
            ("none", v) => v.is_none(),
            (wanted, Some(v)) => wanted == v.0.to_string(),
            (_, None) => false,
        };
        let overdue = r.state == FollowUpState::Active && crate::domain::rules::is_overdue(r.rhythm, r.next_due, today);
        self.name_matches(&r.name)
            && (self.commune.is_empty() || self.commune == r.commune)
            && match self.state.as_str() {
                "" => true,
                "waiting" => r.state == FollowUpState::Active && r.volunteer_id.is_none(),
                wanted => wanted == state,
            }
            && volunteer
            && (!self.overdue || overdue)
    }

    /// Whether a volunteer's row passes: by name and commune (the other criteria are the
    /// residents').
    pub fn keeps_volunteer(&self, v: &VolunteerRow) -> bool {
        self.name_matches(&v.name) && (self.commune.is_empty() || self.commune == v.commune)
    }
}

/// A stable digest of a record's form fields (FNV-1a over the sorted fields): the same record
/// gives the same value in every process, so a check made earlier (an import's dry run) can
/// tell whether the record changed since.
pub fn fingerprint(fields: &Fields) -> u64 {
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    sorted.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, v) in sorted {
        for b in k.bytes().chain([0]).chain(v.bytes()).chain([0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A form the server refused, sent back to its page with what was typed and the first error
/// (the page is rendered again from the post, so nothing typed is lost and nothing personal
/// goes into a URL).
#[derive(Clone, Debug)]
pub struct SubmittedForm {
    pub fields: Fields,
    pub error: FieldError,
}

/// The form field names of the slot grid, for the pages: (day, slot) → (from, to).
pub fn slot_names(day: usize, k: usize) -> (String, String) {
    (slot_field(day, k, false), slot_field(day, k, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn today() -> Date {
        Date::parse("2026-11-29").unwrap()
    }

    fn new_resident() -> Fields {
        f(&[
            ("prenom", "Lucienne"),
            ("nom", "Moineau"),
            ("adresse", "3 rue des Lilas"),
            ("commune", "86070"),
            ("position", ""),
            ("telephone", "05.49.12.34.56"),
            ("rythme", "weekly"),
            ("isolement", "3"),
            ("consentement_date", "2026-11-20"),
            ("consentement_mode", "written"),
            ("debut_suivi", "2026-11-30"),
            ("suivi", "active"),
            ("creneau_1_0_de", "09:30"),
            ("creneau_1_0_a", "11:30"),
        ])
    }

    fn with(mut fields: Fields, name: &str, value: &str) -> Fields {
        fields.retain(|(k, _)| k != name);
        fields.push((name.to_owned(), value.to_owned()));
        fields
    }

    #[test]
    fn a_new_resident_is_read() {
        let d = parse_resident(&new_resident(), today()).unwrap();
        assert_eq!(d.id, None);
        assert_eq!(d.phone.as_deref(), Some("05 49 12 34 56"));
        assert_eq!(d.consent, Some((Date::parse("2026-11-20").unwrap(), ConsentMethod::Written)));
        assert_eq!(d.preferred.len(), 1);
        assert_eq!(d.preferred[0].weekday, Weekday::Tuesday);
        assert_eq!(d.follow_up, FollowUpChoice::Active);
        assert_eq!(d.position, None);
        assert_eq!(d.programme, Programme::default(), "no referral said, visits");

        let mut fields = new_resident();
        fields.extend(f(&[("oriente_par", "ccas"), ("oriente_le", "2026-11-12"), ("mode_suivi", "both")]));
        let d = parse_resident(&fields, today()).unwrap();
        let on = Some(Date::parse("2026-11-12").unwrap());
        assert_eq!(d.programme.referral, Some(Referral { by: ReferralSource::Ccas, on }));
        assert_eq!(d.programme.mode, FollowUpMode::Both);
        let ended = with(with(fields.clone(), "suivi", "ended"), "motif_fin", "care_home");
        let d = parse_resident(&ended, today()).unwrap();
        assert_eq!((d.follow_up, d.programme.end_reason), (FollowUpChoice::Ended, Some(EndReason::CareHome)));
        // A reason left from an earlier end is dropped when the follow-up goes on.
        let active = with(fields, "motif_fin", "moved");
        assert_eq!(parse_resident(&active, today()).unwrap().programme.end_reason, None);
    }

    /// One row per rule: the field blamed and why.
    #[test]
    fn resident_errors() {
        let cases: &[(&str, &str, &str, Reason)] = &[
            ("prenom", "", "prenom", Reason::Required),
            ("adresse", "   ", "adresse", Reason::Required),
            ("nom", &"x".repeat(501), "nom", Reason::TooLong),
            ("nom", "a\u{0}b", "nom", Reason::Invalid),
            ("commune", "", "commune", Reason::Required),
            ("commune", "8607", "commune", Reason::Invalid),
            ("telephone", "12345", "telephone", Reason::Invalid),
            ("telephone", "00 49 12 34 56", "telephone", Reason::Invalid),
            ("position", "95, 0.3", "position", Reason::Invalid),
            ("position", "46.4", "position", Reason::Invalid),
            ("rythme", "daily", "rythme", Reason::Invalid),
            ("isolement", "4", "isolement", Reason::Invalid),
            ("consentement_date", "", "consentement_date", Reason::Required),
            ("consentement_date", "2026-11-30", "consentement_date", Reason::Date),
            ("consentement_date", "1000-01-01", "consentement_date", Reason::Date),
            ("debut_suivi", "9999-12-31", "debut_suivi", Reason::Date),
            ("debut_suivi", "1000-01-01", "debut_suivi", Reason::Date),
            ("consentement_mode", "", "consentement_mode", Reason::Required),
            ("consentement_mode", "email", "consentement_mode", Reason::Invalid),
            ("debut_suivi", "", "debut_suivi", Reason::Required),
            ("suivi", "gone", "suivi", Reason::Invalid),
            ("creneau_1_0_a", "", "creneau_1_0_a", Reason::Slot),
            ("creneau_1_0_a", "09:00", "creneau_1_0_a", Reason::Slot),
            ("creneau_1_0_a", "9h", "creneau_1_0_a", Reason::Slot),
            ("benevole", "x", "benevole", Reason::Invalid),
            ("oriente_par", "ami", "oriente_par", Reason::Invalid),
            ("oriente_le", "2099-01-01", "oriente_le", Reason::Date),
            ("mode_suivi", "sms", "mode_suivi", Reason::Invalid),
            ("suivi", "ended", "motif_fin", Reason::Required),
        ];
        for (name, value, blamed, reason) in cases {
            let e = parse_resident(&with(new_resident(), name, value), today()).unwrap_err();
            assert_eq!((e.field.as_str(), e.reason), (*blamed, *reason), "{name} = {value:?}");
        }
        let paused = with(with(new_resident(), "suivi", "paused"), "pause_jusqu", "2026-11-29");
        assert_eq!(parse_resident(&paused, today()).unwrap_err().reason, Reason::Date);
        let overlapping = with(with(new_resident(), "creneau_1_1_de", "11:00"), "creneau_1_1_a", "12:00");
        assert_eq!(parse_resident(&overlapping, today()).unwrap_err().field, "creneau_1_1_de");
    }

    #[test]
    fn an_edit_keeps_the_consent_on_record() {
        let edit = with(with(with(new_resident(), "id", "7"), "consentement_date", ""), "consentement_mode", "");
        let d = parse_resident(&edit, today()).unwrap();
        assert_eq!((d.id, d.consent), (Some(ResidentId(7)), None));
    }

    #[test]
    fn phones_and_positions() {
        assert_eq!(parse_phone("+33 6 12 34 56 78").as_deref(), Some("06 12 34 56 78"));
        assert_eq!(parse_phone("+33 (0)6").as_deref(), None);
        assert_eq!(parse_phone("0612345678").as_deref(), Some("06 12 34 56 78"));
        assert_eq!(parse_phone("06-12-34-56-7"), None);
        assert_eq!(parse_position("46.43, 0.31"), Ok(Location::new(46.43, 0.31)));
        assert_eq!(parse_position("46.43 0.31"), Ok(Location::new(46.43, 0.31)));
        assert_eq!(parse_position(""), Ok(None));
        assert_eq!(parse_position("46,43 0,31"), Ok(Location::new(46.43, 0.31)));
        assert_eq!(parse_position("46,43; 0,31"), Ok(Location::new(46.43, 0.31)));
        assert_eq!(parse_position("46,43"), Err(()));
        assert_eq!(parse_position("46.43, 0.31, 2"), Err(()));
    }

    #[test]
    fn fingerprints_follow_the_values_not_their_order() {
        let a = f(&[("nom", "Moineau"), ("prenom", "Lucienne")]);
        let b = f(&[("prenom", "Lucienne"), ("nom", "Moineau")]);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&f(&[("nom", "Moineau"), ("prenom", "Lucien")])));
        assert_ne!(fingerprint(&f(&[("ab", "c")])), fingerprint(&f(&[("a", "bc")])));
        assert_eq!(fingerprint(&Vec::new()), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn follow_up_keeps_its_start_unless_it_changes() {
        let earlier = Date::parse("2026-01-05").unwrap();
        let active = FollowUp::Active { since: earlier };
        assert_eq!(FollowUpChoice::Active.apply(Some(active), today()), active);
        assert_eq!(FollowUpChoice::Ended.apply(Some(active), today()), FollowUp::Ended { on: today() });
        let paused = FollowUpChoice::Paused { until: None }.apply(Some(active), today());
        assert_eq!(paused, FollowUp::Paused { since: today(), until: None });
        assert_eq!(FollowUpChoice::Active.apply(None, today()), FollowUp::Active { since: today() });
    }

    #[test]
    fn the_people_search_keeps_what_it_is_asked() {
        let row = |name: &str, commune: &str, state: FollowUpState, volunteer: Option<i64>, due: &str| ResidentRow {
            id: ResidentId(1),
            name: name.into(),
            commune: commune.into(),
            rhythm: Rhythm::Weekly,
            isolation: 2,
            state,
            volunteer: volunteer.map(|v| format!("V{v}")),
            volunteer_id: volunteer.map(VolunteerId),
            next_due: Date::parse(due).unwrap(),
        };
        let lucienne = row("Lucienne Moineau", "Civray", FollowUpState::Active, Some(3), "2026-11-10");
        let gisele = row("Gisèle Merle", "Charroux", FollowUpState::Paused, None, "2026-11-10");
        let filter = |pairs: &[(&str, &str)]| PeopleFilter::from_fields(&f(pairs));
        let cases: &[(&str, PeopleFilter, [bool; 2])] = &[
            ("nothing asked", filter(&[]), [true, true]),
            ("part of a name, any case or accent", filter(&[("nom", "GISELE")]), [false, true]),
            ("a last name", filter(&[("nom", "moineau")]), [true, false]),
            ("a commune", filter(&[("commune", "Charroux")]), [false, true]),
            ("a state", filter(&[("suivi", "paused")]), [false, true]),
            ("waiting: followed, no volunteer (a paused one is not)", filter(&[("suivi", "waiting")]), [false, false]),
            ("a volunteer", filter(&[("benevole", "3")]), [true, false]),
            ("without a volunteer", filter(&[("benevole", "none")]), [false, true]),
            ("overdue: followed and late (a paused one is not)", filter(&[("en_retard", "1")]), [true, false]),
            ("both criteria", filter(&[("nom", "lucienne"), ("commune", "Charroux")]), [false, false]),
        ];
        for (name, filter, expected) in cases {
            let kept = [filter.keeps_resident(&lucienne, today()), filter.keeps_resident(&gisele, today())];
            assert_eq!(&kept, expected, "{name}");
        }
        assert!(filter(&[]).is_empty() && !filter(&[("en_retard", "1")]).is_empty());
        let on_time = row("Lucienne Moineau", "Civray", FollowUpState::Active, Some(3), "2026-11-28");
        assert!(!filter(&[("en_retard", "1")]).keeps_resident(&on_time, today()));
        let alone = row("Rose Pic", "Civray", FollowUpState::Active, None, "2026-11-28");
        assert!(filter(&[("suivi", "waiting")]).keeps_resident(&alone, today()), "followed, waiting for a volunteer");
    }

    fn volunteer_fields() -> Fields {
        f(&[
            ("prenom", "Marcel"),
            ("nom", "Pinson"),
            ("telephone", "06 39 98 12 34"),
            ("commune", "86070"),
            ("deplacement", "two_wheels"),
            ("charte", "1"),
            ("formation_le", "2026-11-20"),
            ("rayon", "12,5"),
            ("capacite", "6"),
            ("communes", "86120"),
            ("communes", "86070"),
            ("communes", "86120"),
            ("actif", "1"),
            ("creneau_0_0_de", "14:00"),
            ("creneau_0_0_a", "17:30"),
            ("creneau_0_1_de", "09:00"),
            ("creneau_0_1_a", "12:00"),
        ])
    }

    #[test]
    fn a_volunteer_is_read() {
        let d = parse_volunteer(&volunteer_fields(), today()).unwrap();
        assert!(d.travel == TravelMode::TwoWheels && d.active);
        assert_eq!(d.charter, Some(Milestone::DateUnknown), "ticked without a day");
        assert_eq!(d.training, Some(Milestone::On(Date::parse("2026-11-20").unwrap())), "a day alone ticks it");
        assert_eq!(d.radius_km, 12.5);
        assert_eq!(d.weekly_capacity, 6);
        let communes: Vec<&str> = d.communes.iter().map(|c| c.as_str()).collect();
        assert_eq!(communes, ["86070", "86120"]);
        // Sorted by start within the day.
        assert_eq!(d.availability[0].start, Minute::hm(9, 0).unwrap());
        let cases: &[(&str, &str, Reason)] = &[
            ("telephone", "", Reason::Required),
            ("rayon", "101", Reason::Invalid),
            ("rayon", "-1", Reason::Invalid),
            ("capacite", "51", Reason::Invalid),
            ("capacite", "", Reason::Required),
            ("communes", "x", Reason::Invalid),
            ("deplacement", "", Reason::Required),
            ("deplacement", "plane", Reason::Invalid),
            ("charte_le", "2026-13-01", Reason::Invalid),
            ("formation_le", "2099-01-01", Reason::Date),
        ];
        for (name, value, reason) in cases {
            let e = parse_volunteer(&with(volunteer_fields(), name, value), today()).unwrap_err();
            assert_eq!((e.field.as_str(), e.reason), (*name, *reason), "{name} = {value:?}");
        }
        let unticked: Fields = volunteer_fields()
            .into_iter()
            .filter(|(k, _)| !["actif", "charte", "formation_le"].contains(&k.as_str()))
            .collect();
        let d = parse_volunteer(&unticked, today()).unwrap();
        assert!(!d.active && d.charter.is_none() && d.training.is_none());
    }
}
