//! A small territory every story starts from: four communes (one in no scope), two scopes,
//! an ambassador each, three volunteers, four residents, and one published round this week.
//! Ids are fixed so that stories can name what they touch.

use monalisa_core::auth::Role;
use monalisa_core::domain::*;
use monalisa_store::{CommuneRecord, NewUser, Population, Store};

pub const NORD: ScopeId = ScopeId(1);
pub const SUD: ScopeId = ScopeId(2);
pub const AMB_NORD: AmbassadorId = AmbassadorId(1);
pub const AMB_SUD: AmbassadorId = AmbassadorId(2);
/// Volunteers: two in Nord, one in Sud.
pub const VOL_1: VolunteerId = VolunteerId(1);
pub const VOL_2: VolunteerId = VolunteerId(2);
pub const VOL_SUD: VolunteerId = VolunteerId(3);
/// Residents 1 and 2 are VOL_1's (Nord), 3 is nobody's (Nord), 4 is VOL_SUD's (Sud).
pub const RES_1: ResidentId = ResidentId(1);
pub const RES_2: ResidentId = ResidentId(2);
pub const RES_3: ResidentId = ResidentId(3);
pub const RES_SUD: ResidentId = ResidentId(4);
/// VOL_1's published visit to RES_1, this week.
pub const VISIT_1: VisitId = VisitId(1);
pub const ROUND_1: RoundId = RoundId(1);
/// Communes: Alpha and Beta are Nord's, Gamma is Sud's, Delta is in no scope.
pub const ALPHA: &str = "86001";
pub const BETA: &str = "86002";
pub const GAMMA: &str = "86003";
pub const DELTA: &str = "86004";

pub fn now() -> Timestamp {
    Timestamp(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0),
    )
}

pub fn today() -> Date {
    Date::from_timestamp(now())
}

pub fn insee(code: &str) -> InseeCode {
    InseeCode::parse(code).expect("a fixture INSEE code")
}

pub fn centre(code: &str) -> Location {
    let i = code[3..].parse::<f64>().unwrap_or(0.0);
    Location::new(46.10 + i * 0.02, 0.25 + i * 0.02).expect("a fixture position")
}

/// A client id made of one repeated hex digit and a number (`aaaa…0001`).
pub fn client_id(digit: char, n: u32) -> ClientId {
    let tail = format!("{n:04x}");
    ClientId::parse(&format!("{}{tail}", digit.to_string().repeat(28))).expect("a fixture client id")
}

pub fn communes() -> Vec<CommuneRecord> {
    [(ALPHA, "Alpha"), (BETA, "Beta"), (GAMMA, "Gamma"), (DELTA, "Delta")]
        .into_iter()
        .map(|(code, name)| {
            let c = centre(code);
            let (w, e, s, n) = (c.lon - 0.01, c.lon + 0.01, c.lat - 0.01, c.lat + 0.01);
            CommuneRecord {
                commune: Commune {
                    insee: insee(code),
                    name: name.into(),
                    population: 500,
                    population_year: 2022,
                    area_km2: 4.9,
                    centre: c,
                },
                outline: format!(
                    r#"{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}"#
                ),
            }
        })
        .collect()
}

fn slot(day: u8, from: u16, to: u16) -> WeeklySlot {
    WeeklySlot::new(
        Weekday::from_index(day).expect("a weekday"),
        Minute::hm(from, 0).expect("an hour"),
        Minute::hm(to, 0).expect("an hour"),
    )
    .expect("a slot")
}

fn volunteer(id: VolunteerId, first: &str, commune: &str, scope: ScopeId) -> Volunteer {
    Volunteer {
        id,
        first_name: first.into(),
        last_name: "Bénévole".into(),
        phone: "0600000000".into(),
        commune: insee(commune),
        home: centre(commune),
        scope,
        travel: TravelMode::Car,
        reach: Reach { communes: vec![insee(commune)], radius_km: 15.0 },
        weekly_capacity: 4,
        availability: (0..5).map(|d| slot(d, 9, 17)).collect(),
        absences: vec![],
        charter: Some(Milestone::On(Date::parse("2026-01-12").expect("a day"))),
        training: Some(Milestone::DateUnknown),
        active: true,
    }
}

