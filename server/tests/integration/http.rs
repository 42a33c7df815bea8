//! The server through its real HTTP interface on a real (temporary) SQLite database.

use crate::common::{TestApp, World};
use monalisa_app::auth::RouteKind;
use monalisa_app::i18n::{Lang, Msg, t};
use monalisa_app::routes::ROUTES;

/// A page's title: a translation key, or the (French, English) text of a server-only page.
#[derive(Clone, Copy)]
enum T {
    M(Msg),
    Tr(&'static str, &'static str),
}

impl T {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            T::M(msg) => t(lang, msg),
            T::Tr(fr, en) => monalisa_app::i18n::tr(lang, fr, en),
        }
    }
}

/// Every page of the app with the title key it must show, seen by an account that may (the
/// admin, or a volunteer for the volunteer's pages). The first test checks this list against
/// the route table, so a new page cannot be forgotten here.
const PAGES: &[(&str, &str, u16, T, &str)] = &[
    ("/", "/", 200, T::M(Msg::TerritoryTitle), "admin"),
    ("/connexion", "/connexion", 200, T::M(Msg::LoginTitle), "admin"),
    ("/accessibilite", "/accessibilite", 200, T::Tr("Déclaration d'accessibilité", "Accessibility statement"), "admin"),
    ("/inscription", "/inscription", 200, T::M(Msg::EnrolTitle), "admin"),
    ("/accueil", "/accueil", 200, T::M(Msg::HomeTitle), "admin"),
    ("/comptes", "/comptes", 200, T::M(Msg::AccountsTitle), "admin"),
    ("/comptes/{id}", "/comptes/1", 200, T::M(Msg::AccountTitle), "admin"),
    ("/journal", "/journal", 200, T::M(Msg::JournalTitle), "admin"),
    ("/territoire", "/territoire", 200, T::Tr("Organisation du territoire", "Territory set-up"), "admin"),
    ("/import", "/import", 200, T::Tr("Importer un fichier", "Import a file"), "admin"),
    ("/a-verifier", "/a-verifier", 200, T::M(Msg::ReviewTitle), "ambassadeur"),
    ("/planification", "/planification", 200, T::M(Msg::PlanningTitle), "ambassadeur"),
    ("/signalements", "/signalements", 200, T::M(Msg::ConcernsTitle), "ambassadeur"),
    ("/planification/feuille", "/planification/feuille?benevole={benevole}", 200, T::M(Msg::SheetTitle), "ambassadeur"),
    ("/planification/saisie", "/planification/saisie?visite={visite}", 200, T::M(Msg::EntryTitle), "ambassadeur"),
    ("/personnes", "/personnes", 200, T::Tr("Personnes et bénévoles", "People and volunteers"), "ambassadeur"),
    (
        "/personnes/fiche",
        "/personnes/fiche?id={personne}",
        200,
        T::Tr("Fiche de la personne", "Person's record"),
        "ambassadeur",
    ),
    ("/benevoles/fiche", "/benevoles/fiche", 200, T::Tr("Ajouter un bénévole", "Add a volunteer"), "ambassadeur"),
    (
        "/personnes/dossier",
        "/personnes/dossier?id={personne}",
        200,
        T::Tr("Tout ce que nous détenons sur cette personne", "Everything we hold on this person"),
        "ambassadeur",
    ),
    ("/benevoles/relais", "/benevoles/relais?id={benevole}", 200, T::Tr("Passer la main", "Hand over"), "ambassadeur"),
    (
        "/coordination",
        "/coordination",
        200,
        T::Tr("Couverture du territoire", "Coverage of the territory"),
        "coordination",
    ),
    ("/tournee", "/tournee", 200, T::M(Msg::RoundTitle), "benevole"),
    ("/personne", "/personne?id=1", 200, T::M(Msg::CardTitle), "benevole"),
    ("/compte-rendu", "/compte-rendu?personne=1", 200, T::M(Msg::ReportTitle), "benevole"),
    ("/absences", "/absences", 200, T::M(Msg::AbsencesTitle), "benevole"),
    ("", "/page-qui-n-existe-pas", 404, T::M(Msg::NotFoundTitle), "admin"),
];

