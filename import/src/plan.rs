//! A file's rows checked against the territory and the scope's records: what each row would
//! create or update, or why it is refused (line, column, reason). The same rules as the
//! ambassador's forms (`monalisa_core::people`): a row becomes the fields of a form and goes
//! through the form's checks.
//!
//! A row's key: its `Référence` when the file has one (the same reference is the same
//! person), else the person's name and commune with their phone or address. A row matching a
//! record updates the columns it fills (an empty cell keeps what the record holds; a consent on
//! record is never changed); a row that changes nothing is "unchanged", so importing the same
//! file twice changes nothing.

use crate::columns::{Col, Kind, Layout, header};
use crate::table::{FileError, Row, Table};
use crate::values::{self, DateProblem, name_key};
use monalisa_core::domain::{Ambassador, Commune, Date, InseeCode, Location, Resident, Volunteer, Weekday};
use monalisa_core::people::{self, FieldError, Fields, Reason};
use serde::{Deserialize, Serialize};

/// A resident already recorded in the scope.
#[derive(Clone, Debug)]
pub struct ExistingResident {
    pub record: Resident,
    pub reference: Option<String>,
    /// The day their consent was withdrawn (the record holds no name any more).
    pub withdrawn_on: Option<Date>,
}

/// A volunteer already recorded in the scope.
#[derive(Clone, Debug)]
pub struct ExistingVolunteer {
    pub record: Volunteer,
    pub reference: Option<String>,
}

/// What a file is checked against.
pub struct Context<'a> {
    pub today: Date,
    /// The territory's communes.
    pub communes: &'a [Commune],
    /// The communes of the scope the file is imported into.
    pub scope_communes: &'a [InseeCode],
    /// Every ambassador (a consent may have been collected before a commune changed scope).
    pub ambassadors: &'a [Ambassador],
    pub residents: &'a [ExistingResident],
    pub volunteers: &'a [ExistingVolunteer],
    /// Whether a position lies inside a commune.
    pub inside: &'a dyn Fn(&InseeCode, &Location) -> bool,
}

/// A file checked: one planned row per data row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub kind: Kind,
    pub rows: Vec<PlannedRow>,
    /// Headers that name no column: their cells were not read.
    pub ignored: Vec<String>,
}

impl Plan {
    /// Rows to create, to update, unchanged, refused.
    pub fn counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for r in &self.rows {
            n[match r.action {
                Action::Create => 0,
                Action::Update { .. } => 1,
                Action::Unchanged { .. } => 2,
                Action::Refused { .. } => 3,
            }] += 1;
        }
        n
    }
}

/// What a row would do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedRow {
    pub line: u32,
    /// First name, last name and commune as the file writes them (for the person checking).
    pub label: String,
    pub reference: Option<String>,
    pub action: Action,
    /// The form's fields the row gives (a creation or an update), checked by the form's rules.
    pub fields: Fields,
    /// Who collected the consent (a new resident).
    pub recorded_by: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    Create,
    /// `fingerprint`: the record as the check saw it ([`people::fingerprint`]); `columns`: the
    /// columns whose value changes.
    Update {
        id: i64,
        fingerprint: u64,
        columns: Vec<String>,
    },
    Unchanged {
        id: i64,
    },
    Refused {
        column: String,
        problem: Problem,
    },
}

impl Action {
    pub fn writes(&self) -> bool {
        matches!(self, Action::Create | Action::Update { .. })
    }
}

/// Why a row is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Missing,
    TooLong,
    /// Control or invisible characters.
    Characters,
    Unreadable,
    /// A date written with a two-digit year.
    ShortYear,
    ImpossibleDate,
    /// A consent in the future, or older than the records kept.
    ConsentDate,
    FollowUpStart,
    Phone,
    CommuneOutsideTerritory,
    CommuneOutsideScope,
    PositionOutsideCommune,
    Slots,
    TooManySlots,
    Number {
        lo: u32,
        hi: u32,
    },
    Isolation,
    Rhythm,
    ConsentMethod,
    YesNo,
    TravelMode,
    ReferralSource,
    FollowUpMode,
    /// A step of a volunteer's path done in the future.
    StepDate,
    UnknownAmbassador,
    AmbiguousAmbassador,
    UnknownVolunteer,
    AmbiguousVolunteer,
    DuplicateInFile {
        line: u32,
    },
    /// The same name in the same commune as a record, with neither its phone nor its address.
    PossibleDuplicate {
        id: i64,
    },
    ConsentWithdrawn {
        on: Date,
    },
    /// A rule of the record the row updates (a pause that already ended, say).
    Record,
    /// A volunteer made inactive while people still have them as usual volunteer.
    StillFollowing,
}

