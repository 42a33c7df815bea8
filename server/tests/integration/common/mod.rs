//! Test harness: the real router on a real port with a temporary database and a temporary
//! site directory (public/ plus a stand-in bundle, so these tests do not need the WebAssembly
//! build). Everything is removed on drop.
//!
//! The database is a SQLite file, or, when `MONALISA_TEST_BACKEND=postgres`, a fresh database of
//! the PostgreSQL cluster `MONALISA_TEST_POSTGRES` names (`make test` runs these tests once on
//! each: see `tools/postgres.sh`).

#![allow(dead_code)]

use monalisa_server::assets::Site;
use std::path::{Path, PathBuf};

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    match std::env::var("MONALISA_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("MONALISA_TEST_BACKEND is sqlite or postgres, not {other}"),
    }
}

fn cluster() -> String {
    std::env::var("MONALISA_TEST_POSTGRES").expect(
        "MONALISA_TEST_POSTGRES names the PostgreSQL cluster for the tests (postgres://user@host:port); \
         `make test` starts one (tools/postgres.sh)",
    )
}

/// A database name no other test of this run uses.
fn unique(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!("{name}_{}_{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

async fn create_database(sql: &str) {
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(&format!("{}/postgres", cluster())).await.expect("the test cluster");
    sqlx::query(sql).execute(&mut admin).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    admin.close().await.unwrap();
}

/// The URL of a fresh, empty database for a test: `dir/name.db`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &Path, name: &str) -> String {
    if on_postgres() {
        let name = unique(name);
        create_database(&format!("CREATE DATABASE {name}")).await;
        format!("{}/{name}", cluster())
    } else {
        format!("sqlite://{}", dir.join(format!("{name}.db")).display())
    }
}

/// [`fresh_database`], for a test outside a runtime.
pub fn fresh_database_blocking(dir: &Path, name: &str) -> String {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(fresh_database(dir, name))
}

/// A copy of the database at `from` (closed by its store), as a fresh database for a test.
pub async fn copy_database(from: &str, dir: &Path, name: &str) -> String {
    if on_postgres() {
        let template = from.rsplit('/').next().unwrap();
        let name = unique(name);
        create_database(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
        format!("{}/{name}", cluster())
    } else {
        let path = dir.join(format!("{name}.db"));
        std::fs::copy(from.strip_prefix("sqlite://").unwrap(), &path).unwrap();
        format!("sqlite://{}", path.display())
    }
}

/// A connection of the test's own to a database, to arrange or check what the HTTP interface
/// does not show. Its statements number their placeholders `$1`, `$2`... (both databases read
/// them).
pub async fn connect(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(url).await.unwrap()
}

/// A pool on a database, as [`connect`].
pub async fn pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

pub struct TestApp {
    pub url: String,
    /// The database's URL.
    pub db_url: String,
    pub dir: tempfile::TempDir,
    pub store: std::sync::Arc<dyn monalisa_app::backend::Store>,
    pub client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// A site directory like `make site` builds, with a stand-in bundle.
pub fn test_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../public"), &site);
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/monalisa-0123456789.js"), "export default function init() {}").unwrap();
    std::fs::write(site.join("pkg/monalisa-0123456789_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    site
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with_roads(None).await
    }

    /// The same, planning with road times from an OSRM-compatible service.
    pub async fn spawn_with_roads(osrm: Option<monalisa_server::osrm::OsrmSettings>) -> TestApp {
        TestApp::spawn_with(monalisa_server::Services { osrm, geocoder: None }).await
    }

    /// The same, with these outside services.
    pub async fn spawn_with(services: monalisa_server::Services) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db_url = fresh_database(dir.path(), "test").await;
        TestApp::spawn_in(dir, db_url, services).await
    }

    /// A second server process on the database of another (a replica).
    pub async fn spawn_on(db_url: &str) -> TestApp {
        TestApp::spawn_in(tempfile::tempdir().unwrap(), db_url.to_owned(), monalisa_server::Services::default()).await
    }

    async fn spawn_in(dir: tempfile::TempDir, db_url: String, services: monalisa_server::Services) -> TestApp {
        let store = monalisa_server::open_store(&db_url).await.unwrap();
        let site = Site::load(&test_site(dir.path())).unwrap();
        let settings = monalisa_app::backend::Settings::default();
        let network = monalisa_server::http::NetworkSettings { trusted_proxies: vec!["127.0.0.1".parse().unwrap()] };
        let app = monalisa_server::app_with(store.clone(), site, settings, network, services);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
        });
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { url: format!("http://{addr}"), db_url, dir, store, client, task }
    }

    /// A connection of the test's own to its database (see [`connect`]).
    pub async fn db(&self) -> sqlx::AnyConnection {
        connect(&self.db_url).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.url)).send().await.unwrap()
    }

    /// GET a page, as a browser would, with a language chosen by the switch's cookie.
    pub async fn page(&self, path: &str, lang: &str) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        self.page_as(path, lang, "").await
    }

    /// GET a page with extra cookies (a session).
    pub async fn page_as(
        &self,
        path: &str,
        lang: &str,
        cookies: &str,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", format!("lang={lang}; {cookies}"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        (status, headers, res.text().await.unwrap())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---- a populated world with one account per role in two scopes ------------------------------

use monalisa_app::auth::{Role, UserId};
use monalisa_app::backend::{NewUser, Population};
use monalisa_app::domain::{Date, ResidentId, Timestamp, VolunteerId};
use serde_json::Value;
use std::collections::BTreeMap;

pub const PASSWORD: &str = "mot-de-passe-de-test";

/// The server's today (in France): a visit a phone reports must lie near it (the server refuses
/// days outside the window of `monalisa_app::domain::windows`), so tests report on this day.
pub fn today() -> String {
    Timestamp(monalisa_app::backend::now_ms()).paris_local().0.to_string()
}

/// A browser-like client: keeps cookies, sends JSON to server functions.
#[derive(Clone)]
pub struct Agent {
    pub url: String,
    pub client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
}

impl Agent {
    pub fn new(app: &TestApp) -> Agent {
        Agent { url: app.url.clone(), client: app.client.clone(), cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn absorb(&mut self, res: &reqwest::Response) {
        for value in res.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attrs) = text.split_once(';').unwrap_or((text, ""));
            let (name, v) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), v.to_owned());
            }
        }
    }

    /// Calls a server function (POST, JSON body); returns the status and the JSON answer.
    pub async fn call(&mut self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .client
            .post(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            // As the app's own pages do (the server refuses a post with cookies that does not).
            .header("origin", &self.url)
            .json(&body)
            .send()
            .await
            .unwrap();
        self.absorb(&res);
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A GET as a browser navigation (asks for HTML).
    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let res = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        self.absorb(&res);
        res
    }

    /// A plain HTML form post (as a browser without JavaScript sends it); the redirect is not
    /// followed.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let res = self.form_post(path).form(fields).send().await.unwrap();
        self.absorb(&res);
        res
    }

    /// A post as a browser sends our pages' forms: HTML asked, the session's cookies, and the
    /// origin headers of a page with the no-referrer policy.
    fn form_post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .header("accept", "text/html")
            .header("origin", "null")
            .header("sec-fetch-site", "same-origin")
    }

    /// A file upload as a browser sends it (`multipart/form-data`): text fields, then one file
    /// field; the redirect is not followed.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> reqwest::Response {
        let boundary = "----monalisa-test-boundary-7d3f";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        let (name, filename, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let res = self
            .form_post(path)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
        self.absorb(&res);
        res
    }

    /// Everything the phone's first sync would bring (pulled from no cursor, page by page).
    pub async fn pull_everything(&mut self) -> Vec<Value> {
        let mut cursor = Value::Null;
        let mut changes = Vec::new();
        loop {
            let (status, page) = self
                .call(
                    "/api/sync/v1/pull",
                    serde_json::json!({ "request": { "protocol": 1, "cursor": cursor, "limit": 50 } }),
                )
                .await;
            assert_eq!(status, 200, "{page}");
            changes.extend(page["changes"].as_array().unwrap().iter().cloned());
            cursor = page["cursor"].clone();
            if page["more"] == false {
                return changes;
            }
        }
    }

    /// A GET server function; returns the status.
    pub async fn get_json(&mut self, path: &str) -> u16 {
        let res =
            self.client.get(format!("{}{path}", self.url)).header("cookie", self.cookie_header()).send().await.unwrap();
        self.absorb(&res);
        res.status().as_u16()
    }

    pub async fn login(&mut self, login: &str, password: &str) -> (u16, Value) {
        self.call(
            "/api/v1/login",
            serde_json::json!({ "login": login, "password": password, "device_label": "Test · Agent" }),
        )
        .await
    }
}

