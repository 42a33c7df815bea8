//! Bad input from an attacker or a careless user, through the real HTTP interface (issue 21):
//! dates out of any sensible window, reports about someone else's residents, markup in the
//! fields people type, return paths that leave the site, odd paths, posts that say nothing of
//! where they come from, a second login. Each refused thing changes nothing.

use crate::common::{Agent, World, today};
use monalisa_app::domain::Date;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn report(id: &str, resident: i64, day: &str, next: Option<&str>) -> Value {
    json!({ "id": id, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
        "visit": null, "resident": resident, "day": day, "outcome": "done", "duration_minutes": 30,
        "mood": 3, "concerns": ["fall"], "note": "", "proposed_next": next } } })
}

async fn push(phone: &mut Agent, mutations: Vec<Value>) -> Vec<Value> {
    let (status, answer) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": mutations } }))
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["acks"].as_array().unwrap().iter().map(|a| a["status"].clone()).collect()
}

async fn count(world: &World, sql: &str, id: i64) -> i64 {
    let mut db = world.app.db().await;
    sqlx::query_scalar(sql).bind(id).fetch_one(&mut db).await.unwrap()
}

#[tokio::test]
async fn dates_out_of_their_window_are_refused_and_never_break_a_pull() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let resident = world.resident_of("benevole").0;
    let today = Date::parse(&today()).unwrap();
    let reports = "SELECT count(*) FROM reports WHERE resident_id = $1";
    let concerns = "SELECT count(*) FROM concerns WHERE resident_id = $1";
    let before = (count(&world, reports, resident).await, count(&world, concerns, resident).await);
    let next_year = today.add_days(366).to_string();
    let cases = [
        ("far future", "9999-12-31", None, "day_in_future"),
        ("next year", next_year.as_str(), None, "day_in_future"),
        ("the epoch", "1970-01-01", None, "day_too_early"),
        ("the first day a date can be", "1000-01-01", None, "day_too_early"),
        ("a proposed date in year 9999", &today.to_string(), Some("9999-12-31"), "proposed_next"),
    ];
    for (n, (name, day, next, reason)) in cases.iter().enumerate() {
        let acks = push(&mut phone, vec![report(&format!("{n:0>32}"), resident, day, *next)]).await;
        assert_eq!(acks, [json!({ "rejected": { "reason": reason } })], "{name}");
    }
    assert_eq!(
        (count(&world, reports, resident).await, count(&world, concerns, resident).await),
        before,
        "nothing changed"
    );
    // Each refused report is kept aside on the server too, once, for the ambassador to see.
    let kept = "SELECT count(*) FROM quarantine WHERE reason LIKE 'refused:%' AND user_id = $1";
    assert_eq!(count(&world, kept, world.users["benevole"].0).await, cases.len() as i64);
    let again = push(&mut phone, vec![report(&format!("{:0>32}", 0), resident, "9999-12-31", None)]).await;
    assert_eq!(again, [json!({ "rejected": { "reason": "day_in_future" } })], "the same answer when sent again");
    assert_eq!(count(&world, kept, world.users["benevole"].0).await, cases.len() as i64);
    let mut ambassador = world.agent("ambassadeur").await;
    let page = ambassador.get("/a-verifier").await.text().await.unwrap();
    assert!(page.contains("le téléphone le garde pour correction"), "{page}");
    let absence = json!({ "id": "a".repeat(32), "recorded_at": 0, "body": { "absence": { "first": "9999-12-30", "last": "9999-12-31" } } });
    assert_eq!(push(&mut phone, vec![absence]).await, [json!({ "rejected": { "reason": "absence_dates" } })]);

    // A far-future day already in the database (written before this rule): every phone holding
    // the resident still syncs, and their due date is one a phone can read.
    let mut db = world.app.db().await;
    sqlx::query(
        "INSERT INTO reports (id, resident_id, volunteer_id, day, outcome, recorded_at, received_at) \
         VALUES ('ffffffffffffffffffffffffffffffff', $1, $2, '9999-12-31', 'done', 0, 0)",
    )
    .bind(resident)
    .bind(world.volunteers["benevole"].0)
    .execute(&mut db)
    .await
    .unwrap();
    let changes = phone.pull_everything().await;
    let card = changes.iter().find(|c| c["resident"]["id"] == resident).expect("the resident comes");
    assert_eq!(card["resident"]["next_due"], "9999-12-31");
    let mut fresh = world.agent("benevole").await;
    assert!(fresh.pull_everything().await.iter().any(|c| c["resident"]["id"] == resident));
}