impl Problem {
    pub fn text(&self, english: bool) -> String {
        let (fr, en): (String, String) = match self {
            Problem::Missing => ("valeur obligatoire manquante".into(), "required value missing".into()),
            Problem::TooLong => {
                ("texte trop long (500 caractères au plus)".into(), "text too long (500 characters at most)".into())
            }
            Problem::Characters => {
                ("caractères de contrôle ou invisibles".into(), "control or invisible characters".into())
            }
            Problem::Unreadable => ("valeur illisible".into(), "unreadable value".into()),
            Problem::ShortYear => (
                "année à écrire sur 4 chiffres (JJ/MM/AAAA)".into(),
                "write the year with 4 digits (DD/MM/YYYY)".into(),
            ),
            Problem::ImpossibleDate => ("date impossible".into(), "impossible date".into()),
            Problem::ConsentDate => (
                "consentement daté dans le futur ou de plus de 20 ans".into(),
                "consent dated in the future or more than 20 years ago".into(),
            ),
            Problem::FollowUpStart => (
                "début du suivi plus d'un an dans le futur ou de plus de 20 ans".into(),
                "follow-up start more than a year ahead or 20 years ago".into(),
            ),
            Problem::Phone => (
                "numéro de téléphone non français (10 chiffres commençant par 0, ou +33)".into(),
                "not a French phone number (10 digits starting with 0, or +33)".into(),
            ),
            Problem::CommuneOutsideTerritory => {
                ("commune hors du territoire".into(), "commune outside the territory".into())
            }
            Problem::CommuneOutsideScope => {
                ("commune d'un autre secteur ou sans secteur".into(), "commune of another scope or of none".into())
            }
            Problem::PositionOutsideCommune => {
                ("position hors de la commune".into(), "position outside the commune".into())
            }
            Problem::Slots => (
                "créneau non compris (« lundi 9h-12h ; jeudi 14h-17h »), inversé ou qui en chevauche un autre".into(),
                "slot not understood (“lundi 9h-12h ; jeudi 14h-17h”), reversed or overlapping another".into(),
            ),
            Problem::TooManySlots => {
                ("plus de deux créneaux le même jour".into(), "more than two slots on one day".into())
            }
            Problem::Number { lo, hi } => {
                (format!("nombre de {lo} à {hi} attendu"), format!("a number from {lo} to {hi} expected"))
            }
            Problem::Isolation => ("1, 2 ou 3 attendu".into(), "1, 2 or 3 expected".into()),
            Problem::Rhythm => (
                "hebdomadaire, tous les 15 jours ou mensuel attendu".into(),
                "weekly, every two weeks or monthly expected".into(),
            ),
            Problem::ConsentMethod => {
                ("écrit, oral ou représentant attendu".into(), "written, oral or representative expected".into())
            }
            Problem::YesNo => ("oui ou non attendu".into(), "yes or no expected".into()),
            Problem::TravelMode => {
                ("voiture, deux-roues ou à pied attendu".into(), "car, two wheels or on foot expected".into())
            }
            Problem::ReferralSource => (
                "CCAS, famille, médecin, la personne, voisin ou autre attendu".into(),
                "CCAS, family, doctor, the person, neighbour or other expected".into(),
            ),
            Problem::FollowUpMode => ("visites, appels ou les deux attendu".into(), "visits, calls or both expected".into()),
            Problem::StepDate => (
                "date à venir : une étape déjà faite a lieu aujourd'hui au plus tard".into(),
                "a day to come: a step already done happened today at the latest".into(),
            ),
            Problem::UnknownAmbassador => (
                "aucun ambassadeur de ce nom n'est enregistré".into(),
                "no ambassador of that name is registered".into(),
            ),
            Problem::AmbiguousAmbassador => {
                ("plusieurs ambassadeurs portent ce nom".into(), "several ambassadors have that name".into())
            }
            Problem::UnknownVolunteer => (
                "aucun bénévole de ce nom ou de cette référence dans le secteur (importez d'abord les bénévoles)"
                    .into(),
                "no volunteer of that name or reference in the scope (import the volunteers first)".into(),
            ),
            Problem::AmbiguousVolunteer => (
                "plusieurs bénévoles du secteur portent ce nom : donnez sa référence".into(),
                "several volunteers of the scope have that name: give their reference".into(),
            ),
            Problem::DuplicateInFile { line } => {
                (format!("doublon de la ligne {line}"), format!("duplicate of line {line}"))
            }
            Problem::PossibleDuplicate { id } => (
                format!(
                    "même nom dans la même commune que la fiche n° {id}, sans son téléphone ni son adresse : ajoutez une colonne Référence ou corrigez la fiche"
                ),
                format!(
                    "same name in the same commune as record no. {id}, without its phone or address: add a Référence column or correct the record"
                ),
            ),
            Problem::ConsentWithdrawn { on } => (
                format!("cette personne a retiré son consentement le {}", french_date(*on)),
                format!("this person withdrew their consent on {on}"),
            ),
            Problem::StillFollowing => (
                "ce bénévole suit encore des personnes : passez-leur la main depuis sa fiche avant de le rendre inactif".into(),
                "this volunteer still follows people: hand them over from their record before making them inactive".into(),
            ),
            Problem::Record => (
                "la fiche existante ne permet pas cette mise à jour : corrigez-la d'abord".into(),
                "the existing record does not allow this update: correct it first".into(),
            ),
        };
        if english { en } else { fr }
    }
}

