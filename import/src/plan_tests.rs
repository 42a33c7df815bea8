//! Case tables for the row checks, and the property that re-importing a file changes nothing.

use super::*;
use crate::table::read;
use monalisa_core::domain::*;
use monalisa_core::people::{parse_resident, parse_volunteer};
use proptest::prelude::*;
use rstest::rstest;

fn today() -> Date {
    Date::from_ymd(2026, 12, 2).unwrap()
}

fn communes() -> Vec<Commune> {
    [
        ("86078", "Civray", 46.148, 0.295),
        ("86061", "Charroux", 46.143, 0.404),
        ("86246", "Saint-Pierre-d'Exideuil", 46.157, 0.266),
        ("86300", "Voulême", 46.09, 0.23),
    ]
    .into_iter()
    .map(|(code, name, lat, lon)| Commune {
        insee: InseeCode::parse(code).unwrap(),
        name: name.into(),
        population: 1000,
        population_year: 2021,
        area_km2: 20.0,
        centre: Location::new(lat, lon).unwrap(),
    })
    .collect()
}

/// The scope: Civray, Charroux and Saint-Pierre (Voulême belongs to another scope).
fn scope_communes() -> Vec<InseeCode> {
    ["86078", "86061", "86246"].into_iter().map(|c| InseeCode::parse(c).unwrap()).collect()
}

fn ambassadors() -> Vec<Ambassador> {
    vec![
        Ambassador {
            id: AmbassadorId(1),
            first_name: "Anne".into(),
            last_name: "Roux".into(),
            phone: "05 49 00 00 01".into(),
            scope: Some(ScopeId(1)),
        },
        Ambassador {
            id: AmbassadorId(2),
            first_name: "Paul".into(),
            last_name: "Martin".into(),
            phone: "05 49 00 00 02".into(),
            scope: Some(ScopeId(1)),
        },
        Ambassador {
            id: AmbassadorId(3),
            first_name: "Paul".into(),
            last_name: "Martin".into(),
            phone: "05 49 00 00 03".into(),
            scope: Some(ScopeId(2)),
        },
    ]
}

/// The records of a scope, as the store would give them.
#[derive(Clone, Default)]
struct World {
    residents: Vec<ExistingResident>,
    volunteers: Vec<ExistingVolunteer>,
    next: i64,
}

/// Positions are inside a commune when within 5 km of its centre.
fn inside(commune: &InseeCode, p: &Location) -> bool {
    communes().iter().any(|c| &c.insee == commune && c.centre.distance_km(p) < 5.0)
}

impl World {
    fn check(&self, kind: Kind, file: &str) -> Result<Plan, FileError> {
        self.check_bytes(kind, file.as_bytes())
    }

    fn check_bytes(&self, kind: Kind, bytes: &[u8]) -> Result<Plan, FileError> {
        let (communes, scope, ambassadors) = (communes(), scope_communes(), ambassadors());
        let ctx = Context {
            today: today(),
            communes: &communes,
            scope_communes: &scope,
            ambassadors: &ambassadors,
            residents: &self.residents,
            volunteers: &self.volunteers,
            inside: &inside,
        };
        crate::dry_run(kind, bytes, &ctx)
    }