/// The demo population (fixed seed and day) with accounts: `admin`, `coordination`,
/// `ambassadeur` and `benevole` (scope 1, from the demo), `ambassadeur2` and `benevole2`
/// (scope 2), and `cible` (another volunteer of scope 1, target of changes). All share
/// [`PASSWORD`].
pub struct World {
    pub app: TestApp,
    pub population: Population,
    pub users: BTreeMap<&'static str, UserId>,
    /// The volunteer record behind each volunteer account.
    pub volunteers: BTreeMap<&'static str, VolunteerId>,
}

impl World {
    pub async fn new() -> World {
        World::on(TestApp::spawn().await).await
    }

    /// The same world on a given server.
    pub async fn on(app: TestApp) -> World {
        let params =
            monalisa_server::demo::DemoParams { seed: 7, scale: 1.0, today: Date::parse("2026-11-25").unwrap() };
        let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
        let population = monalisa_server::demo::generate(&shapes, &params).unwrap();
        app.store.import_population(&population).await.unwrap();
        let hash = monalisa_app::backend::auth::hash_password(PASSWORD).unwrap();
        let mut users = BTreeMap::new();
        let mut volunteers = BTreeMap::new();
        let busiest = |scope: i64, skip: Option<VolunteerId>| {
            population
                .volunteers
                .iter()
                .filter(|v| v.scope.0 == scope && Some(v.id) != skip)
                .max_by_key(|v| {
                    (population.residents.iter().filter(|r| r.volunteer == Some(v.id)).count(), std::cmp::Reverse(v.id))
                })
                .unwrap()
                .id
        };
        let v1 = busiest(1, None);
        let accounts: Vec<(&'static str, Role, Option<VolunteerId>, Option<i64>)> = vec![
            ("admin", Role::Admin, None, None),
            ("coordination", Role::Coordinator, None, None),
            ("ambassadeur", Role::Ambassador, None, Some(1)),
            ("ambassadeur2", Role::Ambassador, None, Some(2)),
            ("benevole", Role::Volunteer, Some(v1), None),
            ("benevole2", Role::Volunteer, Some(busiest(2, None)), None),
            ("cible", Role::Volunteer, Some(busiest(1, Some(v1))), None),
        ];
        for (login, role, volunteer, ambassador) in accounts {
            let user = NewUser {
                login: login.to_owned(),
                display_name: format!("Compte {login}"),
                role,
                volunteer,
                ambassador: ambassador.map(monalisa_app::domain::AmbassadorId),
            };
            let id = app.store.create_user(&user, Timestamp(0)).await.unwrap();
            app.store.set_password(id, &hash).await.unwrap();
            users.insert(login, id);
            if let Some(v) = volunteer {
                volunteers.insert(login, v);
            }
        }
        World { app, population, users, volunteers }
    }