fn french_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{day:02}/{m:02}/{y}")
}

/// A refusal of one row: the column blamed (its French header) and why.
type Refusal = (Col, Problem);

/// Checks a file's rows.
pub fn plan(kind: Kind, table: &Table, ctx: &Context) -> Result<Plan, FileError> {
    let layout = Layout::new(kind, &table.headers)?;
    let mut seen: Vec<Seen> = Vec::with_capacity(table.rows.len());
    let mut rows = Vec::with_capacity(table.rows.len());
    // The scope's records by reference and by name, so each row looks up only its own.
    let index = match kind {
        Kind::Residents => Index::new(ctx.residents.iter().map(|r| {
            (
                r.reference.as_deref(),
                r.record.first_name.as_str(),
                r.record.last_name.as_str(),
                r.record.commune.as_str(),
            )
        })),
        Kind::Volunteers => Index::new(ctx.volunteers.iter().map(|v| {
            (
                v.reference.as_deref(),
                v.record.first_name.as_str(),
                v.record.last_name.as_str(),
                v.record.commune.as_str(),
            )
        })),
    };
    for row in &table.rows {
        let cell = |col: Col| layout.index(col).map_or("", |k| row.cell(k));
        let label = [cell(Col::FirstName), cell(Col::LastName)].join(" ").trim().to_owned();
        let label = match cell(Col::Commune) {
            "" => label,
            c => format!("{label} ({c})"),
        };
        let reference = Some(cell(Col::Reference).to_owned()).filter(|r| !r.is_empty());
        let checked = check_row(kind, &layout, row, ctx, &index, &mut seen);
        let (action, fields, recorded_by) = match checked {
            Ok(c) => c,
            Err((col, problem)) => {
                (Action::Refused { column: header(kind, col).to_owned(), problem }, Vec::new(), None)
            }
        };
        rows.push(PlannedRow { line: row.line, label, reference, action, fields, recorded_by });
    }
    Ok(Plan { kind, rows, ignored: layout.ignored })
}

/// A row already read in this file: its reference and name key, for duplicates.
struct Seen {
    line: u32,
    reference: Option<String>,
    name: (String, String),
}

fn person_key(first: &str, last: &str, commune: &str) -> (String, String, String) {
    (name_key(first), name_key(last), commune.to_owned())
}