    /// What applying a plan does to the records (the store's writes, in memory).
    fn apply(&mut self, plan: &Plan) {
        for row in plan.rows.iter().filter(|r| r.action.writes()) {
            let id = match row.action {
                Action::Update { id, .. } => id,
                _ => {
                    self.next += 1;
                    self.next
                }
            };
            let mut fields = row.fields.clone();
            fields.retain(|(k, _)| k != "id");
            fields.push(("id".into(), id.to_string()));
            let centre = |c: &InseeCode| communes().into_iter().find(|x| &x.insee == c).unwrap().centre;
            match plan.kind {
                Kind::Residents => {
                    let mut for_parse = fields.clone();
                    if matches!(row.action, Action::Create) {
                        for_parse.retain(|(k, _)| k != "id");
                    }
                    let d = parse_resident(&for_parse, today()).unwrap();
                    let old = self.residents.iter().position(|r| r.record.id.0 == id);
                    let consent = match old {
                        Some(k) => self.residents[k].record.consent.clone(),
                        None => {
                            let (given_on, method) = d.consent.unwrap();
                            Consent { given_on, method, recorded_by: AmbassadorId(row.recorded_by.unwrap()) }
                        }
                    };
                    let record = Resident {
                        id: ResidentId(id),
                        first_name: d.first_name,
                        last_name: d.last_name,
                        address: d.address,
                        home: d.position.unwrap_or_else(|| centre(&d.commune)),
                        commune: d.commune,
                        phone: d.phone,
                        access_notes: d.access_notes,
                        likes: d.likes,
                        rhythm: d.rhythm,
                        isolation: d.isolation,
                        preferred: d.preferred,
                        consent,
                        follow_up_start: d.follow_up_start,
                        follow_up: d.follow_up.apply(old.map(|k| self.residents[k].record.follow_up), today()),
                        volunteer: d.volunteer,
                        programme: d.programme,
                    };
                    let reference =
                        row.reference.clone().or_else(|| old.and_then(|k| self.residents[k].reference.clone()));
                    let existing = ExistingResident { record, reference, withdrawn_on: None };
                    match old {
                        Some(k) => self.residents[k] = existing,
                        None => self.residents.push(existing),
                    }
                }
                Kind::Volunteers => {
                    let d = parse_volunteer(&fields, today()).unwrap();
                    let old = self.volunteers.iter().position(|v| v.record.id.0 == id);
                    let record = Volunteer {
                        id: VolunteerId(id),
                        first_name: d.first_name,
                        last_name: d.last_name,
                        phone: d.phone,
                        home: d.position.unwrap_or_else(|| centre(&d.commune)),
                        commune: d.commune,
                        scope: ScopeId(1),
                        travel: d.travel,
                        reach: Reach { communes: d.communes, radius_km: d.radius_km },
                        weekly_capacity: d.weekly_capacity,
                        availability: d.availability,
                        absences: Vec::new(),
                        charter: d.charter,
                        training: d.training,
                        active: d.active,
                    };
                    let reference =
                        row.reference.clone().or_else(|| old.and_then(|k| self.volunteers[k].reference.clone()));
                    let existing = ExistingVolunteer { record, reference };
                    match old {
                        Some(k) => self.volunteers[k] = existing,
                        None => self.volunteers.push(existing),
                    }
                }
            }
        }
    }
}

const RESIDENT_HEADER: &str = "Référence;Prénom;Nom;Adresse;Commune;Téléphone;Rythme;Isolement;Créneaux préférés;Bénévole;Date du consentement;Forme du consentement;Consentement recueilli par";
const GOOD_RESIDENT: &str = "R1;Lucienne;Moineau;3 rue des Lilas;Civray;05 49 12 34 56;hebdomadaire;3;lundi 9h-11h30;;20/11/2026;écrit;Anne Roux";

fn residents_file(rows: &[&str]) -> String {
    format!("{RESIDENT_HEADER}\n{}\n", rows.join("\n"))
}

/// The good row with one cell replaced (cells counted from 0, as in the header).
fn with_cell(k: usize, value: &str) -> String {
    let mut cells: Vec<&str> = GOOD_RESIDENT.split(';').collect();
    cells[k] = value;
    cells.join(";")
}

fn only_row(plan: &Plan) -> &PlannedRow {
    assert_eq!(plan.rows.len(), 1, "{plan:?}");
    &plan.rows[0]
}

#[test]
fn a_good_resident_row_is_a_creation_with_its_consent() {
    let plan = World::default().check(Kind::Residents, &residents_file(&[GOOD_RESIDENT])).unwrap();
    let row = only_row(&plan);
    assert_eq!((row.line, row.label.as_str(), &row.action), (2, "Lucienne Moineau (Civray)", &Action::Create));
    assert_eq!(row.recorded_by, Some(1));
    assert_eq!(row.reference.as_deref(), Some("R1"));
    let d = parse_resident(&row.fields, today()).unwrap();
    assert_eq!(d.consent, Some((Date::from_ymd(2026, 11, 20).unwrap(), ConsentMethod::Written)));
    assert_eq!(d.commune.as_str(), "86078");
    assert_eq!(d.follow_up_start, today());
    assert_eq!(d.preferred.len(), 1);
}

