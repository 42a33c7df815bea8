//! Sync benchmarks (figures, not pass/fail): `make bench-sync`.
//!
//! 1. Bytes on the wire for a volunteer's first sync with 10 residents and a week's round,
//!    through the real router with compression (gzip, and brotli as browsers use over HTTPS).
//! 2. Push throughput with durable commits, on SQLite and, when `MONALISA_BENCH_POSTGRES` names
//!    a PostgreSQL cluster (`make bench-sync` starts one), on PostgreSQL: the release server in
//!    its own process, a load generator here on loopback (the same 2 cores), each push carrying
//!    1-5 reports; reports/s and latency percentiles at 10, 50 and 200 concurrent clients,
//!    closed and open loop.

use monalisa_app::auth::Role;
use monalisa_app::backend::{NewUser, Settings};
use monalisa_app::domain::{Date, Timestamp};
use serde_json::{Value, json};
use std::io::BufRead;
use std::time::Duration;

const PASSWORD: &str = "mot-de-passe-de-banc";
const TODAY: &str = "2026-11-25";

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = |name: &str| format!("sqlite://{}", dir.path().join(name).display());
        let postgres = std::env::var("MONALISA_BENCH_POSTGRES").ok();
        first_sync(&sqlite("first.db"), dir.path()).await;
        push_load("SQLite (WAL, synchronous=FULL)", &sqlite("load.db"), dir.path()).await;
        match postgres {
            Some(cluster) => {
                let url = database(&cluster, "bench_load").await;
                push_load("PostgreSQL (one server process, fsync and synchronous_commit on)", &url, dir.path()).await;
            }
            None => println!("(MONALISA_BENCH_POSTGRES unset: no PostgreSQL figures; `make bench-sync` sets it)"),
        }
    });
}