/// The row's form fields and what they would do, or its refusal.
fn check_row(
    kind: Kind,
    layout: &Layout,
    row: &Row,
    ctx: &Context,
    index: &Index,
    seen: &mut Vec<Seen>,
) -> Result<(Action, Fields, Option<i64>), Refusal> {
    let cell = |col: Col| layout.index(col).map_or("", |k| row.cell(k));
    let mut given = Given::default();
    let commune = find_commune(ctx, cell(Col::Commune))?;
    if !ctx.scope_communes.contains(&commune) {
        return Err((Col::Commune, Problem::CommuneOutsideScope));
    }
    for (col, field) in [(Col::FirstName, "prenom"), (Col::LastName, "nom")] {
        match cell(col) {
            "" => return Err((col, Problem::Missing)),
            v => given.set(col, field, v),
        }
    }
    given.set(Col::Commune, "commune", commune.as_str());
    let reference = Some(cell(Col::Reference).to_owned()).filter(|r| !r.is_empty());
    if let Some(r) = &reference
        && (r.chars().count() > 100 || !monalisa_core::domain::text::acceptable(r))
    {
        return Err((Col::Reference, Problem::Unreadable));
    }
    let phone = match cell(Col::Phone) {
        "" => None,
        v => Some(people::parse_phone(v).ok_or((Col::Phone, Problem::Phone))?),
    };
    if let Some(p) = &phone {
        given.set(Col::Phone, "telephone", p);
    }
    let position = cell(Col::Position);
    if !position.is_empty() {
        let p = people::parse_position(position).map_err(|()| (Col::Position, Problem::Unreadable))?;
        if let Some(p) = p
            && !(ctx.inside)(&commune, &p)
        {
            return Err((Col::Position, Problem::PositionOutsideCommune));
        }
        given.set(Col::Position, "position", position);
    }
    let mut recorded_by = None;
    match kind {
        Kind::Residents => {
            for (col, field) in [(Col::Address, "adresse"), (Col::Access, "acces"), (Col::Likes, "gouts")] {
                if !cell(col).is_empty() {
                    given.set(col, field, cell(col));
                }
            }
            if let Some(code) = optional(cell(Col::Rhythm), values::rhythm, (Col::Rhythm, Problem::Rhythm))? {
                given.set(Col::Rhythm, "rythme", code);
            }
            match cell(Col::Isolation) {
                "" => {}
                v @ ("1" | "2" | "3") => given.set(Col::Isolation, "isolement", v),
                _ => return Err((Col::Isolation, Problem::Isolation)),
            }
            slots(&mut given, Col::Preferred, cell(Col::Preferred))?;
            if !cell(Col::Volunteer).is_empty() {
                let v = volunteer(ctx, cell(Col::Volunteer))?;
                given.set(Col::Volunteer, "benevole", &v.to_string());
            }
            if !cell(Col::FollowUpStart).is_empty() {
                let d = date(Col::FollowUpStart, cell(Col::FollowUpStart))?;
                given.set(Col::FollowUpStart, "debut_suivi", &d.to_string());
            }
            let by = (Col::ReferredBy, Problem::ReferralSource);
            if let Some(code) = optional(cell(Col::ReferredBy), values::referral_source, by)? {
                given.set(Col::ReferredBy, "oriente_par", code);
            }
            if !cell(Col::ReferredOn).is_empty() {
                let d = date(Col::ReferredOn, cell(Col::ReferredOn))?;
                given.set(Col::ReferredOn, "oriente_le", &d.to_string());
            }
            if let Some(code) = optional(cell(Col::Mode), values::follow_up_mode, (Col::Mode, Problem::FollowUpMode))? {
                given.set(Col::Mode, "mode_suivi", code);
            }
            let consent = date(Col::ConsentDate, cell(Col::ConsentDate))?;
            given.set(Col::ConsentDate, "consentement_date", &consent.to_string());
            let how = values::consent_method(cell(Col::ConsentMethod)).ok_or((
                Col::ConsentMethod,
                if cell(Col::ConsentMethod).is_empty() { Problem::Missing } else { Problem::ConsentMethod },
            ))?;
            given.set(Col::ConsentMethod, "consentement_mode", how);
            recorded_by = Some(ambassador(ctx, cell(Col::ConsentBy))?);
        }
        Kind::Volunteers => {
            if phone.is_none() {
                return Err((Col::Phone, Problem::Missing));
            }
            if let Some(mode) = optional(cell(Col::Travel), values::travel_mode, (Col::Travel, Problem::TravelMode))? {
                given.set(Col::Travel, "deplacement", mode);
            }
            for (col, name) in [(Col::Charter, "charte"), (Col::Training, "formation")] {
                milestone(&mut given, col, name, cell(col))?;
            }
            if let Some(active) = optional(cell(Col::Active), values::yes_no, (Col::Active, Problem::YesNo))? {
                given.set(Col::Active, "actif", if active { "1" } else { "" });
            }
            if !cell(Col::Radius).is_empty() {
                given.set(Col::Radius, "rayon", cell(Col::Radius).trim_end_matches("km").trim());
            }
            if !cell(Col::Capacity).is_empty() {
                given.set(Col::Capacity, "capacite", cell(Col::Capacity));
            }
            let accepted = cell(Col::Communes);
            if !accepted.is_empty() {
                given.cols.push(Col::Communes);
                for name in accepted.split([',', ';', '/', '\n']).map(str::trim).filter(|n| !n.is_empty()) {
                    let c = find_commune(ctx, name).map_err(|(_, p)| (Col::Communes, p))?;
                    if !ctx.scope_communes.contains(&c) {
                        return Err((Col::Communes, Problem::CommuneOutsideScope));
                    }
                    given.fields.push(("communes".into(), c.as_str().to_owned()));
                }
            }
            slots(&mut given, Col::Availability, cell(Col::Availability))?;
        }
    }
    // Duplicates within the file: the same reference, or (when one of the two has none) the
    // same name in the same commune.
    let (first, last, _) = person_key(cell(Col::FirstName), cell(Col::LastName), commune.as_str());
    let name = (format!("{first} {last}"), commune.as_str().to_owned());
    if let Some(earlier) = seen.iter().find(|s| match (&s.reference, &reference) {
        (Some(a), Some(b)) => a == b,
        _ => s.name == name,
    }) {
        return Err((
            if reference.is_some() { Col::Reference } else { Col::LastName },
            Problem::DuplicateInFile { line: earlier.line },
        ));
    }
    seen.push(Seen { line: row.line, reference: reference.clone(), name: name.clone() });

    let address = given.value("adresse").map(name_key);
    let target = match kind {
        Kind::Residents => {
            let info = |k: usize| {
                let r: &ExistingResident = &ctx.residents[k];
                RecordKey {
                    at: k,
                    id: r.record.id.0,
                    reference: r.reference.as_deref(),
                    phone: r.record.phone.as_deref(),
                    address: Some(name_key(&r.record.address)),
                }
            };
            let matching = target(index, info, &name, reference.as_deref(), phone.as_deref(), address.as_deref())?;
            if let Some(k) = matching
                && let Some(on) = ctx.residents[k].withdrawn_on
            {
                return Err((Col::LastName, Problem::ConsentWithdrawn { on }));
            }
            matching
        }
        Kind::Volunteers => {
            let info = |k: usize| {
                let v: &ExistingVolunteer = &ctx.volunteers[k];
                RecordKey {
                    at: k,
                    id: v.record.id.0,
                    reference: v.reference.as_deref(),
                    phone: Some(v.record.phone.as_str()),
                    address: None,
                }
            };
            target(index, info, &name, reference.as_deref(), phone.as_deref(), None)?
        }
    };
    match target {
        None => {
            let fields = given.creation(kind, ctx.today);
            form_check(kind, &fields, ctx.today, &given)?;
            Ok((Action::Create, fields, recorded_by))
        }
        Some(k) => {
            let (stored, stored_reference) = match kind {
                Kind::Residents => {
                    (people::resident_values(&ctx.residents[k].record), ctx.residents[k].reference.as_deref())
                }
                Kind::Volunteers => {
                    (people::volunteer_values(&ctx.volunteers[k].record), ctx.volunteers[k].reference.as_deref())
                }
            };
            let id = people::field(&stored, "id").parse().unwrap_or_default();
            let fields = given.update(&stored);
            // Nothing stays assigned to an inactive volunteer (the store refuses it too).
            let followed = |v: i64| {
                ctx.residents.iter().any(|r| {
                    r.record.volunteer.map(|x| x.0) == Some(v)
                        && !matches!(r.record.follow_up, monalisa_core::domain::FollowUp::Ended { .. })
                })
            };
            if kind == Kind::Volunteers && people::field(&fields, "actif").is_empty() && followed(id) {
                return Err((Col::Active, Problem::StillFollowing));
            }
            let before = form_check(kind, &stored, ctx.today, &given).map_err(|(col, _)| (col, Problem::Record))?;
            let after = form_check(kind, &fields, ctx.today, &given)?;
            let new_reference = reference.is_some() && stored_reference != reference.as_deref();
            if before == after && !new_reference {
                return Ok((Action::Unchanged { id }, Vec::new(), None));
            }
            let mut columns = changed_columns(kind, &stored, &fields);
            if new_reference {
                columns.insert(0, header(kind, Col::Reference).to_owned());
            }
            Ok((Action::Update { id, fingerprint: people::fingerprint(&stored), columns }, fields, None))
        }
    }
}

