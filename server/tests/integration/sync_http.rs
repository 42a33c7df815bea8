//! The sync protocol through the real HTTP interface: a first sync brings only the volunteer's
//! own round and residents; reports are acknowledged and come back with their concerns; a
//! report for a visit reassigned meanwhile is kept, flagged, and shown to the ambassador; a
//! revoked device's last push goes to quarantine; old or unknown protocols get a clear answer;
//! the offline page shells hold no personal data.

use crate::common;

use crate::common::World;
use serde_json::{Value, json};

fn report(id: &str, resident: i64, visit: Option<i64>, concerns: &[&str]) -> Value {
    json!({ "id": id, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
        "visit": visit, "resident": resident, "day": crate::common::today(), "outcome": "done", "duration_minutes": 45,
        "mood": 3, "concerns": concerns, "note": "Bonne visite", "proposed_next": null } } })
}

/// Pulls every page from `cursor` with protocol `protocol`, in pages of 7; gives the pages and
/// the final cursor.
async fn pull_pages(agent: &mut common::Agent, protocol: u16, mut cursor: Value) -> (Vec<Value>, Value) {
    let mut pages = Vec::new();
    loop {
        let (status, page) = agent
            .call("/api/sync/v1/pull", json!({ "request": { "protocol": protocol, "cursor": cursor, "limit": 7 } }))
            .await;
        assert_eq!(status, 200, "{page}");
        cursor = page["cursor"].clone();
        let last = page["more"] == false;
        pages.push(page);
        if last {
            return (pages, cursor);
        }
    }
}

/// Pulls every page from `cursor` (protocol 1); returns the changes and the final cursor.
async fn pull_all(agent: &mut common::Agent, cursor: Value) -> (Vec<Value>, Value) {
    let (pages, cursor) = pull_pages(agent, 1, cursor).await;
    (pages.iter().flat_map(|p| p["changes"].as_array().unwrap().iter().cloned()).collect(), cursor)
}