/// A fresh database of the cluster.
async fn database(cluster: &str, name: &str) -> String {
    use sqlx::Connection as _;
    let name = format!("{name}_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&format!("{cluster}/postgres")).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
    format!("{cluster}/{name}")
}

fn site(dir: &std::path::Path) -> std::path::PathBuf {
    let site = dir.join("site");
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"), &site);
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/monalisa-bench.js"), "export default function init() {}").unwrap();
    std::fs::write(site.join("pkg/monalisa-bench_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    site
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest)
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

async fn populated(
    url: &str,
    scale: f64,
) -> (std::sync::Arc<dyn monalisa_app::backend::Store>, monalisa_app::backend::Population) {
    let store = monalisa_server::open_store(url).await.unwrap();
    let params = monalisa_server::demo::DemoParams { seed: 3, scale, today: Date::parse(TODAY).unwrap() };
    let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
    let population = monalisa_server::demo::generate(&shapes, &params).unwrap();
    store.import_population(&population).await.unwrap();
    (store, population)
}

async fn first_sync(db: &str, dir: &std::path::Path) {
    let (store, p) = populated(db, 1.0).await;
    // A volunteer with exactly 10 residents: the busiest one, topped up or trimmed.
    let v =
        p.volunteers.iter().max_by_key(|v| p.residents.iter().filter(|r| r.volunteer == Some(v.id)).count()).unwrap();
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(db).await.unwrap();
        let mine: Vec<i64> = p
            .residents
            .iter()
            .filter(|r| {
                r.volunteer == Some(v.id) && !matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. })
            })
            .map(|r| r.id.0)
            .collect();
        // Unpaired residents still followed (an ended follow-up is not sent to phones).
        let others: Vec<i64> = p
            .residents
            .iter()
            .filter(|r| r.volunteer.is_none() && !matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. }))
            .map(|r| r.id.0)
            .collect();
        for id in mine.iter().skip(10) {
            sqlx::query("UPDATE residents SET volunteer_id = NULL WHERE id = ?")
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
        }
        for id in others.iter().take(10usize.saturating_sub(mine.len())) {
            sqlx::query("UPDATE residents SET volunteer_id = ? WHERE id = ?")
                .bind(v.id.0)
                .bind(id)
                .execute(&mut c)
                .await
                .unwrap();
        }
        c.close().await.unwrap();
    }
    let user = store
        .create_user(
            &NewUser {
                login: "bench".into(),
                display_name: "Bench".into(),
                role: Role::Volunteer,
                volunteer: Some(v.id),
                ambassador: None,
            },
            Timestamp(0),
        )
        .await
        .unwrap();
    store.set_password(user, &monalisa_app::backend::auth::hash_password(PASSWORD).unwrap()).await.unwrap();
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

    // No automatic decompression: the byte counts are what travels.
    let client = reqwest::Client::builder().build().unwrap();
    let login = client
        .post(format!("{url}/api/v1/login"))
        .json(&json!({ "login": "bench", "password": PASSWORD, "device_label": "x" }))
        .send()
        .await
        .unwrap();
    let cookie: String = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    println!("== first sync of a volunteer with 10 residents and a week's round");
    for encoding in ["identity", "gzip", "br"] {
        let mut cursor = Value::Null;
        let (mut bytes, mut pages, mut residents, mut visits) = (0usize, 0, 0, 0);
        let mut request_bytes = 0usize;
        loop {
            let body =
                serde_json::to_vec(&json!({ "request": { "protocol": 1, "cursor": cursor, "limit": 500 } })).unwrap();
            request_bytes += body.len();
            let res = client
                .post(format!("{url}/api/sync/v1/pull"))
                .header("cookie", &cookie)
                .header("origin", &url)
                .header("content-type", "application/json")
                .header("accept-encoding", encoding)
                .body(body)
                .send()
                .await
                .unwrap();
            let raw = res.bytes().await.unwrap();
            bytes += raw.len();
            pages += 1;
            let text = match encoding {
                "gzip" => decode_gzip(&raw),
                "br" => decode_br(&raw),
                _ => raw.to_vec(),
            };
            let page: Value = serde_json::from_slice(&text).unwrap();
            for c in page["changes"].as_array().unwrap() {
                residents += usize::from(c.get("resident").is_some());
                visits += usize::from(c.get("visit").is_some());
            }
            cursor = page["cursor"].clone();
            if page["more"] == false {
                break;
            }
        }
        // A new device logs in afresh for each encoding so each is a true first sync.
        let again = client
            .post(format!("{url}/api/v1/login"))
            .json(&json!({ "login": "bench", "password": PASSWORD, "device_label": "x" }))
            .send()
            .await
            .unwrap();
        drop(again);
        println!(
            "{encoding:>8}: {bytes:>6} bytes of responses ({pages} pages, {residents} residents, {visits} visits), {request_bytes} bytes of requests"
        );
    }
}

fn decode_gzip(raw: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(raw).read_to_end(&mut out).unwrap();
    out
}

fn decode_br(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut std::io::Cursor::new(raw), &mut out).unwrap();
    out
}

struct Client {
    cookie: String,
    residents: Vec<i64>,
}