/// One row per rule: the column blamed and the reason (cells: 0 ref, 1 first name, 2 last
/// name, 3 address, 4 commune, 5 phone, 6 rhythm, 7 isolation, 8 slots, 9 volunteer,
/// 10 consent date, 11 form, 12 collected by).
#[rstest]
#[case::no_first_name(1, "", "Prénom", Problem::Missing)]
#[case::control_character(2, "Moi\u{7}neau", "Nom", Problem::Characters)]
#[case::no_address(3, "", "Adresse", Problem::Missing)]
#[case::commune_elsewhere(4, "Poitiers", "Commune", Problem::CommuneOutsideTerritory)]
#[case::commune_other_scope(4, "Voulême", "Commune", Problem::CommuneOutsideScope)]
#[case::commune_by_code(4, "86061", "", Problem::Missing)]
#[case::commune_without_accents(4, "ST PIERRE D'EXIDEUIL", "", Problem::Missing)]
#[case::phone_not_french(5, "+44 20 7946 0958", "Téléphone", Problem::Phone)]
#[case::phone_short(5, "05 49 12", "Téléphone", Problem::Phone)]
#[case::rhythm_unknown(6, "quotidien", "Rythme", Problem::Rhythm)]
#[case::rhythm_default(6, "", "", Problem::Missing)]
#[case::isolation(7, "4", "Isolement", Problem::Isolation)]
#[case::isolation_missing(7, "", "Isolement", Problem::Missing)]
#[case::slots_unreadable(8, "le matin", "Créneaux préférés", Problem::Slots)]
#[case::slots_reversed(8, "lundi 12h-9h", "Créneaux préférés", Problem::Slots)]
#[case::slots_three_a_day(8, "lundi 8h-9h, lundi 10h-11h, lundi 14h-15h", "Créneaux préférés", Problem::TooManySlots)]
#[case::slots_overlap(8, "lundi 9h-11h, lundi 10h-12h", "Créneaux préférés", Problem::Slots)]
#[case::unknown_volunteer(9, "Marcel Pinson", "Bénévole", Problem::UnknownVolunteer)]
#[case::consent_missing(10, "", "Date du consentement", Problem::Missing)]
#[case::consent_future(10, "03/12/2026", "Date du consentement", Problem::ConsentDate)]
#[case::consent_impossible(10, "31/11/2026", "Date du consentement", Problem::ImpossibleDate)]
#[case::consent_short_year(10, "20/11/26", "Date du consentement", Problem::ShortYear)]
#[case::consent_ancient(10, "20/11/1990", "Date du consentement", Problem::ConsentDate)]
#[case::consent_form_missing(11, "", "Forme du consentement", Problem::Missing)]
#[case::consent_form_unknown(11, "par courriel", "Forme du consentement", Problem::ConsentMethod)]
#[case::collected_by_missing(12, "", "Consentement recueilli par", Problem::Missing)]
#[case::collected_by_unknown(12, "Jeanne Dupuis", "Consentement recueilli par", Problem::UnknownAmbassador)]
#[case::collected_by_two_namesakes(12, "Paul Martin", "Consentement recueilli par", Problem::AmbiguousAmbassador)]
#[case::collected_by_last_name_first(12, "ROUX Anne", "", Problem::Missing)]
fn resident_rows(#[case] cell: usize, #[case] value: &str, #[case] column: &str, #[case] problem: Problem) {
    let plan = World::default().check(Kind::Residents, &residents_file(&[&with_cell(cell, value)])).unwrap();
    let row = only_row(&plan);
    if column.is_empty() {
        assert_eq!(row.action, Action::Create, "{value:?}");
    } else {
        assert_eq!(row.action, Action::Refused { column: column.into(), problem }, "{value:?}");
    }
}

