//! A territory set up from an empty install, as its admin does it: no demo data, the first
//! admin from the command line, then scopes, communes and ambassadors from the page (and the
//! same from the command line), refusals that change nothing, and the ambassador's account
//! reaching their scope.

use crate::common::{Agent, TestApp};
use serde_json::{Value, json};
use std::process::Command;

pub(crate) fn monalisa(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_monalisa")).args(args).args(["--database-url", &app.db_url]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Opens an enrolment link printed by the CLI or given by the page, as its owner would.
pub(crate) async fn enrol(app: &TestApp, url: &str) -> Agent {
    let token = url.split_once('#').expect("a link with its token").1.trim();
    let mut agent = Agent::new(app);
    let body = json!({ "token": token, "password": "une phrase assez longue", "device_label": "Test · Portable" });
    let (status, session) = agent.call("/api/v1/enrolment/complete", body).await;
    assert_eq!(status, 200, "{session}");
    agent
}

/// Where a form post sent the browser back to.
pub(crate) async fn post(agent: &mut Agent, path: &str, fields: &[(&str, &str)]) -> String {
    let res = agent.post_form(path, fields).await;
    assert_eq!(res.status(), 303, "{path}");
    res.headers()["location"].to_str().unwrap().to_owned()
}

async fn view(admin: &mut Agent) -> Value {
    let (status, view) = admin.call("/api/v1/setup/view", json!({})).await;
    assert_eq!(status, 200, "{view}");
    view
}

#[tokio::test]
async fn an_empty_install_is_set_up_by_its_admin() {
    let app = TestApp::spawn().await;
    // First start: the public page says how to create the first admin.
    let (status, _, html) = app.page("/", "fr").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"first-start\"") && html.contains("--role admin"), "first-start notice");

    let (ok, out, err) =
        monalisa(&app, &["user", "add", "--login", "claire.m", "--role", "admin", "--name", "Claire M"]);
    assert!(ok, "{err}");
    let link = out.lines().find_map(|l| l.split_once(": http").map(|(_, rest)| format!("http{rest}"))).unwrap();
    let mut admin = enrol(&app, &link).await;
    let (_, _, html) = app.page("/", "fr").await;
    assert!(!html.contains("data-testid=\"first-start\""), "an account exists now");

    // Nothing set up: the home and the page list what is missing.
    let start = view(&mut admin).await;
    assert!(start["scopes"].as_array().unwrap().is_empty());
    let communes = start["free_communes"].as_array().unwrap().clone();
    assert_eq!(communes.len(), 35, "every commune of the territory is in no scope");
    let res = admin.get("/accueil").await;
    let home = res.text().await.unwrap();
    assert!(
        home.contains("data-testid=\"setup-gaps\"") && home.contains("Aucun secteur"),
        "the admin's home lists the gaps"
    );

    // Two scopes; a name too short or taken is refused and creates nothing.
    assert_eq!(post(&mut admin, "/territoire/secteur", &[("nom", "  Nord  ")]).await, "/territoire?fait=secteur-cree");
    assert_eq!(post(&mut admin, "/territoire/secteur", &[("nom", "Sud")]).await, "/territoire?fait=secteur-cree");
    assert_eq!(
        post(&mut admin, "/territoire/secteur", &[("nom", "Nord")]).await,
        "/territoire?erreur=scope_name.taken"
    );
    assert_eq!(
        post(&mut admin, "/territoire/secteur", &[("nom", "N")]).await,
        "/territoire?erreur=scope_name.too_short"
    );
    let v = view(&mut admin).await;
    let names: Vec<&str> = v["scopes"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Nord", "Sud"]);
    let (nord, sud) = (v["scopes"][0]["id"].to_string(), v["scopes"][1]["id"].to_string());
    let page = admin.get("/territoire?erreur=scope_name.taken").await.text().await.unwrap();
    assert!(page.contains("Un secteur porte déjà ce nom."), "the page says why, in French");

    // Communes: given to Nord; taking one into Sud needs "move", and then it moves.
    let (a, b) = (communes[0]["insee"].as_str().unwrap(), communes[1]["insee"].as_str().unwrap());
    for c in [a, b] {
        assert_eq!(
            post(&mut admin, "/territoire/commune", &[("commune", c), ("secteur", &nord)]).await,
            "/territoire?fait=commune"
        );
    }
    let refused = post(&mut admin, "/territoire/commune", &[("commune", b), ("secteur", &sud)]).await;
    assert_eq!(refused, "/territoire?erreur=commune.in_another_scope");
    assert_eq!(view(&mut admin).await["scopes"][0]["communes"].as_array().unwrap().len(), 2, "refused: nothing moved");
    let moved = post(&mut admin, "/territoire/commune", &[("commune", b), ("secteur", &sud), ("deplacer", "1")]).await;
    assert_eq!(moved, "/territoire?fait=commune");
    let bad = post(&mut admin, "/territoire/commune", &[("commune", "75056"), ("secteur", &nord)]).await;
    assert_eq!(bad, "/territoire?erreur=commune.unknown", "Paris is not on the territory");

    // An ambassador for Nord, then their account; a bad phone is refused.
    let refused = post(
        &mut admin,
        "/territoire/ambassadeur",
        &[("prenom", "Anne"), ("nom", "Roux"), ("telephone", "12"), ("secteur", &nord)],
    )
    .await;
    assert_eq!(refused, "/territoire?erreur=phone.format");
    let made = post(
        &mut admin,
        "/territoire/ambassadeur",
        &[("prenom", "Anne"), ("nom", "Roux"), ("telephone", "05 49 00 00 01"), ("secteur", &nord)],
    )
    .await;
    assert_eq!(made, "/territoire?fait=ambassadeur-cree");
    let v = view(&mut admin).await;
    let anne = v["scopes"][0]["ambassadors"][0]["id"].as_i64().expect("Anne is Nord's");
    let (status, created) =
        admin.call("/api/v1/accounts/create", json!({ "login": "anne.r", "person": { "Ambassador": anne } })).await;
    assert_eq!(status, 200, "{created}");
    let mut ambassador = enrol(&app, created[1]["url"].as_str().unwrap()).await;
    assert_eq!(ambassador.get("/personnes").await.status(), 200, "the ambassador works in their scope");

    // The same from the command line: a scope, a commune, an ambassador attached to it.
    let (ok, out, err) = monalisa(&app, &["scope", "add", "Secteur Est"]);
    assert!(ok && out.contains("created scope"), "{err}");
    let est = out.trim().rsplit(' ').next().unwrap().to_owned();
    let c = communes[2]["insee"].as_str().unwrap();
    let (ok, out, err) = monalisa(&app, &["scope", "assign", &est, c, a]);
    assert!(!ok, "one of the two is in Nord: {out}");
    assert!(
        out.contains(&format!("{c}: added")) && err.contains(&format!("{a}: This commune already belongs")),
        "{out} {err}"
    );
    let (ok, out, err) =
        monalisa(&app, &["ambassador", "add", "--first-name", "Paul", "--last-name", "Brun", "--phone", "0549000002"]);
    assert!(ok, "{err}");
    let paul = out.lines().next().unwrap().rsplit(' ').next().unwrap().to_owned();
    assert!(monalisa(&app, &["ambassador", "attach", &paul, "--scope", &est]).0);
    let (ok, out, _) = monalisa(&app, &["scope", "list"]);
    assert!(ok && out.contains("\"Secteur Est\"") && out.contains(&format!("ambassadors [{paul}]")), "{out}");

    // Detached, Anne's account opens no ambassador page; attached again, it does.
    assert_eq!(
        post(&mut admin, "/territoire/rattachement", &[("ambassadeur", &anne.to_string()), ("secteur", "")]).await,
        "/territoire?fait=rattachement"
    );
    tokio::time::sleep(monalisa_store_sql::SESSION_CACHE_TTL).await;
    assert_eq!(ambassador.get("/personnes").await.status(), 403);
    let gaps = view(&mut admin).await;
    assert_eq!(gaps["detached"].as_array().unwrap().len(), 1);
    post(&mut admin, "/territoire/rattachement", &[("ambassadeur", &anne.to_string()), ("secteur", &nord)]).await;
    tokio::time::sleep(monalisa_store_sql::SESSION_CACHE_TTL).await;
    assert_eq!(ambassador.get("/personnes").await.status(), 200);

    // Every change is in the audit trail, with who made it (none for the command line).
    let (_, entries) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "scope", "limit": 50 } })).await;
    let actions: Vec<&str> = entries.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"scope.create") && actions.contains(&"scope.commune"), "{actions:?}");
    // Only admins may see or change any of it.
    assert_eq!(ambassador.call("/api/v1/setup/view", json!({})).await.0, 403);
    assert_eq!(ambassador.post_form("/territoire/secteur", &[("nom", "Ouest")]).await.status(), 403);
}
