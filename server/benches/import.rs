//! Import benchmark (figures, not pass/fail): `make bench-import`.
//!
//! A 5,000-row residents file (CSV, Windows-1252, `;`: 4,950 good rows and 50 refused ones)
//! checked into a scope of a populated store (the demo generator at 5 times the territory, so
//! every row is compared with the scope's existing records), release build, through the same
//! function as the page and the CLI (`monalisa_app::api::import::ssr::dry_run`: read, load the
//! records, check every row, keep the dry run). Then the same file checked again once applied
//! (every row "unchanged"), and the apply itself. Goal: the dry run under 5 s.

use monalisa_app::api::import::ssr::{self as import, Actor, Kind};
use monalisa_app::auth::Role;
use monalisa_app::backend::{NewUser, ServerContext};
use monalisa_app::domain::{Date, Timestamp};
use std::time::{Duration, Instant};

const ROWS: usize = 5_000;
const RUNS: usize = 5;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(run());
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<52} n={:>2}  median {:>7.0} ms  max {:>7.0} ms",
        times.len(),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

async fn run() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("import.db");
    let store = monalisa_server::open_store(&format!("sqlite://{}", db.display())).await.unwrap();
    let today = Date::from_timestamp(Timestamp(monalisa_app::backend::now_ms()));
    let params = monalisa_server::demo::DemoParams { seed: 5, scale: 5.0, today };
    let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
    let population = monalisa_server::demo::generate(&shapes, &params).unwrap();
    store.import_population(&population).await.unwrap();
    let ambassador = &population.ambassadors[0];
    let scope = ambassador.scope.unwrap();
    let user = NewUser {
        login: "amb".into(),
        display_name: "amb".into(),
        role: Role::Ambassador,
        volunteer: None,
        ambassador: Some(ambassador.id),
    };
    let id = store.create_user(&user, Timestamp(0)).await.unwrap();
    let actor = Actor { user: store.user(id).await.unwrap().unwrap(), device: None };
    let in_scope = store.scope_communes(scope).await.unwrap();
    let communes: Vec<String> = in_scope.iter().map(|(_, name)| name.clone()).collect();
    let existing =
        population.residents.iter().filter(|r| in_scope.iter().any(|(code, _)| code == r.commune.as_str())).count();
    println!(
        "== import dry run: {ROWS} rows into a scope of {} communes holding {existing} residents ({} in the store)",
        communes.len(),
        population.residents.len()
    );
    let by = format!("{} {}", ambassador.first_name, ambassador.last_name);
    let mut text = String::from(
        "Référence;Prénom;Nom;Adresse;Commune;Téléphone;Isolement;Créneaux préférés;Date du consentement;Forme du consentement;Consentement recueilli par\r\n",
    );
    let (first, last) =
        (["Lucienne", "Marcel", "Jeanne", "René", "Odette", "Gisèle"], ["Moineau", "Pinson", "Merle", "Geai", "Pic"]);
    for k in 0..ROWS {
        let commune = &communes[k % communes.len()];
        // One row in a hundred refused: a consent date that cannot be.
        let consent = if k % 100 == 99 { "31/02/2026".to_owned() } else { format!("{:02}/10/2026", 1 + k % 28) };
        text.push_str(&format!(
            "D{k:05};{};{} {k};{} rue des Écoles;{commune};05 49 {:02} {:02} {:02};{};\"lundi 9h-11h30 ; jeudi 14h-16h\";{consent};écrit;{by}\r\n",
            first[k % first.len()],
            last[k % last.len()],
            1 + k % 90,
            10 + k % 90,
            k % 100,
            (k / 7) % 100,
            1 + k % 3,
        ));
    }
    let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    println!("file: {} rows, {} KB", ROWS, bytes.len() / 1024);
    let ctx = ServerContext::new(store.clone(), monalisa_app::env::BuildInfo::default(), Default::default());
    let inside = |c: &monalisa_app::domain::InseeCode, p: &monalisa_app::domain::Location| {
        shapes.iter().any(|s| &s.commune.insee == c && s.contains(p))
    };
    let mut times = Vec::new();
    let mut last_run = 0;
    for _ in 0..RUNS {
        let now = Timestamp(monalisa_app::backend::now_ms());
        let t = Instant::now();
        let (run, plan) = import::dry_run(&ctx, &actor, None, Kind::Residents, &bytes, &inside, now).await.unwrap();
        times.push(t.elapsed());
        let first_refusal = plan.rows.iter().find(|r| !r.action.writes()).map(|r| format!("{:?}", r.action));
        assert_eq!(plan.counts(), [ROWS - ROWS / 100, 0, 0, ROWS / 100], "{first_refusal:?}");
        last_run = run;
    }
    summary("dry run, new rows (goal < 5,000 ms)", times);
    let now = Timestamp(monalisa_app::backend::now_ms());
    let t = Instant::now();
    let sha = import::sha256_hex(&bytes);
    let (created, _) = import::apply(&ctx, &actor, last_run, &sha, None, &inside, now).await.unwrap();
    summary(&format!("apply ({created} residents created, one transaction)"), vec![t.elapsed()]);
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let now = Timestamp(monalisa_app::backend::now_ms());
        let t = Instant::now();
        let (_, plan) = import::dry_run(&ctx, &actor, None, Kind::Residents, &bytes, &inside, now).await.unwrap();
        times.push(t.elapsed());
        assert_eq!(plan.counts(), [0, 0, ROWS - ROWS / 100, ROWS / 100]);
    }
    summary("dry run, the same file once applied (all unchanged)", times);
    store.close().await;
}