/// The record a row is about: the one with its reference; else, among the records of the same
/// name in the same commune (without a reference when the row has one), the one with its phone
/// or address. `Err` when namesakes exist but none, or several, is that person.
fn target<'r>(
    index: &Index,
    info: impl Fn(usize) -> RecordKey<'r>,
    name: &(String, String),
    reference: Option<&str>,
    phone: Option<&str>,
    address: Option<&str>,
) -> Result<Option<usize>, Refusal> {
    if let Some(k) = reference.and_then(|r| index.by_reference.get(r)) {
        return Ok(Some(*k));
    }
    let namesakes = index.by_name.get(name).map_or(&[][..], Vec::as_slice);
    let candidates: Vec<RecordKey<'r>> =
        namesakes.iter().map(|&k| info(k)).filter(|r| reference.is_none() || r.reference.is_none()).collect();
    let same: Vec<&RecordKey<'r>> = candidates
        .iter()
        .filter(|r| (phone.is_some() && r.phone == phone) || (address.is_some() && r.address.as_deref() == address))
        .collect();
    match (&same[..], candidates.first()) {
        ([one], _) => Ok(Some(one.at)),
        (_, None) => Ok(None),
        (_, Some(first)) => Err((Col::LastName, Problem::PossibleDuplicate { id: first.id })),
    }
}