#[test]
fn duplicates_within_the_file_name_the_first_line() {
    let same_ref = with_cell(2, "Pinson");
    let second_person = with_cell(0, "R2");
    let file = residents_file(&[GOOD_RESIDENT, &same_ref, &second_person]);
    let plan = World::default().check(Kind::Residents, &file).unwrap();
    let actions: Vec<&Action> = plan.rows.iter().map(|r| &r.action).collect();
    assert_eq!(actions[0], &Action::Create);
    assert_eq!(
        actions[1],
        &Action::Refused { column: "Référence".into(), problem: Problem::DuplicateInFile { line: 2 } }
    );
    // Another reference: another person, even with the same name.
    assert_eq!(actions[2], &Action::Create);
    // Without references, the same name in the same commune is the same person.
    let no_ref = |row: &str| row.split_once(';').unwrap().1.to_owned();
    let header = RESIDENT_HEADER.split_once(';').unwrap().1;
    let file = format!("{header}\n{}\n{}\n", no_ref(GOOD_RESIDENT), no_ref(&with_cell(3, "8 route de Savigné")));
    let plan = World::default().check(Kind::Residents, &file).unwrap();
    assert_eq!(
        plan.rows[1].action,
        Action::Refused { column: "Nom".into(), problem: Problem::DuplicateInFile { line: 2 } }
    );
}

#[test]
fn a_second_import_changes_nothing_and_an_edited_row_updates_its_columns() {
    let mut world = World::default();
    let file = residents_file(&[GOOD_RESIDENT]);
    let first = world.check(Kind::Residents, &file).unwrap();
    world.apply(&first);
    let again = world.check(Kind::Residents, &file).unwrap();
    assert_eq!(only_row(&again).action, Action::Unchanged { id: 1 });
    // The phone changed in the spreadsheet: the record is updated, its consent kept.
    let edited = residents_file(&[&with_cell(5, "06 11 22 33 44")]);
    let plan = world.check(Kind::Residents, &edited).unwrap();
    let Action::Update { id: 1, columns, .. } = &only_row(&plan).action else { panic!("{plan:?}") };
    assert_eq!(columns, &["Téléphone"]);
    world.apply(&plan);
    assert_eq!(world.residents[0].record.phone.as_deref(), Some("06 11 22 33 44"));
    assert_eq!(world.residents[0].record.consent.given_on, Date::from_ymd(2026, 11, 20).unwrap());
    // An empty cell keeps what the record holds.
    let blank_phone = residents_file(&[&with_cell(5, "")]);
    assert_eq!(only_row(&world.check(Kind::Residents, &blank_phone).unwrap()).action, Action::Unchanged { id: 1 });
}

#[test]
fn rows_without_reference_find_their_record_by_name_commune_and_phone_or_address() {
    let mut world = World::default();
    world.apply(&world.check(Kind::Residents, &residents_file(&[GOOD_RESIDENT])).unwrap());
    let header = RESIDENT_HEADER.split_once(';').unwrap().1;
    let no_ref = |row: String| format!("{header}\n{}\n", row.split_once(';').unwrap().1);
    // Same phone, new address: that person moved within Civray.
    let moved = world.check(Kind::Residents, &no_ref(with_cell(3, "1 place du Marché"))).unwrap();
    assert!(matches!(&only_row(&moved).action, Action::Update { id: 1, columns, .. } if columns == &["Adresse"]));
    // No phone, same address (written differently).
    let by_address =
        world.check(Kind::Residents, &no_ref(with_cell(3, "3, Rue des lilas").replace("05 49 12 34 56", ""))).unwrap();
    assert!(matches!(&only_row(&by_address).action, Action::Update { id: 1, .. }), "{by_address:?}");
    // Neither: maybe a namesake, maybe the same person; never a silent second record.
    let other = no_ref(with_cell(3, "La Grange").replace("05 49 12 34 56", "05 49 99 99 99"));
    let plan = world.check(Kind::Residents, &other).unwrap();
    assert_eq!(
        only_row(&plan).action,
        Action::Refused { column: "Nom".into(), problem: Problem::PossibleDuplicate { id: 1 } }
    );
    assert!(Problem::PossibleDuplicate { id: 1 }.text(false).contains("fiche n° 1"));
}