    pub async fn agent(&self, login: &str) -> Agent {
        let mut agent = Agent::new(&self.app);
        let (status, body) = agent.login(login, PASSWORD).await;
        assert_eq!(status, 200, "login {login}: {body}");
        agent
    }

    /// A planned visit of a published round of this volunteer account.
    pub fn published_visit_of(&self, login: &str) -> i64 {
        let v = self.volunteers[login];
        let published = |round: Option<monalisa_app::domain::RoundId>| {
            self.population
                .rounds
                .iter()
                .any(|r| Some(r.id) == round && r.status == monalisa_app::domain::RoundStatus::Published)
        };
        self.population
            .visits
            .iter()
            .find(|x| x.volunteer == v && x.status == monalisa_app::domain::VisitStatus::Planned && published(x.round))
            .unwrap()
            .id
            .0
    }

    /// A resident followed by this volunteer account.
    pub fn resident_of(&self, login: &str) -> ResidentId {
        let v = self.volunteers[login];
        self.population.residents.iter().find(|r| r.volunteer == Some(v)).unwrap().id
    }
}

/// A stand-in for an OSRM `table` service: great-circle × 1.3 at 40 km/h (the benchmark's model,
/// unrounded, as OSRM answers), at most `MAX_TABLE` sources and destinations per request, and
/// a count of requests.
pub mod osrm_stand_in {
    use axum::extract::{Path, Query, State};
    use axum::http::StatusCode;
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub const MAX_TABLE: usize = 10;