#[tokio::test]
async fn a_report_about_someone_never_given_to_the_volunteer_changes_nothing() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let theirs = world.resident_of("benevole2").0; // scope 2
    let reports = "SELECT count(*) FROM reports WHERE resident_id = $1";
    let concerns = "SELECT count(*) FROM concerns WHERE resident_id = $1";
    let (before_reports, before_concerns) =
        (count(&world, reports, theirs).await, count(&world, concerns, theirs).await);
    let mut other = world.agent("ambassadeur2").await;
    let (_, their_concerns) = other.call("/api/v1/concerns/list", json!({})).await;

    let acks = push(
        &mut phone,
        vec![
            report("c0000000000000000000000000000001", theirs, &today(), None),
            report("c0000000000000000000000000000002", 999_999, &today(), None),
        ],
    )
    .await;
    assert_eq!(acks, ["quarantined", "quarantined"], "the same answer whether the person exists or not");
    assert_eq!(count(&world, reports, theirs).await, before_reports, "not in their record");
    assert_eq!(count(&world, concerns, theirs).await, before_concerns, "no concern raised over there");
    assert_eq!(other.call("/api/v1/concerns/list", json!({})).await.1, their_concerns);
    let (_, queue) = other.call("/api/v1/review/list", json!({})).await;
    assert!(queue["quarantined"].as_array().unwrap().is_empty(), "the other scope is told nothing: {queue}");

    // Kept aside for the ambassador of the volunteer's own scope, once.
    let mut ambassador = world.agent("ambassadeur").await;
    let (_, queue) = ambassador.call("/api/v1/review/list", json!({})).await;
    let aside = queue["quarantined"].as_array().unwrap();
    let mut reasons: Vec<&str> = aside.iter().map(|q| q["reason"].as_str().unwrap()).collect();
    reasons.sort();
    assert_eq!(reasons, ["not_assigned", "unknown_resident"], "{queue}");
    let never_theirs = aside.iter().find(|q| q["reason"] == "not_assigned").unwrap();
    assert!(never_theirs["content"]["report"]["resident_name"].is_null(), "no name from another scope: {queue}");
    let page = ambassador.get("/a-verifier").await.text().await.unwrap();
    assert!(page.contains("personne jamais confiée à ce bénévole"), "{page}");

    // A resident who was theirs and was given to someone else while the phone was offline:
    // the report is kept in the record, flagged, as before.
    let mine = world.resident_of("benevole").0;
    phone.pull_everything().await;
    let mut db = world.app.db().await;
    sqlx::query("UPDATE residents SET volunteer_id = $1 WHERE id = $2")
        .bind(world.volunteers["cible"].0)
        .bind(mine)
        .execute(&mut db)
        .await
        .unwrap();
    let acks = push(&mut phone, vec![report("c0000000000000000000000000000003", mine, &today(), None)]).await;
    assert_eq!(acks, [json!({ "applied": { "flag": "not_assigned" } })]);
}

const PAYLOAD: &str = "</textarea><b id=\"injected\">x</b><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\"' onfocus=\"x";

#[tokio::test]
async fn markup_in_typed_fields_stays_text() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let commune = world.population.scopes.iter().find(|s| s.id.0 == 1).unwrap().communes[0].as_str().to_owned();
    let fields = [("prenom", "Ida"), ("nom", "Sittelle"), ("adresse", PAYLOAD), ("acces", PAYLOAD), ("gouts", PAYLOAD)];
    let mut form = crate::people::resident_form(&commune, &fields);
    // Refused (a bad phone number): the form comes back with what was typed, as text.
    form.retain(|(k, _)| *k != "telephone");
    form.push(("telephone", "pas un numéro"));
    let refused = ambassador.post_form("/personnes/enregistrer", &form).await;
    assert_eq!(refused.status(), 422);
    assert_escaped(&refused.text().await.unwrap());
    form.retain(|(k, _)| *k != "telephone");
    form.push(("telephone", ""));
    let saved = ambassador.post_form("/personnes/enregistrer", &form).await;
    assert_eq!(saved.status(), 303, "{:?}", saved.text().await);
    let (_, list) = ambassador.call("/api/v1/people/list", json!({})).await;
    let id = list["residents"].as_array().unwrap().iter().find(|r| r["name"] == "Ida Sittelle").unwrap()["id"].clone();
    for path in [format!("/personnes/fiche?id={id}"), format!("/personnes/dossier?id={id}"), "/personnes".to_owned()] {
        let page = ambassador.get(&path).await.text().await.unwrap();
        assert_escaped(&page);
    }
    // The form shows the text whole, so saving it again keeps it (an injection truncated it).
    let fiche = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(fiche.contains(&format!(">{}</textarea>", monalisa_app::html::esc(PAYLOAD))), "{fiche}");
}