/// What identifies a record: its reference, phone and address (compared as names).
struct RecordKey<'a> {
    at: usize,
    id: i64,
    reference: Option<&'a str>,
    phone: Option<&'a str>,
    address: Option<String>,
}

/// The scope's records by reference and by name and commune, built once per file.
struct Index {
    by_reference: std::collections::HashMap<String, usize>,
    by_name: std::collections::HashMap<(String, String), Vec<usize>>,
}

impl Index {
    fn new<'a>(records: impl Iterator<Item = (Option<&'a str>, &'a str, &'a str, &'a str)>) -> Index {
        let mut index = Index { by_reference: Default::default(), by_name: Default::default() };
        for (k, (reference, first, last, commune)) in records.enumerate() {
            if let Some(r) = reference {
                index.by_reference.insert(r.to_owned(), k);
            }
            let (f, l, c) = person_key(first, last, commune);
            index.by_name.entry((format!("{f} {l}"), c)).or_default().push(k);
        }
        index
    }
}

/// The form fields a row fills, and the columns they come from.
#[derive(Default)]
struct Given {
    fields: Fields,
    cols: Vec<Col>,
    /// Which column each field comes from.
    origin: Vec<(String, Col)>,
}

impl Given {
    fn set(&mut self, col: Col, field: &str, value: &str) {
        self.fields.push((field.to_owned(), value.to_owned()));
        self.origin.push((field.to_owned(), col));
        if !self.cols.contains(&col) {
            self.cols.push(col);
        }
    }

    fn value(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == field).map(|(_, v)| v.as_str())
    }

    fn column_of(&self, field: &str) -> Option<Col> {
        if field.starts_with("creneau_") {
            return self.cols.iter().copied().find(|c| matches!(c, Col::Preferred | Col::Availability));
        }
        if field == "communes" {
            return Some(Col::Communes);
        }
        self.origin.iter().find(|(f, _)| f == field).map(|(_, c)| *c)
    }

    /// A new record: the row's fields, and the documented defaults for the empty ones.
    fn creation(&self, kind: Kind, today: Date) -> Fields {
        let mut out = self.fields.clone();
        let defaults: &[(&str, String)] = match kind {
            Kind::Residents => {
                &[("rythme", "weekly".into()), ("debut_suivi", today.to_string()), ("suivi", "active".into())]
            }
            Kind::Volunteers => &[
                ("rayon", "10".into()),
                ("capacite", "4".into()),
                ("deplacement", "car".into()),
                ("actif", "1".into()),
            ],
        };
        for (name, value) in defaults {
            if !out.iter().any(|(k, _)| k == name) {
                out.push(((*name).to_owned(), value.clone()));
            }
        }
        out.retain(|(_, v)| !v.is_empty());
        out
    }

    /// An update: the record's fields, each one the row fills replaced (all slots or accepted
    /// communes at once); the consent on record kept as it is.
    fn update(&self, stored: &Fields) -> Fields {
        let replaces_slots = self.cols.iter().any(|c| matches!(c, Col::Preferred | Col::Availability));
        let replaces_communes = self.cols.contains(&Col::Communes);
        let mut out: Fields = stored
            .iter()
            .filter(|(k, _)| {
                !(self.value(k).is_some()
                    || (replaces_slots && k.starts_with("creneau_"))
                    || (replaces_communes && k == "communes"))
            })
            .cloned()
            .collect();
        out.extend(
            self.fields
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "consentement_date" | "consentement_mode"))
                .cloned(),
        );
        out.retain(|(_, v)| !v.is_empty());
        out
    }
}