    fn km(a: [f64; 2], b: [f64; 2]) -> f64 {
        let (p1, p2) = (a[1].to_radians(), b[1].to_radians());
        let (dp, dl) = ((p2 - p1) / 2.0, (b[0].to_radians() - a[0].to_radians()) / 2.0);
        let h = dp.sin().powi(2) + p1.cos() * p2.cos() * dl.sin().powi(2);
        2.0 * 6371.0088 * h.sqrt().asin()
    }

    async fn table(
        State(count): State<Arc<AtomicUsize>>,
        Path(coords): Path<String>,
        Query(q): Query<HashMap<String, String>>,
    ) -> (StatusCode, String) {
        count.fetch_add(1, Ordering::SeqCst);
        let points: Vec<[f64; 2]> = coords
            .split(';')
            .map(|c| {
                let (lon, lat) = c.split_once(',').unwrap();
                [lon.parse().unwrap(), lat.parse().unwrap()]
            })
            .collect();
        let list = |key: &str| -> Vec<usize> {
            q.get(key)
                .map(|s| s.split(';').map(|i| i.parse().unwrap()).collect())
                .unwrap_or((0..points.len()).collect())
        };
        let (sources, destinations) = (list("sources"), list("destinations"));
        if sources.len() > MAX_TABLE || destinations.len() > MAX_TABLE {
            return (StatusCode::BAD_REQUEST, r#"{"code":"TooBig","message":"Too many table coordinates"}"#.into());
        }
        let rows = |f: &dyn Fn(f64) -> f64| -> Vec<Vec<f64>> {
            sources.iter().map(|&s| destinations.iter().map(|&d| f(km(points[s], points[d]))).collect()).collect()
        };
        let body = serde_json::json!({
            "code": "Ok",
            "durations": rows(&|km| km * 1.3 / 40.0 * 3600.0),
            "distances": rows(&|km| km * 1.3 * 1000.0),
        });
        (StatusCode::OK, body.to_string())
    }

    /// Starts the stand-in on a background thread; returns its URL and request counter.
    pub fn start() -> (String, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new()
            .route("/table/v1/driving/{coords}", axum::routing::get(table))
            .with_state(count.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        (url, count)
    }
}

/// Starts the real `monalisa serve` on `db` and `site` at `127.0.0.1:port`, with the kill hook
/// armed (`crash`: it dies right after its next push's commit); returns it and its URL once it
/// listens.
pub fn serve(db: &str, site: &Path, port: u16, crash: bool) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_monalisa"));
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--database-url", db, "--site-root"])
        .arg(site)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .env("MONALISA_LOG", "warn");
    if crash {
        cmd.env("MONALISA_TEST_KILL_AFTER_COMMIT", "1");
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().trim_start_matches("Monalisa Visites: ").trim_end_matches('/').to_owned();
    (child, url)
}
