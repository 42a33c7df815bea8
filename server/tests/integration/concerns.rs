//! A concern's follow-up through the real HTTP interface: a volunteer reports a fall at a visit;
//! the scope's ambassador sees it, takes it in hand, then marks it resolved (each step once, with
//! who and when); the volunteer's phone sees each state at its next sync; another scope's
//! ambassador neither sees nor touches it.

use crate::common;

use crate::common::World;
use serde_json::{Value, json};

const REPORT: &str = "cccccccccccccccccccccccccccccc01";

async fn concern_state_on_phone(phone: &mut common::Agent) -> Value {
    let changes = phone.pull_everything().await;
    let report = changes.iter().find(|c| c["report"]["id"] == REPORT).expect("the report is on the phone");
    report["report"]["concerns"].clone()
}

#[tokio::test]
async fn a_concern_is_taken_in_hand_then_resolved() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let resident = world.resident_of("benevole").0;
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [{
        "id": REPORT, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
            "visit": null, "resident": resident, "day": crate::common::today(), "outcome": "done", "duration_minutes": 40,
            "mood": 2, "concerns": ["fall"], "note": "", "proposed_next": null } } }] } });
    let (status, acks) = phone.call("/api/sync/v1/push", push).await;
    assert_eq!(status, 200, "{acks}");

    let mut ambassador = world.agent("ambassadeur").await;
    let find = |list: &Value| list.as_array().unwrap().iter().find(|c| c["report"] == REPORT).cloned();
    let (status, list) = ambassador.call("/api/v1/concerns/list", json!({})).await;
    assert_eq!(status, 200, "{list}");
    let item = find(&list).expect("the new concern is listed");
    assert_eq!((item["kind"].as_str(), item["status"].as_str()), (Some("fall"), Some("open")));
    assert!(item["acknowledged"].is_null());
    let page = ambassador.get("/signalements").await.text().await.unwrap();
    assert!(page.contains("data-testid=\"concern\"") && page.contains("Prendre en charge"), "{page}");

    // Another scope's ambassador: not listed, not reachable.
    let mut other = world.agent("ambassadeur2").await;
    let (_, theirs) = other.call("/api/v1/concerns/list", json!({})).await;
    assert!(find(&theirs).is_none());
    let step = |etape: &'static str| [("rapport", REPORT), ("type", "fall"), ("etape", etape)];
    assert_eq!(other.post_form("/signalements/suivi", &step("acknowledge")).await.status(), 404);

    // Resolving needs nothing in between, but here the ambassador takes it in hand first.
    let res = ambassador.post_form("/signalements/suivi", &step("acknowledge")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/signalements");
    let (_, list) = ambassador.call("/api/v1/concerns/list", json!({})).await;
    let item = find(&list).unwrap();
    assert_eq!(item["status"], "acknowledged");
    assert_eq!(item["acknowledged"]["by"], "Compte ambassadeur");
    assert_eq!(concern_state_on_phone(&mut phone).await, json!([["fall", "acknowledged"]]));
    assert_eq!(ambassador.post_form("/signalements/suivi", &step("acknowledge")).await.status(), 409);

    assert_eq!(ambassador.post_form("/signalements/suivi", &step("resolve")).await.status(), 303);
    let (_, list) = ambassador.call("/api/v1/concerns/list", json!({})).await;
    assert_eq!(find(&list).unwrap()["status"], "resolved");
    assert_eq!(concern_state_on_phone(&mut phone).await, json!([["fall", "resolved"]]));
    assert_eq!(ambassador.post_form("/signalements/suivi", &step("resolve")).await.status(), 409);
}
