//! A territory moved from its SQLite file to PostgreSQL with `monalisa store copy`: every
//! table arrives counted and checked, a second copy onto it is refused, and a phone logged in
//! before the move goes on syncing on the copy without logging in again (its session, device
//! and cursor are there): what it sends after arrives once, what it had sent before is still
//! "already applied", and the sealing key is the same.

use crate::common::{self, TestApp, World};
use serde_json::{Value, json};
use std::process::Command;

fn report(id: &str, resident: i64) -> Value {
    json!({ "id": id, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
        "visit": null, "resident": resident, "day": common::today(), "outcome": "done", "duration_minutes": 45,
        "mood": 3, "concerns": ["food"], "note": "Bonne visite", "proposed_next": null } } })
}

async fn pull_to_end(phone: &mut common::Agent, mut cursor: Value) -> (usize, Value) {
    let mut changes = 0;
    loop {
        let (status, page) = phone
            .call("/api/sync/v1/pull", json!({ "request": { "protocol": 2, "cursor": cursor, "limit": 500 } }))
            .await;
        assert_eq!(status, 200, "{page}");
        changes += page["changes"].as_array().unwrap().len();
        cursor = page["cursor"].clone();
        if page["more"] == false {
            return (changes, cursor);
        }
    }
}

#[tokio::test]
async fn a_territory_moves_to_postgresql_and_its_phones_keep_syncing() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("territory.db").display());
    let world = World::on(TestApp::spawn_on(&from).await).await;
    let mut phone = world.agent("benevole").await;
    let resident = world.resident_of("benevole").0;
    let (first, cursor) = pull_to_end(&mut phone, Value::Null).await;
    assert!(first > 0);
    let before = json!({ "request": { "protocol": 2, "sent_at": 0, "mutations": [report("c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c1", resident)] } });
    assert_eq!(phone.call("/api/sync/v1/push", before.clone()).await.0, 200);
    let (_, session) = phone.call("/api/v1/session", json!({})).await;
    let key_before = session["seal_key"].clone();
    assert!(key_before.is_string(), "{session}");
    world.app.store.close().await;

    let to = {
        // Always a PostgreSQL database, whichever backend the other tests run on.
        let cluster = std::env::var("MONALISA_TEST_POSTGRES").expect("MONALISA_TEST_POSTGRES (make test starts it)");
        let name = format!("copy_{}", std::process::id());
        let mut admin = common::connect(&format!("{cluster}/postgres")).await;
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        format!("{cluster}/{name}")
    };
    let copy = |from: &str, to: &str| {
        Command::new(env!("CARGO_BIN_EXE_monalisa"))
            .args(["store", "copy", "--from", from, "--to", to])
            .output()
            .unwrap()
    };
    let out = copy(&from, &to);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{printed}{}", String::from_utf8_lossy(&out.stderr));
    for table in ["residents", "reports", "audit_log", "change_log", "server_secrets", "sessions", "devices"] {
        let line = printed.lines().find(|l| l.starts_with(&format!("{table} "))).unwrap_or_else(|| panic!("{printed}"));
        assert!(!line.contains(" 0 rows"), "{line}");
    }
    assert!(printed.contains("every table counted and checked"), "{printed}");
    let again = copy(&from, &to);
    assert!(!again.status.success(), "a second copy onto a filled database is refused");
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"), "{}", String::from_utf8_lossy(&again.stderr));

    // The same phone, its cookies and cursor, on a server over the copy.
    let moved = TestApp::spawn_on(&to).await;
    phone.url = moved.url.clone();
    let (status, session) = phone.call("/api/v1/session", json!({})).await;
    assert_eq!(status, 200, "still logged in: {session}");
    assert_eq!(session["seal_key"], key_before, "the same sealing key");
    let (status, answer) = phone.call("/api/sync/v1/push", before).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["acks"][0]["status"], json!({ "already_applied": { "flag": null } }));
    let after = json!({ "request": { "protocol": 2, "sent_at": 0, "mutations": [report("c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c2", resident)] } });
    let (_, answer) = phone.call("/api/sync/v1/push", after).await;
    assert_eq!(answer["acks"][0]["status"], json!({ "applied": { "flag": null } }));
    let (changes, _) = pull_to_end(&mut phone, cursor).await;
    assert!(changes >= 2, "the phone follows on from its cursor: its reports and the resident's card come back");
    let mut db = moved.db().await;
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM reports WHERE id LIKE 'c0c0%'").fetch_one(&mut db).await.unwrap();
    assert_eq!(n, 2, "each report once");
}