#[test]
fn a_withdrawn_consent_is_not_imported_again() {
    let mut world = World::default();
    world.apply(&world.check(Kind::Residents, &residents_file(&[GOOD_RESIDENT])).unwrap());
    world.residents[0].withdrawn_on = Some(Date::from_ymd(2026, 11, 25).unwrap());
    world.residents[0].record.first_name.clear();
    world.residents[0].record.last_name.clear();
    let plan = world.check(Kind::Residents, &residents_file(&[GOOD_RESIDENT])).unwrap();
    let on = Date::from_ymd(2026, 11, 25).unwrap();
    assert_eq!(
        only_row(&plan).action,
        Action::Refused { column: "Nom".into(), problem: Problem::ConsentWithdrawn { on } }
    );
    assert!(Problem::ConsentWithdrawn { on }.text(false).contains("25/11/2026"));
}

/// The referral and the follow-up mode, as teams write them; refused when unreadable.
#[test]
fn a_referral_and_a_follow_up_mode_are_read() {
    let file = |by: &str, on: &str, mode: &str| {
        format!("{RESIDENT_HEADER};Orienté par;Date d'orientation;Mode de suivi\n{GOOD_RESIDENT};{by};{on};{mode}\n")
    };
    let mut world = World::default();
    let plan = world.check(Kind::Residents, &file("CCAS de Civray", "02/11/2026", "visites et appels")).unwrap();
    let d = parse_resident(&only_row(&plan).fields, today()).unwrap();
    let on = Some(Date::from_ymd(2026, 11, 2).unwrap());
    assert_eq!(d.programme.referral, Some(Referral { by: ReferralSource::Ccas, on }));
    assert_eq!(d.programme.mode, FollowUpMode::Both);
    world.apply(&plan);
    let again = world.check(Kind::Residents, &file("CCAS de Civray", "02/11/2026", "visites et appels")).unwrap();
    assert_eq!(again.counts(), [0, 0, 1, 0], "the same again changes nothing");
    for (by, on, mode, column, problem) in [
        ("le facteur", "", "", "Orienté par", Problem::ReferralSource),
        ("", "", "courrier", "Mode de suivi", Problem::FollowUpMode),
        ("", "02/11/2026", "", "Orienté par", Problem::Missing),
        ("famille", "31/11/2026", "", "Date d'orientation", Problem::ImpossibleDate),
    ] {
        let plan = World::default().check(Kind::Residents, &file(by, on, mode)).unwrap();
        assert_eq!(only_row(&plan).action, Action::Refused { column: column.into(), problem }, "{by} {on} {mode}");
    }
}

const VOLUNTEER_HEADER: &str = "Prénom,Nom,Tél.,Ville,Voiture,Rayon (km),Visites par semaine,Communes acceptées,\
     Disponibilités,Actif,Charte signée le,Formation";