/// The form's own checks on a row's fields, a refusal naming the column.
fn form_check(kind: Kind, fields: &Fields, today: Date, given: &Given) -> Result<FormValue, Refusal> {
    let blame = |e: FieldError| {
        let col = given.column_of(&e.field).unwrap_or(match e.field.as_str() {
            "adresse" => Col::Address,
            "isolement" => Col::Isolation,
            "telephone" => Col::Phone,
            "oriente_par" => Col::ReferredBy,
            _ => Col::LastName,
        });
        let problem = match (e.field.as_str(), e.reason) {
            (_, Reason::Required) => Problem::Missing,
            (f, Reason::Invalid) if people::field(fields, f).is_empty() => Problem::Missing,
            (_, Reason::TooLong) => Problem::TooLong,
            ("consentement_date", Reason::Date) => Problem::ConsentDate,
            ("debut_suivi", Reason::Date) => Problem::FollowUpStart,
            ("charte_le" | "formation_le", Reason::Date) => Problem::StepDate,
            ("oriente_le", Reason::Date) => Problem::ImpossibleDate,
            ("rayon", _) => Problem::Number { lo: 0, hi: 100 },
            ("capacite", _) => Problem::Number { lo: 0, hi: 50 },
            ("telephone", _) => Problem::Phone,
            (_, Reason::Slot) => Problem::Slots,
            (_, Reason::Invalid)
                if matches!(col, Col::FirstName | Col::LastName | Col::Address | Col::Access | Col::Likes) =>
            {
                Problem::Characters
            }
            _ => Problem::Unreadable,
        };
        (col, problem)
    };
    match kind {
        Kind::Residents => people::parse_resident(fields, today).map(FormValue::Resident).map_err(blame),
        Kind::Volunteers => people::parse_volunteer(fields, today).map(FormValue::Volunteer).map_err(blame),
    }
}

#[derive(PartialEq)]
enum FormValue {
    Resident(people::ResidentDraft),
    Volunteer(people::VolunteerDraft),
}

/// The columns whose form fields differ between a record and its update.
fn changed_columns(kind: Kind, stored: &Fields, updated: &Fields) -> Vec<String> {
    let value = |fields: &Fields, name: &str| -> Vec<String> {
        let mut v: Vec<String> = fields
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect();
        v.sort();
        v
    };
    let slots_differ = (0..7).any(|d| {
        (0..people::SLOTS_PER_DAY).any(|k| {
            let (a, b) = people::slot_names(d, k);
            value(stored, &a) != value(updated, &a) || value(stored, &b) != value(updated, &b)
        })
    });
    let mut out = Vec::new();
    for c in kind.columns() {
        let differs = match c.col {
            Col::Preferred | Col::Availability => slots_differ,
            Col::Reference | Col::ConsentDate | Col::ConsentMethod | Col::ConsentBy => false,
            Col::Charter => ["charte", "charte_le"].iter().any(|f| value(stored, f) != value(updated, f)),
            Col::Training => ["formation", "formation_le"].iter().any(|f| value(stored, f) != value(updated, f)),
            col => field_of(col).is_some_and(|f| value(stored, f) != value(updated, f)),
        };
        if differs {
            out.push(c.header.to_owned());
        }
    }
    out
}

fn field_of(col: Col) -> Option<&'static str> {
    Some(match col {
        Col::FirstName => "prenom",
        Col::LastName => "nom",
        Col::Address => "adresse",
        Col::Commune => "commune",
        Col::Phone => "telephone",
        Col::Position => "position",
        Col::Rhythm => "rythme",
        Col::Isolation => "isolement",
        Col::Access => "acces",
        Col::Likes => "gouts",
        Col::Volunteer => "benevole",
        Col::FollowUpStart => "debut_suivi",
        Col::ReferredBy => "oriente_par",
        Col::ReferredOn => "oriente_le",
        Col::Mode => "mode_suivi",
        Col::Travel => "deplacement",
        Col::Radius => "rayon",
        Col::Capacity => "capacite",
        Col::Communes => "communes",
        Col::Active => "actif",
        _ => return None,
    })
}

