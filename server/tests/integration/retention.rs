//! Retention through the real store and interface: a record whose follow-up ended more than two
//! years after the last contact is erased (a dry run lists it first and changes nothing); a
//! recent one, an active one and one with a report waiting for review stay (until it is
//! reviewed); the purge is audited; a phone syncing afterwards gets nothing of it.

use crate::common::World;
use monalisa_app::domain::{Date, ResidentId};
use serde_json::{Value, json};

#[tokio::test]
async fn records_past_retention_are_purged_and_nothing_else() {
    let world = World::new().await;
    let store = world.app.store.clone();
    let pool = crate::common::pool(&world.app.db_url).await;
    // Three ended follow-ups of the benevole's volunteer: two long ago (one with a flagged
    // report), one recent; and an active resident without contact for years.
    let mine: Vec<ResidentId> = world
        .population
        .residents
        .iter()
        .filter(|r| r.volunteer == Some(world.volunteers["benevole"]))
        .map(|r| r.id)
        .take(4)
        .collect();
    let (old, flagged, recent, active) = (mine[0], mine[1], mine[2], mine[3]);
    for (r, ended) in [(old, "2023-06-01"), (flagged, "2023-06-01"), (recent, "2026-10-01")] {
        sqlx::query(
            "UPDATE residents SET follow_up_status = 'ended', status_since = $1, consent_on = '2022-01-10' WHERE id = $2",
        )
        .bind(ended)
        .bind(r.0)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("UPDATE reports SET day = '2023-05-20' WHERE resident_id = $1")
            .bind(r.0)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "UPDATE reports SET flag = 'not_assigned' WHERE id = (SELECT id FROM reports WHERE resident_id = $1 LIMIT 1)",
    )
    .bind(flagged.0)
    .execute(&pool)
    .await
    .unwrap();
    let flagged_has_reports: i64 = sqlx::query_scalar("SELECT count(*) FROM reports WHERE resident_id = $1")
        .bind(flagged.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(flagged_has_reports > 0);
    sqlx::query("UPDATE residents SET follow_up_start = '2021-01-04', consent_on = '2021-01-01' WHERE id = $1")
        .bind(active.0)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM concerns WHERE resident_id = $1").bind(active.0).execute(&pool).await.unwrap();

    let mut phone = world.agent("benevole").await;
    let first = phone.pull_everything().await;
    assert!(!first.iter().any(|c| c["resident"]["id"] == old.0), "an ended follow-up is not on the phone");

    let today = Date::parse("2026-11-29").unwrap();
    let dry = monalisa_server::retention::purge(store.as_ref(), today, 730, true).await.unwrap();
    assert_eq!(dry.residents, [old], "{}", dry.text());
    assert!(!store.resident(old).await.unwrap().unwrap().last_name.is_empty(), "a dry run changes nothing");
    // The operator's command says the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_monalisa"))
        .args(["purge", "--dry-run", "--database-url", &world.app.db_url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("would be purged") && text.contains(&old.to_string()), "{text}");

    let done = monalisa_server::retention::purge(store.as_ref(), today, 730, false).await.unwrap();
    assert_eq!(done.residents, [old]);
    let r = store.resident(old).await.unwrap().unwrap();
    assert!(r.first_name.is_empty() && r.last_name.is_empty() && r.address.is_empty() && r.phone.is_none());
    let (note, mood): (String, Option<i64>) =
        sqlx::query_as("SELECT note, mood FROM reports WHERE resident_id = $1 LIMIT 1")
            .bind(old.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((note.as_str(), mood), ("", None));
    let purged_on: Option<String> =
        sqlx::query_scalar("SELECT purged_on FROM residents WHERE id = $1").bind(old.0).fetch_one(&pool).await.unwrap();
    assert_eq!(purged_on.as_deref(), Some("2026-11-29"));
    for kept in [flagged, recent, active] {
        assert!(!store.resident(kept).await.unwrap().unwrap().last_name.is_empty(), "{kept} kept");
    }
    assert!(monalisa_server::retention::purge(store.as_ref(), today, 730, false).await.unwrap().residents.is_empty());

    // The flagged record, once its report and a push a removed phone sent about them have been
    // reviewed on "À vérifier", goes at the next purge, the set-aside push with it.
    let device = store.devices_of(world.users["benevole"]).await.unwrap()[0].id.0;
    let payload = json!({ "id": "cccccccccccccccccccccccccccccccc", "recorded_at": 0, "body": { "report": {
        "visit": null, "resident": flagged.0, "day": "2023-05-21", "outcome": "done", "duration_minutes": null,
        "mood": null, "concerns": [], "note": "Chute dans l'escalier", "proposed_next": null } } });
    sqlx::query(
        "INSERT INTO quarantine (mutation_id, user_id, device_id, reason, payload, received_at) VALUES ($1, $2, $3, 'device_revoked', $4, 0)",
    )
    .bind("cccccccccccccccccccccccccccccccc")
    .bind(world.users["benevole"].0)
    .bind(device)
    .bind(payload.to_string())
    .execute(&pool)
    .await
    .unwrap();
    let report: String = sqlx::query_scalar("SELECT id FROM reports WHERE resident_id = $1 AND flag IS NOT NULL")
        .bind(flagged.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut ambassador = world.agent("ambassadeur").await;
    assert_eq!(ambassador.post_form("/a-verifier/vu", &[("type", "rapport"), ("id", &report)]).await.status(), 303);
    let held = monalisa_server::retention::purge(store.as_ref(), today, 730, true).await.unwrap();
    assert!(held.residents.is_empty(), "an unreviewed set-aside push still holds it: {}", held.text());
    let set_aside = [("type", "envoi"), ("id", "cccccccccccccccccccccccccccccccc")];
    assert_eq!(ambassador.post_form("/a-verifier/vu", &set_aside).await.status(), 303);
    let done = monalisa_server::retention::purge(store.as_ref(), today, 730, false).await.unwrap();
    assert_eq!(done.residents, [flagged]);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM quarantine WHERE payload LIKE '%escalier%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the set-aside push about a purged record goes with it");

    // Audited, by nobody (the server), with the id only.
    let mut admin = world.agent("admin").await;
    let filter = json!({ "filter": { "object_kind": "resident", "object_id": old.to_string(), "limit": 50 } });
    let (_, audit) = admin.call("/api/v1/audit/list", filter).await;
    assert!(
        audit.as_array().unwrap().iter().any(|e| e["action"] == "resident.purge" && e["actor"].is_null()),
        "{audit}"
    );

    // A phone syncing after the purge: still fine, and nothing of the purged record.
    let after = phone.pull_everything().await;
    assert!(!after.iter().any(|c| c["resident"]["id"] == old.0));
    let _: Vec<Value> = after;
    pool.close().await;
}