#[test]
fn volunteers_with_defaults_then_residents_naming_them() {
    let mut world = World::default();
    let file = format!(
        "{VOLUNTEER_HEADER}\nMarcel,Pinson,06 39 98 12 34,Charroux,oui,\"12,5\",,\"Civray, Saint-Pierre-d'Exideuil\",\"mardi 14h-17h ; vendredi 9h-12h\",,15/10/2026,oui\n\
         Jeanne,Merle,0612345678,civray,à pied,,3,,,non,,\nLouis,Geai,06 00 00 00,Civray,,,,,,,,\n\
         Rose,Pic,06 11 11 11 11,Civray,peut-être,,,,,,,\nJean,Pie,06 22 22 22 22,Civray,,150,,,,,,\n\
         Léa,Huppe,06 33 33 33 33,Civray,,,,Voulême,,,,\nPaul,Bec,06 44 44 44 44,Civray,vélo,,,,,,oui,01/01/2099\n"
    );
    let plan = world.check(Kind::Volunteers, &file).unwrap();
    let actions: Vec<&Action> = plan.rows.iter().map(|r| &r.action).collect();
    assert_eq!(actions[..2], [&Action::Create, &Action::Create]);
    assert_eq!(actions[2], &Action::Refused { column: "Téléphone".into(), problem: Problem::Phone });
    assert_eq!(actions[3], &Action::Refused { column: "Déplacement".into(), problem: Problem::TravelMode });
    assert_eq!(
        actions[4],
        &Action::Refused { column: "Rayon (km)".into(), problem: Problem::Number { lo: 0, hi: 100 } }
    );
    assert_eq!(
        actions[5],
        &Action::Refused { column: "Communes acceptées".into(), problem: Problem::CommuneOutsideScope }
    );
    assert_eq!(actions[6], &Action::Refused { column: "Formation faite le".into(), problem: Problem::StepDate });
    let marcel = parse_volunteer(&plan.rows[0].fields, today()).unwrap();
    assert!(marcel.travel == TravelMode::Car && marcel.active);
    assert_eq!(
        (marcel.charter, marcel.training),
        (Some(Milestone::On(Date::from_ymd(2026, 10, 15).unwrap())), Some(Milestone::DateUnknown))
    );
    assert_eq!(
        (marcel.radius_km, marcel.weekly_capacity, marcel.communes.len(), marcel.availability.len()),
        (12.5, 4, 2, 2)
    );
    let jeanne = parse_volunteer(&plan.rows[1].fields, today()).unwrap();
    assert!(jeanne.travel == TravelMode::OnFoot && !jeanne.active);
    assert_eq!((jeanne.charter, jeanne.training), (None, None), "not yet: she will not be planned");
    assert_eq!((jeanne.radius_km, jeanne.weekly_capacity), (10.0, 3));
    world.apply(&plan);
    assert_eq!(world.check(Kind::Volunteers, &file).unwrap().counts(), [0, 0, 2, 5]);
    // A resident names their usual volunteer, first or last name first.
    let row = with_cell(9, "PINSON Marcel");
    let plan = world.check(Kind::Residents, &residents_file(&[&row])).unwrap();
    assert_eq!(parse_resident(&only_row(&plan).fields, today()).unwrap().volunteer, Some(VolunteerId(1)));
    world.apply(&plan);
    // Marcel visits someone now: a file making him inactive is refused for him.
    let stops = file.replace("vendredi 9h-12h\",,", "vendredi 9h-12h\",non,");
    assert_ne!(stops, file);
    let plan = world.check(Kind::Volunteers, &stops).unwrap();
    assert_eq!(plan.rows[0].action, Action::Refused { column: "Actif".into(), problem: Problem::StillFollowing });
}

#[test]
fn files_without_the_required_columns_are_refused_whole() {
    let e = World::default().check(Kind::Volunteers, "Prénom;Nom\nA;B\n").unwrap_err();
    assert_eq!(e, FileError::MissingColumns(vec!["Téléphone".into(), "Commune".into()]));
    assert!(e.text(false).contains("Téléphone, Commune"));
}

/// A file as spreadsheet programs save it: Windows-1252 with `;`, or UTF-8 with BOM and `,`.
#[rstest]
#[case::windows_1252_semicolons(true, ';')]
#[case::utf8_commas(false, ',')]
fn encodings_and_separators_read_the_same_rows(#[case] legacy: bool, #[case] sep: char) {
    let text = residents_file(&[GOOD_RESIDENT])
        .replace(';', &sep.to_string())
        .replace("lundi 9h-11h30", "\"lundi 9h-11h30, jeudi 14h-16h\"");
    let bytes = if legacy {
        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
    } else {
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
    };
    let plan = World::default().check_bytes(Kind::Residents, &bytes).unwrap();
    let row = only_row(&plan);
    assert_eq!((&row.action, row.label.as_str()), (&Action::Create, "Lucienne Moineau (Civray)"));
    assert_eq!(parse_resident(&row.fields, today()).unwrap().preferred.len(), 2);
}

/// An .xlsx as a spreadsheet program writes it: shared strings, a date cell, a number cell.
#[test]
fn an_xlsx_workbook_reads_like_its_csv() {
    let bytes = xlsx(&[
        &[
            Cell::S("Prénom"),
            Cell::S("Nom"),
            Cell::S("Adresse"),
            Cell::S("Commune"),
            Cell::S("Isolement"),
            Cell::S("Date du consentement"),
            Cell::S("Forme du consentement"),
            Cell::S("Consentement recueilli par"),
        ],
        &[
            Cell::S("Lucienne"),
            Cell::S("Moineau"),
            Cell::S("3 rue des Lilas"),
            Cell::S("Civray"),
            Cell::N(3.0),
            Cell::D(46346.0),
            Cell::S("oral"),
            Cell::S("Anne Roux"),
        ],
    ]);
    let table = read(&bytes).unwrap();
    assert_eq!(table.rows[0].cells[4..6], ["3".to_owned(), "20/11/2026".to_owned()]);
    let plan = World::default().check_bytes(Kind::Residents, &bytes).unwrap();
    let d = parse_resident(&only_row(&plan).fields, today()).unwrap();
    assert_eq!(d.consent, Some((Date::from_ymd(2026, 11, 20).unwrap(), ConsentMethod::Oral)));
}