/// A step of a volunteer's path from its cell: a day (done then), yes (done; a day already
/// on record is kept, else it is unknown) or no (not yet); an empty cell says nothing.
fn milestone(given: &mut Given, col: Col, name: &str, text: &str) -> Result<(), Refusal> {
    if text.is_empty() {
        return Ok(());
    }
    let day_field = format!("{name}_le");
    match values::yes_no(text) {
        Some(true) => given.set(col, name, "1"),
        Some(false) => {
            given.set(col, name, "");
            given.set(col, &day_field, "");
        }
        None => {
            let day = date(col, text)?;
            given.set(col, name, "1");
            given.set(col, &day_field, &day.to_string());
        }
    }
    Ok(())
}

fn optional<T>(text: &str, read: impl Fn(&str) -> Option<T>, refusal: Refusal) -> Result<Option<T>, Refusal> {
    if text.is_empty() { Ok(None) } else { read(text).map(Some).ok_or(refusal) }
}

fn date(col: Col, text: &str) -> Result<Date, Refusal> {
    if text.is_empty() {
        return Err((col, Problem::Missing));
    }
    values::date(text).map_err(|p| {
        (
            col,
            match p {
                DateProblem::Unreadable => Problem::Unreadable,
                DateProblem::ShortYear => Problem::ShortYear,
                DateProblem::Impossible => Problem::ImpossibleDate,
            },
        )
    })
}

/// A commune by its INSEE code or its name.
fn find_commune(ctx: &Context, text: &str) -> Result<InseeCode, Refusal> {
    if text.is_empty() {
        return Err((Col::Commune, Problem::Missing));
    }
    let key = name_key(text);
    ctx.communes
        .iter()
        .find(|c| c.insee.as_str() == text.trim() || name_key(&c.name) == key)
        .map(|c| c.insee.clone())
        .ok_or((Col::Commune, Problem::CommuneOutsideTerritory))
}

/// Someone named "Prénom Nom" or "Nom Prénom" among `people` (first name, last name, id).
fn by_full_name(people: impl Iterator<Item = (String, String, i64)>, text: &str) -> Vec<i64> {
    let key = name_key(text);
    people
        .filter(|(first, last, _)| {
            let (f, l) = (name_key(first), name_key(last));
            key == format!("{f} {l}") || key == format!("{l} {f}")
        })
        .map(|(.., id)| id)
        .collect()
}

fn ambassador(ctx: &Context, text: &str) -> Result<i64, Refusal> {
    if text.is_empty() {
        return Err((Col::ConsentBy, Problem::Missing));
    }
    let found = by_full_name(ctx.ambassadors.iter().map(|a| (a.first_name.clone(), a.last_name.clone(), a.id.0)), text);
    match found[..] {
        [id] => Ok(id),
        [] => Err((Col::ConsentBy, Problem::UnknownAmbassador)),
        _ => Err((Col::ConsentBy, Problem::AmbiguousAmbassador)),
    }
}

fn volunteer(ctx: &Context, text: &str) -> Result<i64, Refusal> {
    if let Some(v) = ctx.volunteers.iter().find(|v| v.reference.as_deref() == Some(text)) {
        return Ok(v.record.id.0);
    }
    let found = by_full_name(
        ctx.volunteers.iter().map(|v| (v.record.first_name.clone(), v.record.last_name.clone(), v.record.id.0)),
        text,
    );
    match found[..] {
        [id] => Ok(id),
        [] => Err((Col::Volunteer, Problem::UnknownVolunteer)),
        _ => Err((Col::Volunteer, Problem::AmbiguousVolunteer)),
    }
}

/// A slots cell as the form's slot grid (per day up to [`people::SLOTS_PER_DAY`]).
fn slots(given: &mut Given, col: Col, text: &str) -> Result<(), Refusal> {
    if text.is_empty() {
        return Ok(());
    }
    let mut slots = values::slots(text).ok_or((col, Problem::Slots))?;
    slots.sort_by_key(|(d, from, _)| (d.index(), *from));
    given.cols.push(col);
    for (d, day) in Weekday::ALL.into_iter().enumerate() {
        let of_day: Vec<_> = slots.iter().filter(|(w, ..)| *w == day).collect();
        if of_day.len() > people::SLOTS_PER_DAY {
            return Err((col, Problem::TooManySlots));
        }
        for (k, (_, from, to)) in of_day.into_iter().enumerate() {
            let (a, b) = people::slot_names(d, k);
            given.fields.push((a, from.to_string()));
            given.fields.push((b, to.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