pub fn resident(
    id: ResidentId,
    first: &str,
    commune: &str,
    volunteer: Option<VolunteerId>,
    by: AmbassadorId,
) -> Resident {
    let start = today().add_days(-60);
    Resident {
        id,
        first_name: first.into(),
        last_name: "Habitant".into(),
        address: "1 rue de l'Église".into(),
        commune: insee(commune),
        home: centre(commune),
        phone: Some("0549000000".into()),
        access_notes: "Sonner deux fois".into(),
        likes: "Le jardin".into(),
        rhythm: Rhythm::Weekly,
        isolation: IsolationLevel::new(3).expect("a level"),
        preferred: vec![slot(1, 14, 17)],
        consent: Consent { given_on: start, method: ConsentMethod::Written, recorded_by: by },
        follow_up_start: start,
        follow_up: FollowUp::Active { since: start },
        volunteer,
        programme: Programme {
            referral: Some(Referral { by: ReferralSource::Ccas, on: Some(start.add_days(-10)) }),
            ..Programme::default()
        },
    }
}

/// The week under way's Monday, and the day of VISIT_1 (today, so it is in every window).
pub fn week() -> Date {
    today().week_start()
}

pub fn population() -> Population {
    Population {
        scopes: vec![
            Scope { id: NORD, name: "Nord".into(), communes: vec![insee(ALPHA), insee(BETA)] },
            Scope { id: SUD, name: "Sud".into(), communes: vec![insee(GAMMA)] },
        ],
        ambassadors: vec![
            Ambassador {
                id: AMB_NORD,
                first_name: "Anne".into(),
                last_name: "Nord".into(),
                phone: "0500000001".into(),
                scope: Some(NORD),
            },
            Ambassador {
                id: AMB_SUD,
                first_name: "Serge".into(),
                last_name: "Sud".into(),
                phone: "0500000002".into(),
                scope: Some(SUD),
            },
        ],
        volunteers: vec![
            volunteer(VOL_1, "Jeannine", ALPHA, NORD),
            volunteer(VOL_2, "Paul", BETA, NORD),
            volunteer(VOL_SUD, "Odile", GAMMA, SUD),
        ],
        residents: vec![
            resident(RES_1, "Marcel", ALPHA, Some(VOL_1), AMB_NORD),
            resident(RES_2, "Louise", BETA, Some(VOL_1), AMB_NORD),
            resident(RES_3, "Yvonne", ALPHA, None, AMB_NORD),
            resident(RES_SUD, "René", GAMMA, Some(VOL_SUD), AMB_SUD),
        ],
        rounds: vec![Round {
            id: ROUND_1,
            volunteer: VOL_1,
            week_start: week(),
            status: RoundStatus::Published,
            visits: vec![VISIT_1],
        }],
        visits: vec![Visit {
            id: VISIT_1,
            resident: RES_1,
            volunteer: VOL_1,
            round: Some(ROUND_1),
            day: today(),
            start: Minute::hm(14, 0).expect("an hour"),
            status: VisitStatus::Planned,
        }],
        reports: vec![],
    }
}

/// The accounts of the fixture: one per role, linked to their records.
pub struct Accounts {
    pub volunteer: monalisa_core::auth::UserId,
    pub ambassador: monalisa_core::auth::UserId,
    pub ambassador_sud: monalisa_core::auth::UserId,
    pub coordinator: monalisa_core::auth::UserId,
    pub admin: monalisa_core::auth::UserId,
}

pub fn new_user(login: &str, role: Role, volunteer: Option<VolunteerId>, ambassador: Option<AmbassadorId>) -> NewUser {
    NewUser { login: login.into(), display_name: format!("{login} (test)"), role, volunteer, ambassador }
}

/// Loads the communes and the population into an empty store.
pub async fn load(store: &dyn Store) {
    store.ensure_communes(&communes()).await.expect("communes load");
    store.import_population(&population()).await.expect("population imports");
}

/// [`load`], then one account per role.
pub async fn load_with_accounts(store: &dyn Store) -> Accounts {
    load(store).await;
    let now = now();
    let make = |u: NewUser| async move { store.create_user(&u, now).await.expect("account created") };
    Accounts {
        volunteer: make(new_user("jeannine", Role::Volunteer, Some(VOL_1), None)).await,
        ambassador: make(new_user("anne", Role::Ambassador, None, Some(AMB_NORD))).await,
        ambassador_sud: make(new_user("serge", Role::Ambassador, None, Some(AMB_SUD))).await,
        coordinator: make(new_user("coord", Role::Coordinator, None, None)).await,
        admin: make(new_user("admin", Role::Admin, None, None)).await,
    }
}