fn visible_text(html: &str) -> String {
    // Text outside tags and outside <script> elements.
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find("</script>").map_or("", |end| &rest[start + end + 9..]);
    }
    out.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", "\"")
}

#[test]
fn the_page_list_matches_the_route_table() {
    let table: Vec<&str> = ROUTES.iter().filter(|r| r.kind == RouteKind::Page).map(|r| r.path).collect();
    let listed: Vec<&str> = PAGES.iter().filter(|p| !p.0.is_empty()).map(|p| p.0).collect();
    assert_eq!(table, listed, "add new pages to PAGES (and to tests/lib/pages.mjs)");
}

#[tokio::test]
async fn every_page_in_both_languages() {
    let world = World::new().await;
    let mut sessions = std::collections::BTreeMap::new();
    for login in ["admin", "benevole", "ambassadeur", "coordination"] {
        let agent = world.agent(login).await;
        sessions.insert(login, agent.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "));
    }
    for &(_, path, status, title, login) in PAGES {
        let session = &sessions[login];
        let path = &path
            .replace("{benevole}", &world.volunteers["benevole"].0.to_string())
            .replace("{visite}", &world.published_visit_of("benevole").to_string())
            .replace("{personne}", &world.resident_of("benevole").0.to_string());
        for lang in Lang::ALL {
            let (s, headers, html) = world.app.page_as(path, lang.code(), session).await;
            // A page with personal data is never stored; an offline shell holds none.
            let cache = headers["cache-control"].to_str().unwrap();
            let spec = monalisa_app::routes::find("GET", path.split('?').next().unwrap());
            match spec.map(|r| r.caching) {
                Some(monalisa_app::auth::Caching::NoStore) => {
                    assert_eq!(cache, "no-store", "{path}")
                }
                _ => assert_eq!(cache, "no-cache", "{path}"),
            }
            assert_eq!(s.as_u16(), status, "{path} {lang:?}");
            assert!(html.contains(&format!("<html lang=\"{}\"", lang.code())), "{path} {lang:?}");
            let text = visible_text(&html);
            assert!(text.contains(title.text(lang)), "{path} in {lang:?} lacks its title");
            // No text of the other language, and no unfilled placeholder.
            for &msg in Msg::ALL {
                let own = t(lang, msg);
                let other = t(lang.other(), msg);
                if own != other && other.len() > 12 {
                    assert!(!text.contains(other), "{path} in {lang:?} shows {msg:?} in the other language");
                }
            }
            let placeholder = text.find('{').map(|i| &text[i..(i + 20).min(text.len())]);
            assert_eq!(placeholder, None, "{path} in {lang:?} has an unfilled placeholder");
        }
    }
}

#[tokio::test]
async fn browser_language_and_default() {
    let app = TestApp::spawn().await;
    let lang_of = |html: &str| html.split("<html lang=\"").nth(1).and_then(|s| s.get(..2)).map(str::to_owned);
    let res = app.client.get(format!("{}/", app.url)).header("accept-language", "en-US,en;q=0.8").send().await.unwrap();
    assert_eq!(lang_of(&res.text().await.unwrap()).as_deref(), Some("en"));
    let res = app.client.get(format!("{}/", app.url)).header("accept-language", "de-DE").send().await.unwrap();
    assert_eq!(lang_of(&res.text().await.unwrap()).as_deref(), Some("fr"));
    let res = app.get("/").await;
    assert_eq!(lang_of(&res.text().await.unwrap()).as_deref(), Some("fr"));
}

#[tokio::test]
async fn territory_page_shows_the_35_communes_and_only_census_totals() {
    let app = TestApp::spawn().await;
    let (_, _, html) = app.page("/", "fr").await;
    assert_eq!(html.matches("<th scope=\"row\">").count(), 36, "35 communes + the total row");
    assert!(html.contains("Civray") && html.contains("Valence-en-Poitou"));
    assert!(html.contains("26\u{202f}641"));
}

#[tokio::test]
async fn security_headers_on_every_kind_of_response() {
    let app = TestApp::spawn().await;
    let (_, headers, html) = app.page("/", "fr").await;
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).unwrap();
    // Every inline script carries this response's nonce.
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(scripts >= 2 && with_nonce >= scripts, "{scripts} scripts, {with_nonce} with the nonce");
    // A new nonce for each response.
    let (_, headers2, _) = app.page("/", "fr").await;
    assert_ne!(headers2["content-security-policy"], headers["content-security-policy"]);

    for path in ["/", "/style.css", "/api/v1/territory", "/healthz", "/sw.js", "/nope"] {
        let res = app.get(path).await;
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
        let cache = h["cache-control"].to_str().unwrap();
        assert!(cache == "no-cache" || cache.contains("immutable") || cache == "no-store", "{path}: {cache}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn health_check_and_server_functions() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let res = app.get("/api/v1/territory").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["communes"].as_array().unwrap().len(), 35);
    assert_eq!(body["population_year"], 2023);
    // Census facts only: no field about people followed.
    let fields: Vec<&str> = body["communes"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(fields, ["area_km2", "insee", "name", "population"]);

    let res = app.client.post(format!("{}/api/v1/status", app.url)).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["build"].as_str().unwrap().starts_with(env!("CARGO_PKG_VERSION")));
    assert!(body["server_time_ms"].as_i64().unwrap() > 1_700_000_000_000);

    assert_eq!(app.client.post(format!("{}/api/v1/no-such-function", app.url)).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(format!("{}/api/v1/status", app.url)).send().await.unwrap().status(), 405);
    // Files of the site directory that are not in the route table are not served.
    std::fs::write(app.dir.path().join("site/secret.txt"), "not for the web").unwrap();
    assert_eq!(app.get("/secret.txt").await.status(), 404);
    assert_eq!(
        app.client.get(format!("{}/secret.txt", app.url)).header("accept", "text/html").send().await.unwrap().status(),
        404
    );
    assert_eq!(app.get("/manifest.webmanifest").await.status(), 200);
}

#[tokio::test]
async fn service_worker_is_versioned_and_never_cached() {
    let app = TestApp::spawn().await;
    let res = app.get("/sw.js").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let body = res.text().await.unwrap();
    assert!(!body.contains("__MONALISA_"));
    assert!(body.contains("\"/pkg/monalisa-0123456789_bg.wasm\""));
    assert!(body.contains("\"/\""));
    let bundle = app.get("/pkg/monalisa-0123456789.js").await;
    assert!(bundle.headers()["cache-control"].to_str().unwrap().contains("immutable"));
}

#[tokio::test]
async fn responses_are_compressed() {
    let app = TestApp::spawn().await;
    let res = app.client.get(format!("{}/", app.url)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn language_switch_sets_a_cookie_and_stays_on_site() {
    let app = TestApp::spawn().await;
    let res = app.get("/lang/en?to=/page").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/page");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"), "{cookie}");
    let res = app.get("/lang/en?to=//evil.example/").await;
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(app.get("/lang/xx").await.status(), 404);
}

/// Many pages rendered at once by one server (one runtime, as in production) all complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_under_concurrent_load() {
    let world = World::new().await;
    let admin = world.agent("admin").await;
    let session = admin.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let mut tasks = Vec::new();
    for n in 0..60 {
        let url = world.app.url.clone();
        let client = world.app.client.clone();
        let session = session.clone();
        tasks.push(tokio::spawn(async move {
            let path = ["/", "/connexion", "/accueil", "/comptes", "/journal", "/comptes/1"][n % 6];
            let res = client
                .get(format!("{url}{path}"))
                .header("cookie", session)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.text().await.unwrap().len())
        }));
    }
    let all = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    })
    .await
    .expect("every page rendered");
    assert!(all.iter().all(|(status, len)| *status == 200 && *len > 1000), "{all:?}");
}