fn assert_escaped(html: &str) {
    // (Quotes in text are harmless; in attributes Leptos escapes them: the browser test parses.)
    for raw in ["<b id=\"injected\"", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/"] {
        assert!(!html.contains(raw), "unescaped {raw:?} in:\n{html}");
    }
}

/// One request written by hand (a raw client does not percent-encode what a browser would).
async fn raw(url: &str, request: &str) -> String {
    let address = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.replace("{host}", address).as_bytes()).await.unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn paths_return_paths_and_posts_that_try_to_leave() {
    let world = World::new().await;
    let app = &world.app;
    // The language switch takes one return-path rule (the login page's, tested with it).
    for to in ["/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "//evil.example/", "/%5Cevil.example"]
    {
        let res = app.get(&format!("/lang/fr?to={to}")).await;
        assert_eq!(res.headers()["location"], "/", "{to}");
    }
    // Overlong file names: 404, not a server error.
    for path in [format!("/pkg/{}", "a".repeat(256)), format!("/icons/{}.png", "b".repeat(300))] {
        assert_eq!(app.get(&path).await.status(), 404, "{path}");
    }
    // A trailing slash is not the page: it is "not found" (and no page without its access rule).
    let mut admin = world.agent("admin").await;
    for path in ["/journal/", "/personnes/fiche/?id=1", "/comptes/"] {
        let res = admin.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(!res.text().await.unwrap().contains("data-testid=\"audit\""), "{path}");
    }
    assert_eq!(app.get("/journal/").await.status(), 404);
    // The "not logged in" page writes the path only percent-encoded.
    let answer = raw(
        &app.url,
        "GET /comptes/1\"onmouseover=\"x HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(!answer.contains("\"onmouseover") && answer.contains("%22onmouseover%3D%22x"), "{answer}");

    // A post with the session cookie that says nothing of where it comes from: refused.
    let cookie = admin.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let bare = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {{host}}\r\nCookie: {cookie}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    let answer = raw(&app.url, &bare).await;
    assert!(answer.starts_with("HTTP/1.1 403") && answer.contains("cross_origin"), "{answer}");
    let (status, _) = admin.call("/api/v1/session", json!({})).await;
    assert_eq!(status, 200, "with its Origin, the same request goes through");
}

#[tokio::test]
async fn a_new_login_ends_the_session_it_replaces() {
    let world = World::new().await;
    let mut agent = world.agent("ambassadeur").await;
    let old = agent.cookies.clone();
    let (status, _) = agent.login("ambassadeur", crate::common::PASSWORD).await;
    assert_eq!(status, 200);
    assert_ne!(agent.cookies, old);
    assert_eq!(agent.call("/api/v1/session", json!({})).await.0, 200, "the new session works");
    agent.cookies = old;
    assert_eq!(agent.call("/api/v1/session", json!({})).await.0, 401, "the old one is over");
}

#[tokio::test]
async fn refused_bodies_and_queries_answer_in_one_shape() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    // A form missing its fields, a query that is not a number: JSON, 400.
    let res = ambassador.post_form("/a-verifier/vu", &[("nothing", "here")]).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "bad_request");
    let res = ambassador.get("/personnes/dossier.json?id=abc").await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "bad_request");
    // Over the size limit, a form and a server function's JSON alike: 413.
    let big = "x".repeat(3 * 1024 * 1024);
    let res = ambassador.post_form("/a-verifier/vu", &[("type", big.as_str())]).await;
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "too_large");
    let (status, answer) = ambassador.call("/api/v1/people/list", json!({ "padding": big })).await;
    assert_eq!((status, answer["code"].as_str()), (413, Some("too_large")), "{answer}");
}