enum Cell {
    S(&'static str),
    N(f64),
    /// A date: its serial number, shown with a date format.
    D(f64),
}

/// A minimal workbook: the parts Excel and LibreOffice write, a shared-strings table and a
/// date style.
fn xlsx(rows: &[&[Cell]]) -> Vec<u8> {
    use std::io::Write;
    let mut strings: Vec<&str> = Vec::new();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", char::from(b'A' + u8::try_from(c).unwrap()), r + 1);
            match cell {
                Cell::S(s) => {
                    strings.push(s);
                    sheet.push_str(&format!(r#"<c r="{at}" t="s"><v>{}</v></c>"#, strings.len() - 1));
                }
                Cell::N(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                Cell::D(n) => sheet.push_str(&format!(r#"<c r="{at}" s="1"><v>{n}</v></c>"#)),
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">{1}</sst>"#,
        strings.len(),
        strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect::<String>()
    );
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Personnes" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.into()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into()),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Files of random rows, good and bad: names from small pools (so duplicates and namesakes
/// happen), communes in and out of the scope, phones and dates good and bad, with or without
/// a reference column.
fn arbitrary_file() -> impl Strategy<Value = String> {
    let first = prop::sample::select(vec!["Lucienne", "Marcel", "Jeanne", "René"]);
    let last = prop::sample::select(vec!["Moineau", "Pinson", "Merle"]);
    let address = prop::sample::select(vec!["3 rue des Lilas", "La Grange", "1 place du Marché", ""]);
    let commune = prop::sample::select(vec!["Civray", "86061", "Saint-Pierre-d'Exideuil", "Voulême", "Poitiers"]);
    let phone = prop::sample::select(vec!["05 49 12 34 56", "0612345678", "", "12 34"]);
    let rhythm = prop::sample::select(vec!["hebdomadaire", "mensuel", "", "jamais"]);
    let isolation = prop::sample::select(vec!["1", "3", "5"]);
    let slots = prop::sample::select(vec!["", "lundi 9h-12h", "mardi 14h-17h ; jeudi 9h-11h", "n'importe quand"]);
    let consent = prop::sample::select(vec!["20/11/2026", "01/02/2025", "31/02/2026", "05/12/2026"]);
    let reference = prop::sample::select(vec!["", "R1", "R2", "R3"]);
    let row = (reference, first, last, address, commune, phone, rhythm, isolation, slots, consent);
    (any::<bool>(), prop::collection::vec(row, 0..12)).prop_map(|(with_ref, rows)| {
        let mut text = String::from(if with_ref { RESIDENT_HEADER } else { &RESIDENT_HEADER[11..] });
        for (r, f, l, a, c, p, rh, i, s, d) in rows {
            let cells = [f, l, a, c, p, rh, i, s, "", d, "écrit", "Anne Roux"];
            text.push('\n');
            if with_ref {
                text.push_str(r);
                text.push(';');
            }
            text.push_str(&cells.join(";"));
        }
        text
    })
}

proptest! {
    /// Whatever a file holds, importing it a second time creates and updates nothing.
    #[test]
    fn re_importing_any_file_is_a_no_op(file in arbitrary_file(), second in arbitrary_file()) {
        let mut world = World::default();
        // Records already there from another file.
        world.apply(&world.check(Kind::Residents, &second).unwrap());
        let first = world.check(Kind::Residents, &file).unwrap();
        world.apply(&first);
        let again = world.check(Kind::Residents, &file).unwrap();
        prop_assert_eq!(again.counts()[..2].to_vec(), vec![0, 0], "{:?}", again.rows);
        // And every row the first run accepted is still accepted (unchanged).
        for (a, b) in first.rows.iter().zip(&again.rows) {
            if a.action.writes() {
                prop_assert!(matches!(b.action, Action::Unchanged { .. }), "{:?} then {:?}", a, b);
            }
        }
    }
}