async fn push_load(backend: &str, db: &str, dir: &std::path::Path) {
    let (store, p) = populated(db, 4.0).await;
    let hash = monalisa_app::backend::auth::hash_password(PASSWORD).unwrap();
    let mut volunteers: Vec<_> =
        p.volunteers.iter().filter(|v| p.residents.iter().any(|r| r.volunteer == Some(v.id))).collect();
    volunteers.truncate(200);
    for v in &volunteers {
        let id = store
            .create_user(
                &NewUser {
                    login: format!("v{}", v.id.0),
                    display_name: "x".into(),
                    role: Role::Volunteer,
                    volunteer: Some(v.id),
                    ambassador: None,
                },
                Timestamp(0),
            )
            .await
            .unwrap();
        store.set_password(id, &hash).await.unwrap();
    }
    store.close().await;

    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_monalisa"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", db, "--site-root"])
        .arg(site(dir))
        .env("MONALISA_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().trim_start_matches("Monalisa Visites: ").trim_end_matches('/').to_owned();

    let http = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    let mut clients = Vec::new();
    for v in &volunteers {
        let res = http
            .post(format!("{url}/api/v1/login"))
            .json(&json!({ "login": format!("v{}", v.id.0), "password": PASSWORD, "device_label": "load" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        let residents = p.residents.iter().filter(|r| r.volunteer == Some(v.id)).map(|r| r.id.0).collect();
        clients.push(Client { cookie, residents });
    }
    println!("== push throughput, {backend}, each push 1-5 reports, loopback");
    println!("   closed loop: each client pushes again as soon as its previous push is answered");
    println!("{:>8} {:>12} {:>10} {:>10} {:>10}", "clients", "reports/s", "p50 ms", "p99 ms", "max ms");
    let clients = std::sync::Arc::new(clients);
    let mut counter = 0u64;
    for concurrency in [10usize, 50, 200] {
        push_round(&http, &url, &clients, concurrency, None, &mut counter).await;
    }
    // Open loop: 200 clients together offer 5,000 reports/s (3 reports per push on average),
    // each on its own schedule; latency counts from the scheduled send time, so a server that
    // falls behind is charged for the queueing (no coordinated omission).
    println!("   open loop: 200 clients offering 5,000 reports/s together, latency from the scheduled send");
    let interval = Duration::from_secs_f64(200.0 * 3.0 / 5_000.0);
    push_round(&http, &url, &clients, 200, Some(interval), &mut counter).await;
    let _ = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();
}

/// One measured round of pushes: `concurrency` clients for 8 seconds, either back to back
/// (`pace` = None) or each starting a push every `pace` from a staggered offset.
async fn push_round(
    http: &reqwest::Client,
    url: &str,
    clients: &std::sync::Arc<Vec<Client>>,
    concurrency: usize,
    pace: Option<Duration>,
    counter: &mut u64,
) {
    let duration = Duration::from_secs(8);
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for c in 0..concurrency.min(clients.len()) {
        let http = http.clone();
        let url = url.to_owned();
        let clients = clients.clone();
        let base = *counter + (c as u64) * 1_000_000;
        tasks.push(tokio::spawn(async move {
            let me = &clients[c];
            let mut latencies = Vec::new();
            let mut reports = 0usize;
            let mut n = base;
            let mut k = 0u32;
            let mut pushes = c;
            while start.elapsed() < duration {
                let scheduled = match pace {
                    Some(pace) => {
                        let at = start + pace.mul_f64(c as f64 / concurrency as f64) + pace * k;
                        k += 1;
                        if at - start >= duration {
                            break;
                        }
                        tokio::time::sleep_until(at).await;
                        at
                    }
                    None => tokio::time::Instant::now(),
                };
                // 1, 2, 3, 4, 5 reports in turn: 3 on average.
                let batch = 1 + pushes % 5;
                pushes += 1;
                let mutations: Vec<Value> = (0..batch)
                    .map(|i| {
                        n += 1;
                        json!({ "id": format!("{:032x}", n), "recorded_at": 1_764_000_000_000i64, "body": { "report": {
                            "visit": null, "resident": me.residents[i % me.residents.len()], "day": monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0.to_string(), "outcome": "done",
                            "duration_minutes": 40, "mood": 3, "concerns": [], "note": "ok", "proposed_next": null } } })
                    })
                    .collect();
                let res = http
                    .post(format!("{url}/api/sync/v1/push"))
                    .header("cookie", &me.cookie)
                    .header("origin", &url)
                    .json(&json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": mutations } }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                let _ = res.bytes().await.unwrap();
                latencies.push(scheduled.elapsed());
                reports += batch;
            }
            (reports, latencies)
        }));
    }
    let mut all = Vec::new();
    let mut total = 0;
    for t in tasks {
        let (r, l) = t.await.unwrap();
        total += r;
        all.extend(l);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let pct = |q: f64| all[((all.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "{concurrency:>8} {:>12.0} {:>10.1} {:>10.1} {:>10.1}",
        total as f64 / elapsed,
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    *counter += 100_000_000;
}
