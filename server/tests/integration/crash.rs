//! The server killed with SIGKILL between a push's commit and its answer: after a restart, the
//! phone's retry is acknowledged as already applied, and each report exists exactly once.

use crate::common;

use serde_json::{Value, json};
use std::process::Command;

#[tokio::test]
async fn a_push_committed_before_a_crash_is_applied_exactly_once() {
    assert!(
        monalisa_app::backend::sync::TEST_HOOKS,
        "the kill hook is compiled only with --features monalisa-app/test-hooks (as `make test` builds)"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = common::fresh_database(dir.path(), "crash").await;
    let site = common::test_site(dir.path());
    let demo = Command::new(env!("CARGO_BIN_EXE_monalisa"))
        .args(["demo-data", "--seed", "7", "--today", "2026-11-25", "--database-url", &db])
        .output()
        .unwrap();
    assert!(demo.status.success());

    // Find a free port, then keep it across the restart (same origin for the client).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (mut server, url) = common::serve(&db, &site, port, true);
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{url}/api/v1/login"))
        .json(&json!({ "login": "benevole", "password": "monalisa-benevole", "device_label": "test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookies: Vec<String> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    let cookie = cookies.join("; ");
    let card: Value = login.json().await.unwrap();
    assert_eq!(card["role"], "volunteer");

    // A resident of this volunteer, from a first pull.
    let pull: Value = client
        .post(format!("{url}/api/sync/v1/pull"))
        .header("cookie", &cookie)
        .header("origin", &url)
        .json(&json!({ "request": { "protocol": 1, "cursor": null, "limit": 100 } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resident = pull["changes"].as_array().unwrap().iter().find_map(|c| c["resident"]["id"].as_i64()).unwrap();
    let report = |id: &str| {
        json!({ "id": id, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
            "visit": null, "resident": resident, "day": crate::common::today(), "outcome": "done", "duration_minutes": 40,
            "mood": 3, "concerns": ["fall"], "note": "test", "proposed_next": null } } })
    };
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [
        report("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), report("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2") ] } });

    // The server dies after committing, before answering: the phone sees a network error.
    let lost = client
        .post(format!("{url}/api/sync/v1/push"))
        .header("cookie", &cookie)
        .header("origin", &url)
        .json(&push)
        .send()
        .await;
    assert!(lost.is_err(), "no answer from a killed server");
    let status = server.wait().unwrap();
    assert!(!status.success(), "killed: {status:?}");

    // Restart (no hook) on the same database; the phone retries the same batch.
    let (mut server, url) = common::serve(&db, &site, port, false);
    let retry: Value = client
        .post(format!("{url}/api/sync/v1/push"))
        .header("cookie", &cookie)
        .header("origin", &url)
        .json(&push)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<&Value> = retry["acks"].as_array().unwrap().iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses.len(), 2);
    for s in statuses {
        assert!(s.get("already_applied").is_some(), "the commit survived the crash: {s}");
    }
    Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(server.wait().unwrap().success());

    let mut conn = common::connect(&db).await;
    for id in ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"] {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 1, "{id} exactly once");
        let c: i64 = sqlx::query_scalar("SELECT count(*) FROM concerns WHERE report_id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(c, 1, "its concern exactly once");
    }
}