#[tokio::test]
async fn the_sync_story_over_http() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let me = world.volunteers["benevole"];

    // First sync, in pages of 7: exactly the volunteer's residents, and visits of their rounds.
    let (changes, cursor) = pull_all(&mut phone, Value::Null).await;
    let mut residents: Vec<i64> = changes.iter().filter_map(|c| c["resident"]["id"].as_i64()).collect();
    residents.sort();
    let mut own: Vec<i64> =
        world.population.residents.iter().filter(|r| r.volunteer == Some(me)).map(|r| r.id.0).collect();
    own.sort();
    assert_eq!(residents, own);
    let visits: Vec<&Value> = changes.iter().filter_map(|c| c.get("visit")).collect();
    assert!(!visits.is_empty());
    for v in &visits {
        let visit = world.population.visits.iter().find(|x| Some(x.id.0) == v["id"].as_i64()).unwrap();
        assert_eq!(visit.volunteer, me);
    }

    // Two reports, one with a concern; sent twice (the second is "already applied").
    let resident = own[0];
    let visit = visits[0]["id"].as_i64().unwrap();
    let visit_resident = visits[0]["resident"].as_i64().unwrap();
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [
        report("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", resident, None, &["heating_or_housing"]),
        report("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2", visit_resident, Some(visit), &[]) ] } });
    let (status, answer) = phone.call("/api/sync/v1/push", push.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["acks"][0]["status"], json!({ "applied": { "flag": null } }));
    assert_eq!(answer["acks"][1]["status"], json!({ "applied": { "flag": null } }));
    let (_, again) = phone.call("/api/sync/v1/push", push).await;
    assert_eq!(again["acks"][0]["status"], json!({ "already_applied": { "flag": null } }));

    // The phone gets the reports back with their concern's state, and the visit as reported.
    let (back, cursor) = pull_all(&mut phone, cursor).await;
    let first = back.iter().find(|c| c["report"]["id"] == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1").unwrap();
    assert_eq!(first["report"]["concerns"], json!([["heating_or_housing", "open"]]));
    assert!(back.iter().any(|c| c["visit"]["id"] == visit && c["visit"]["reported"] == true));

    // A visit reassigned meanwhile: the report is kept, flagged, and reaches the ambassador.
    let other_visit = visits.iter().find(|v| v["id"] != visit).unwrap();
    let (ov, or) = (other_visit["id"].as_i64().unwrap(), other_visit["resident"].as_i64().unwrap());
    let someone_else = world.population.volunteers.iter().find(|v| v.id != me && v.scope.0 == 1).unwrap().id.0;
    {
        let mut conn = world.app.db().await;
        sqlx::query("UPDATE visits SET volunteer_id = $1 WHERE id = $2")
            .bind(someone_else)
            .bind(ov)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (_, flagged) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [report("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3", or, Some(ov), &[])] } }))
        .await;
    assert_eq!(flagged["acks"][0]["status"], json!({ "applied": { "flag": "visit_reassigned" } }));
    let mut amb = world.agent("ambassadeur").await;
    let (status, queue) = amb.call("/api/v1/review/list", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(queue["flagged"][0]["report"], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3");
    assert_eq!(queue["flagged"][0]["flag"], "visit_reassigned");
    // The ambassador marks it reviewed (another scope's ambassador cannot): it leaves the list,
    // with who and when kept, and audited; a second time is refused.
    let reviewed = [("type", "rapport"), ("id", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3")];
    let mut other_amb = world.agent("ambassadeur2").await;
    assert_eq!(other_amb.post_form("/a-verifier/vu", &reviewed).await.status(), 404);
    let page = amb.get("/a-verifier").await.text().await.unwrap();
    assert!(page.contains("action=\"/a-verifier/vu\"") && page.contains("Marquer comme vu"), "{page}");
    let res = amb.post_form("/a-verifier/vu", &reviewed).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/a-verifier"));
    let (_, queue) = amb.call("/api/v1/review/list", json!({})).await;
    assert!(queue["flagged"].as_array().unwrap().is_empty(), "{queue}");
    assert_eq!(amb.post_form("/a-verifier/vu", &reviewed).await.status(), 409);
    let (by, flag): (Option<i64>, Option<String>) = {
        let mut conn = world.app.db().await;
        sqlx::query_as("SELECT reviewed_by, flag FROM reports WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!((by, flag.as_deref()), (Some(world.users["ambassadeur"].0), Some("visit_reassigned")));
    let mut admin = world.agent("admin").await;
    let filter =
        json!({ "filter": { "object_kind": "report", "object_id": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb3", "limit": 10 } });
    let (_, audit) = admin.call("/api/v1/audit/list", filter).await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "review.done"), "{audit}");
    assert_eq!(amb.post_form("/a-verifier/vu", &[("type", "autre"), ("id", "x")]).await.status(), 400);

    // ...and the reassigned visit leaves the phone at the next pull (a tombstone).
    let (after, _) = pull_all(&mut phone, cursor).await;
    assert!(after.iter().any(|c| c["removed"]["record"] == "visit" && c["removed"]["id"] == ov.to_string()));

    // Protocol versions: one the server does not accept (a phone too old, or newer than a
    // server rolled back) is refused with "upgrade required", which the phone shows as
    // "mettez à jour l'application"; nothing applied, on push or pull.
    for protocol in [0, 99] {
        let (status, err) = phone
            .call("/api/sync/v1/push", json!({ "request": { "protocol": protocol, "sent_at": 0, "mutations": [report("cccccccccccccccccccccccccccccccc", 1, None, &[])] } }))
            .await;
        assert_eq!((status, err["code"].as_str()), (426, Some("upgrade_required")), "{err}");
        let (status, err) = phone
            .call("/api/sync/v1/pull", json!({ "request": { "protocol": protocol, "cursor": null, "limit": 10 } }))
            .await;
        assert_eq!((status, err["code"].as_str()), (426, Some("upgrade_required")), "{err}");
    }
    let (_, audit) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "report", "limit": 200 } })).await;
    assert!(!audit.to_string().contains("cccccccccccccccccccccccccccccccc"), "nothing applied: {audit}");

    // A report about someone the server does not know is set aside too (it cannot enter the
    // record; the ambassador can only mark it seen).
    let (_, unknown) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [report("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb5", 999_999, None, &[])] } }))
        .await;
    assert_eq!(unknown["acks"][0]["status"], "quarantined");

    // A revoked device: its last push goes to quarantine, then it may not pull.
    let device = world.app.store.devices_of(world.users["benevole"]).await.unwrap()[0].id.0;
    assert_eq!(amb.call("/api/v1/devices/revoke", json!({ "id": device })).await.0, 200);
    let (status, last) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [report("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4", resident, None, &["fall"])] } }))
        .await;
    assert_eq!(status, 200, "{last}");
    assert_eq!(last["acks"][0]["status"], "quarantined");
    assert_eq!(last["device_revoked"], true);
    let (status, err) =
        phone.call("/api/sync/v1/pull", json!({ "request": { "protocol": 1, "cursor": null, "limit": 10 } })).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("device_revoked")));
    let (_, queue) = amb.call("/api/v1/review/list", json!({})).await;
    assert_eq!(queue["quarantined"][0]["mutation"], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4");
    assert_eq!(queue["quarantined"][0]["reason"], "device_revoked");
    // What it holds is shown, to judge it: the resident (in scope), the day, the concern.
    let content = &queue["quarantined"][0]["content"]["report"];
    assert!(content["resident_name"].as_str().is_some_and(|n| n.len() > 3), "{queue}");
    assert_eq!(content["concerns"], json!(["fall"]));
    let page = amb.get("/a-verifier").await.text().await.unwrap();
    assert!(page.contains(content["resident_name"].as_str().unwrap()) && page.contains("téléphone retiré"));
    // Seeing a name there is a read of that record, in the audit trail.
    let filter = json!({ "filter": { "object_kind": "resident", "object_id": resident.to_string(), "limit": 50 } });
    let (_, audit) = admin.call("/api/v1/audit/list", filter).await;
    assert!(
        audit.as_array().unwrap().iter().any(|e| e["action"] == "resident.read" && e["detail"] == "review"),
        "{audit}"
    );
    let n: i64 = {
        let mut conn = world.app.db().await;
        sqlx::query_scalar("SELECT count(*) FROM reports WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(n, 0, "quarantined, never in the record");
    // The ambassador records it (the volunteer changed phones; the visit did happen): it
    // enters the record as the phone would have sent it, its concern raised, once.
    let set_aside = [("type", "envoi"), ("id", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4")];
    assert_eq!(other_amb.post_form("/a-verifier/enregistrer", &set_aside).await.status(), 404);
    assert_eq!(other_amb.post_form("/a-verifier/vu", &set_aside).await.status(), 404);
    let res = amb.post_form("/a-verifier/enregistrer", &set_aside).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/a-verifier"));
    let (_, concerns) = amb.call("/api/v1/concerns/list", json!({})).await;
    let raised = concerns.as_array().unwrap().iter().find(|c| c["report"] == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4");
    assert_eq!(raised.map(|c| (c["kind"].clone(), c["status"].clone())), Some((json!("fall"), json!("open"))));
    assert_eq!(amb.post_form("/a-verifier/enregistrer", &set_aside).await.status(), 409);
    assert_eq!(amb.post_form("/a-verifier/vu", &set_aside).await.status(), 409);
    let filter =
        json!({ "filter": { "object_kind": "report", "object_id": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4", "limit": 10 } });
    let (_, audit) = admin.call("/api/v1/audit/list", filter).await;
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "review.release"), "{audit}");
    // The unknown person's report: not recordable (nothing changes), only seen.
    let unknown = [("type", "envoi"), ("id", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb5")];
    assert_eq!(amb.post_form("/a-verifier/enregistrer", &unknown).await.status(), 409);
    let (_, queue) = amb.call("/api/v1/review/list", json!({})).await;
    assert_eq!(queue["quarantined"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue["quarantined"][0]["reason"], "unknown_resident");
    assert_eq!(amb.post_form("/a-verifier/vu", &unknown).await.status(), 303);
    let (_, queue) = amb.call("/api/v1/review/list", json!({})).await;
    assert!(queue["quarantined"].as_array().unwrap().is_empty(), "{queue}");
    let counts: (i64, i64) = {
        let mut conn = world.app.db().await;
        sqlx::query_as(
            "SELECT (SELECT count(*) FROM reports WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb4'), \
             (SELECT count(*) FROM reports WHERE id = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb5')",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
    };
    assert_eq!(counts, (1, 0), "recorded once; the unknown person's report never");
}

#[tokio::test]
async fn offline_page_shells_hold_no_personal_data() {
    let world = World::new().await;
    let phone = world.agent("benevole").await;
    let cookie = phone.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let me = world.volunteers["benevole"];
    for path in monalisa_app::routes::VOLUNTEER_SHELLS {
        let (status, headers, html) = world.app.page_as(path, "fr", &cookie).await;
        assert_eq!(status, 200);
        assert_eq!(headers["cache-control"], "no-cache", "{path} may be kept offline");
        for r in world.population.residents.iter().filter(|r| r.volunteer == Some(me)) {
            assert!(!html.contains(&r.last_name) && !html.contains(&r.address), "{path} shows {}", r.last_name);
        }
        assert!(!html.contains("Compte benevole"), "{path} shows the volunteer's name");
    }
}

/// How a phone sends a report since issue 7: sealed to the server's key (the phone uses
/// WebCrypto; `seal_to` is its native twin, same format).
fn sealed(key: &[u8], id: &str, body: &Value) -> Value {
    let mut mutation = body.clone();
    mutation["id"] = json!(id);
    let sealed = monalisa_app::seal::seal_to(key, mutation.to_string().as_bytes()).unwrap();
    json!({ "id": id, "sealed": monalisa_app::b64::encode(&sealed) })
}

#[tokio::test]
async fn sealed_reports_open_on_the_server_exactly_once() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let me = world.volunteers["benevole"];
    let resident = world.population.residents.iter().find(|r| r.volunteer == Some(me)).unwrap().id.0;

    // The phone learns the server's key and the phone rules with its session; the key is made
    // once and kept in the database (the same at every check, one row).
    let (status, session) = phone.call("/api/v1/session", json!({})).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!((session["lock_minutes"].as_u64(), session["wipe_days"].as_u64()), (Some(5), Some(14)));
    let key = monalisa_app::b64::decode(session["seal_key"].as_str().unwrap()).unwrap();
    assert_eq!(key.len(), monalisa_app::seal::PUBLIC_LEN);
    let (_, again) = phone.call("/api/v1/session", json!({})).await;
    assert_eq!(again["seal_key"], session["seal_key"]);
    let rows: i64 = {
        let mut conn = world.app.db().await;
        sqlx::query_scalar("SELECT count(*) FROM server_secrets").fetch_one(&mut conn).await.unwrap()
    };
    assert_eq!(rows, 1);

    // A sealed report with a concern: applied, then "already applied" when sent again.
    let good = sealed(&key, "cccccccccccccccccccccccccccccc01", &report("x", resident, None, &["fall"]));
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [], "sealed": [good] } });
    let (status, answer) = phone.call("/api/sync/v1/push", push.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["acks"],
        json!([{ "id": "cccccccccccccccccccccccccccccc01", "status": { "applied": { "flag": null } } }])
    );
    let (_, twice) = phone.call("/api/sync/v1/push", push).await;
    assert_eq!(twice["acks"][0]["status"], json!({ "already_applied": { "flag": null } }));
    let (back, _) = pull_all(&mut phone, Value::Null).await;
    let report_back = back.iter().find(|c| c["report"]["id"] == "cccccccccccccccccccccccccccccc01").unwrap();
    assert_eq!(report_back["report"]["concerns"], json!([["fall", "open"]]));

    // What does not open is left with the phone (no ack, nothing recorded), the rest goes
    // through: a box changed in transit, one sealed to another key, one whose content carries
    // another id than the one it was sent under.
    let mut tampered = sealed(&key, "cccccccccccccccccccccccccccccc02", &report("x", resident, None, &[]));
    let mut bytes = monalisa_app::b64::decode(tampered["sealed"].as_str().unwrap()).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    tampered["sealed"] = json!(monalisa_app::b64::encode(&bytes));
    let other_key =
        monalisa_app::seal::SealKey::from_secret(&monalisa_app::seal::SealKey::generate()).unwrap().public();
    let foreign = sealed(&other_key, "cccccccccccccccccccccccccccccc03", &report("x", resident, None, &[]));
    let mut swapped = sealed(&key, "cccccccccccccccccccccccccccccc04", &report("x", resident, None, &[]));
    swapped["id"] = json!("cccccccccccccccccccccccccccccc05");
    let fine = sealed(&key, "cccccccccccccccccccccccccccccc06", &report("x", resident, None, &[]));
    let garbage = json!({ "id": "cccccccccccccccccccccccccccccc07", "sealed": "not base64!" });
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [],
        "sealed": [tampered, foreign, swapped, fine, garbage] } });
    let (status, answer) = phone.call("/api/sync/v1/push", push).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["acks"],
        json!([{ "id": "cccccccccccccccccccccccccccccc06", "status": { "applied": { "flag": null } } }])
    );
    let recorded: Vec<String> = {
        let mut conn = world.app.db().await;
        sqlx::query_scalar("SELECT id FROM reports WHERE id LIKE 'cccccccccccccccccccccccccccccc%' ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(recorded, ["cccccccccccccccccccccccccccccc01", "cccccccccccccccccccccccccccccc06"]);

    // Too many in one push (clear and sealed together) is refused whole.
    let many: Vec<Value> = (0..monalisa_app::sync::MAX_BATCH + 1)
        .map(|i| sealed(&key, &format!("dddddddddddddddddddddddddddd{i:04}"), &report("x", resident, None, &[])))
        .collect();
    let (status, err) = phone
        .call(
            "/api/sync/v1/push",
            json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [], "sealed": many } }),
        )
        .await;
    assert_eq!((status, err["code"].as_str()), (400, Some("bad_request")));
}

/// Each page's `absences` (`Null` when the page has none), and the final cursor.
async fn absences_by_page(agent: &mut common::Agent, protocol: u16, cursor: Value) -> (Vec<Value>, Value) {
    let (pages, cursor) = pull_pages(agent, protocol, cursor).await;
    (pages.iter().map(|p| p.get("absences").cloned().unwrap_or(Value::Null)).collect(), cursor)
}

/// Protocol 2: a volunteer's phone gets, at the end of each pull, the absences not over yet
/// (declared on the phone or by the ambassador), and takes one back with a cancellation, which
/// is no error when it is already gone; a phone still speaking protocol 1 syncs as before
/// (pushes its absences, pulls without the list).
#[tokio::test]
async fn a_volunteers_phone_lists_and_cancels_its_absences() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let volunteer = world.volunteers["benevole"];
    let today = monalisa_app::domain::Date::parse(&crate::common::today()).unwrap();
    let day = |n: i32| today.add_days(n).to_string();
    let range = |a: i32, b: i32| json!({ "first": day(a), "last": day(b) });
    let push = |protocol: u16, id: &str, body: Value| {
        json!({ "request": { "protocol": protocol, "sent_at": 0,
            "mutations": [{ "id": id, "recorded_at": 1_764_000_000_000i64, "body": body }] } })
    };
    let status_of = |answer: &Value| answer["acks"][0]["status"].clone();

    // A phone on protocol 1 declares an absence; one on protocol 2 declares two more, one of
    // them already over; the ambassador records one from the volunteer's page.
    let (s, a) = phone.call("/api/sync/v1/push", push(1, &"c".repeat(32), json!({ "absence": range(10, 12) }))).await;
    assert_eq!((s, status_of(&a)), (200, json!({ "applied": { "flag": null } })), "{a}");
    let (_, a) = phone.call("/api/sync/v1/push", push(2, &"d".repeat(32), json!({ "absence": range(20, 21) }))).await;
    assert_eq!(status_of(&a), json!({ "applied": { "flag": null } }), "{a}");
    let (_, a) = phone.call("/api/sync/v1/push", push(2, &"e".repeat(32), json!({ "absence": range(-5, -2) }))).await;
    assert_eq!(status_of(&a), json!({ "applied": { "flag": null } }), "{a}");
    let mut ambassador = world.agent("ambassadeur").await;
    let id = volunteer.0.to_string();
    let fields = [("id", id.as_str()), ("action", "ajouter"), ("du", &day(3)), ("au", &day(4))];
    assert_eq!(ambassador.post_form("/benevoles/absence", &fields).await.status(), 303);

    // Protocol 2: the last page only, in order, without the one over; protocol 1: never.
    let (pages, cursor) = absences_by_page(&mut phone, 2, Value::Null).await;
    assert!(pages.len() > 1, "several pages");
    assert!(pages[..pages.len() - 1].iter().all(Value::is_null), "{pages:?}");
    let listed = pages.last().unwrap().clone();
    assert_eq!(listed, json!([range(3, 4), range(10, 12), range(20, 21)]));
    let (pages, _) = absences_by_page(&mut phone, 1, Value::Null).await;
    assert!(pages.iter().all(Value::is_null), "a phone on protocol 1 gets no list: {pages:?}");

    // Taking one back: gone from the volunteer's record and from the next pull's list. Again
    // (another send): already gone, applied, nothing else removed. Reversed days: refused.
    let cancel = json!({ "cancel_absence": range(10, 12) });
    let (_, a) = phone.call("/api/sync/v1/push", push(2, &"f".repeat(32), cancel.clone())).await;
    assert_eq!(status_of(&a), json!({ "applied": { "flag": null } }), "{a}");
    let (_, a) = phone.call("/api/sync/v1/push", push(2, &"0".repeat(32), cancel)).await;
    assert_eq!(status_of(&a), json!({ "applied": { "flag": null } }), "{a}");
    let (_, a) =
        phone.call("/api/sync/v1/push", push(2, &"1".repeat(32), json!({ "cancel_absence": range(5, 4) }))).await;
    assert_eq!(status_of(&a), json!({ "rejected": { "reason": "absence_dates" } }), "{a}");
    let held = world.app.store.volunteer(volunteer).await.unwrap().unwrap().absences;
    let held: Vec<(String, String)> = held.iter().map(|a| (a.first.to_string(), a.last.to_string())).collect();
    assert!(
        !held.contains(&(day(10), day(12))) && held.contains(&(day(20), day(21))) && held.contains(&(day(3), day(4)))
    );
    assert!(held.contains(&(day(-5), day(-2))), "the past one stays on the record");
    let (pages, _) = absences_by_page(&mut phone, 2, cursor).await;
    assert_eq!(pages.last().unwrap(), &json!([range(3, 4), range(20, 21)]));
}
