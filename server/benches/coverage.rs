//! Coverage benchmark (figures, not pass/fail): `make bench-coverage`.
//!
//! A department-sized synthetic history — the demo generator at 25 times the territory (about
//! 4,000 residents, up to two years of visits each) — in SQLite, then, when
//! `MONALISA_BENCH_POSTGRES` names a PostgreSQL cluster (`make bench-coverage` starts one), in
//! PostgreSQL; the coordinator's page data
//! (`/api/v1/coverage/view`, the default twelve months) and the CSV export through the real HTTP
//! interface, release build: the first request (cold), then repeated ones, then each right after
//! a new report was written through the sync push. Goal: p95 under 200 ms.

use monalisa_app::auth::Role;
use monalisa_app::backend::{NewUser, Settings};
use monalisa_app::domain::{Date, Timestamp};
use serde_json::json;
use std::time::{Duration, Instant};

const PASSWORD: &str = "mot-de-passe-de-banc";
const SCALE: f64 = 25.0;
const RUNS: usize = 40;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        run("SQLite", &format!("sqlite://{}", dir.path().join("coverage.db").display()), dir.path()).await;
        match std::env::var("MONALISA_BENCH_POSTGRES") {
            Ok(cluster) => {
                use sqlx::Connection as _;
                let name = format!("bench_coverage_{}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(&format!("{cluster}/postgres")).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
                run("PostgreSQL", &format!("{cluster}/{name}"), dir.path()).await;
            }
            Err(_) => println!("(MONALISA_BENCH_POSTGRES unset: no PostgreSQL figures; `make bench-coverage` sets it)"),
        }
    });
}

fn site(dir: &std::path::Path) -> std::path::PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    for file in ["style.css", "boot.js", "manifest.webmanifest", "sw.js"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public").join(file);
        std::fs::copy(from, site.join(file)).unwrap();
    }
    std::fs::write(site.join("pkg/monalisa-bench.js"), "export default function init() {}").unwrap();
    std::fs::write(site.join("pkg/monalisa-bench_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    site
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<44} n={:>3}  p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0)
    );
}

async fn login(client: &reqwest::Client, url: &str, login: &str) -> String {
    let res = client
        .post(format!("{url}/api/v1/login"))
        .json(&json!({ "login": login, "password": PASSWORD, "device_label": "bench" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

async fn run(backend: &str, db: &str, dir: &std::path::Path) {
    let store = monalisa_server::open_store(db).await.unwrap();
    let today = Date::from_timestamp(Timestamp(monalisa_app::backend::now_ms()));
    let params = monalisa_server::demo::DemoParams { seed: 11, scale: SCALE, today };
    let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
    let started = Instant::now();
    let population = monalisa_server::demo::generate(&shapes, &params).unwrap();
    store.import_population(&population).await.unwrap();
    let first = population.reports.iter().map(|r| r.day).min().unwrap();
    println!(
        "== {backend}: coverage view on a synthetic department: {} residents, {} volunteers, {} reports from {first} to {today} \
         (generated and loaded in {:.0} s)",
        population.residents.len(),
        population.volunteers.len(),
        population.reports.len(),
        started.elapsed().as_secs_f64()
    );
    let hash = monalisa_app::backend::auth::hash_password(PASSWORD).unwrap();
    let volunteer = population.residents.iter().find_map(|r| r.volunteer.map(|v| (v, r.id))).unwrap();
    for (login, role, v) in [("coord", Role::Coordinator, None), ("vol", Role::Volunteer, Some(volunteer.0))] {
        let user = NewUser { login: login.into(), display_name: login.into(), role, volunteer: v, ambassador: None };
        let id = store.create_user(&user, Timestamp(0)).await.unwrap();
        store.set_password(id, &hash).await.unwrap();
    }
    let app = monalisa_server::app(
        store.clone(),
        monalisa_server::assets::Site::load(&site(dir)).unwrap(),
        Settings::default(),
        monalisa_server::http::NetworkSettings::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let client = reqwest::Client::new();
    let coordinator = login(&client, &url, "coord").await;
    let phone = login(&client, &url, "vol").await;

    let view = || async {
        let t = Instant::now();
        let res = client
            .post(format!("{url}/api/v1/coverage/view"))
            .header("cookie", &coordinator)
            .header("origin", &url)
            .json(&json!({ "from": null, "to": null }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap().len();
        (t.elapsed(), bytes)
    };
    let (cold, bytes) = view().await;
    println!(
        "{:<44} {:>7.1} ms  ({bytes} bytes of JSON)",
        "page data, first request (cold)",
        cold.as_secs_f64() * 1000.0
    );
    // Where the time goes, outside HTTP: reading the store, computing the indicators.
    let t = Instant::now();
    let data = store.coverage_data().await.unwrap();
    let read = t.elapsed();
    let this = monalisa_app::coverage::Month::of(today);
    let months = monalisa_app::coverage::Month { year: this.year - 1, month: this.month }.next().through(this);
    let input = monalisa_app::coverage::CoverageInput {
        today,
        months,
        communes: data.communes,
        residents: data.residents,
        volunteers: data.volunteers,
        pairs: data.pairs,
        concerns: data.concerns,
        unserved: data.unserved,
    };
    let t = Instant::now();
    monalisa_app::coverage::coverage(&input);
    let computed = t.elapsed();
    println!(
        "{:<44} {:>7.1} ms reading the store, {:.1} ms computing",
        "of which (measured apart, warm)",
        read.as_secs_f64() * 1000.0,
        computed.as_secs_f64() * 1000.0
    );
    let mut warm = Vec::new();
    for _ in 0..RUNS {
        warm.push(view().await.0);
    }
    summary("page data, repeated", warm);
    let mut after = Vec::new();
    for i in 0..RUNS {
        let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [{
            "id": format!("{:032x}", 0xbe7c_0000u64 + i as u64), "recorded_at": monalisa_app::backend::now_ms(),
            "body": { "report": { "visit": null, "resident": volunteer.1, "day": today.to_string(), "outcome": "done",
                "duration_minutes": 45, "mood": 3, "concerns": ["other"], "note": "", "proposed_next": null } } }] } });
        let res = client
            .post(format!("{url}/api/sync/v1/push"))
            .header("cookie", &phone)
            .header("origin", &url)
            .json(&push)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        after.push(view().await.0);
    }
    summary("page data, right after a new report", after);
    let mut csv = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let res = client
            .get(format!("{url}/coordination/indicateurs.csv"))
            .header("cookie", &coordinator)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.bytes().await.unwrap();
        csv.push(t.elapsed());
    }
    summary("CSV export (12 months × 35 communes)", csv);
}
