//! The IndexedDB module in headless Chromium (wasm-bindgen-test): a failure injected in the
//! middle of a pull page leaves nothing of it written and the cursor unmoved; the outbox
//! survives closing and reopening the database; opening a saved copy of each released schema
//! keeps its data, a non-empty outbox included.

#![cfg(all(target_arch = "wasm32", feature = "hydrate"))]

use monalisa_app::auth::{DeviceId, Role, SessionInfo, UserId};
use monalisa_app::domain::{ClientId, Date, Minute, ResidentId, Timestamp, VisitId};
use monalisa_app::local_store::{UserStore, user_db_name, wipe_user};
use monalisa_app::sync::engine::{LocalDb, OutboxEntry};
use monalisa_app::sync::{
    Ack, AckStatus, Change, Cursor, Mutation, MutationBody, PullResponse, RecordKind, VisitRecord,
};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn visit(id: i64) -> VisitRecord {
    VisitRecord {
        id: VisitId(id),
        resident: ResidentId(id * 10),
        day: Date::parse("2026-11-26").unwrap(),
        start: Minute::hm(14, 0).unwrap(),
        order: id as u32,
        week_start: Date::parse("2026-11-23").unwrap(),
        reported: false,
    }
}

fn page(changes: Vec<Change>, seq: i64) -> PullResponse {
    PullResponse { changes, cursor: Cursor { seq, snapshot: None }, more: false, server_time: Timestamp(0) }
}

fn entry(n: u8) -> OutboxEntry {
    OutboxEntry {
        mutation: Mutation {
            id: ClientId::from_bytes([n; 16]),
            recorded_at: Timestamp(i64::from(n)),
            body: MutationBody::Absence {
                first: Date::parse("2026-12-01").unwrap(),
                last: Date::parse("2026-12-02").unwrap(),
            },
        },
        queued_at: Timestamp(i64::from(n)),
    }
}

/// A user database that does not exist yet (deleted directly: `wipe_user` would also forbid
/// reopening it in this page, as after a revocation).
async fn fresh(user: i64) -> UserStore {
    Rexie::delete(&user_db_name(UserId(user))).await.unwrap();
    UserStore::new(UserId(user))
}

#[wasm_bindgen_test]
async fn a_failed_page_writes_nothing_and_keeps_the_cursor() {
    let store = fresh(9001).await;
    store.apply_page(&page(vec![Change::Visit(visit(1))], 5)).await.unwrap();

    let second = page(
        vec![
            Change::Visit(visit(2)),
            Change::Visit(visit(3)),
            Change::Removed { record: RecordKind::Visit, id: "1".into() },
        ],
        9,
    );
    assert!(store.apply_page_failing(&second, Some(2)).await.is_err(), "the injected failure is reported");
    let view = store.view().await.unwrap();
    assert_eq!(view.visits.iter().map(|v| v.id.0).collect::<Vec<_>>(), [1], "nothing of the failed page was written");
    assert_eq!(store.cursor().await.unwrap().unwrap().seq, 5, "the cursor did not move");

    store.apply_page(&second).await.unwrap();
    let mut ids: Vec<i64> = store.view().await.unwrap().visits.iter().map(|v| v.id.0).collect();
    ids.sort();
    assert_eq!(ids, [2, 3]);
    assert_eq!(store.cursor().await.unwrap().unwrap().seq, 9);
}

#[wasm_bindgen_test]
async fn the_outbox_survives_reopening_and_leaves_only_when_acknowledged() {
    let store = fresh(9002).await;
    for n in 1..=3 {
        store.enqueue(entry(n)).await.unwrap();
    }
    // Each call opens and closes the database: what is read here was on disk.
    let again = UserStore::new(UserId(9002));
    let waiting = again.outbox(10).await.unwrap();
    assert_eq!(waiting, vec![entry(1), entry(2), entry(3)], "in the order queued");
    again
        .settle(&[Ack { id: ClientId::from_bytes([2; 16]), status: AckStatus::Applied { flag: None } }], Timestamp(99))
        .await
        .unwrap();
    assert_eq!(again.outbox(10).await.unwrap(), vec![entry(1), entry(3)]);
    assert_eq!(again.view().await.unwrap().sent.len(), 1);
}

fn profile(user: i64) -> SessionInfo {
    SessionInfo {
        user: UserId(user),
        display_name: "Odette Pervenche".into(),
        role: Role::Volunteer,
        device: DeviceId(1),
    }
}

async fn read_meta(user: i64, key: &str) -> Option<JsValue> {
    let mut builder =
        Rexie::builder(&user_db_name(UserId(user))).version(monalisa_app::local_store::USER_SCHEMA_VERSION);
    for store in monalisa_app::local_store::USER_STORES {
        builder = builder.add_object_store(ObjectStore::new(store));
    }
    let db = builder.build().await.unwrap();
    let tx = db.transaction(&["meta"], TransactionMode::ReadOnly).unwrap();
    let value = tx.store("meta").unwrap().get(JsValue::from_str(key)).await.unwrap();
    tx.done().await.unwrap();
    db.close();
    value
}

/// Schema 1 as released (accounts): only `meta`, holding the profile.
#[wasm_bindgen_test]
async fn a_schema_1_database_upgrades_with_its_profile() {
    let user = 9003;
    fresh(user).await;
    let v1 = Rexie::builder(&user_db_name(UserId(user)))
        .version(1)
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap();
    let tx = v1.transaction(&["meta"], TransactionMode::ReadWrite).unwrap();
    let json = serde_json::to_string(&profile(user)).unwrap();
    tx.store("meta").unwrap().put(&JsValue::from_str(&json), Some(&JsValue::from_str("profile"))).await.unwrap();
    tx.done().await.unwrap();
    v1.close();

    let store = UserStore::new(UserId(user));
    store.enqueue(entry(7)).await.unwrap();
    assert_eq!(store.outbox(10).await.unwrap(), vec![entry(7)]);
    assert_eq!(
        read_meta(user, "profile").await.and_then(|v| v.as_string()),
        Some(json),
        "the profile survived the upgrade"
    );
    assert_eq!(
        read_meta(user, "data_version").await.and_then(|v| v.as_f64()),
        Some(2.0),
        "records migrated to schema 2"
    );
}

/// Schema 2 as released (offline round), with a non-empty outbox: opening it with the current
/// code keeps every waiting entry.
#[wasm_bindgen_test]
async fn a_schema_2_database_keeps_its_outbox() {
    let user = 9004;
    fresh(user).await;
    let mut builder = Rexie::builder(&user_db_name(UserId(user))).version(2);
    for store in ["meta", "outbox", "sent", "residents", "visits", "reports", "drafts", "notices"] {
        builder = builder.add_object_store(ObjectStore::new(store));
    }
    let v2 = builder.build().await.unwrap();
    let tx = v2.transaction(&["outbox", "meta"], TransactionMode::ReadWrite).unwrap();
    for n in 1..=2u8 {
        let json = serde_json::to_string(&entry(n)).unwrap();
        tx.store("outbox")
            .unwrap()
            .put(&JsValue::from_str(&json), Some(&JsValue::from_f64(f64::from(n))))
            .await
            .unwrap();
    }
    tx.store("meta").unwrap().put(&JsValue::from_f64(3.0), Some(&JsValue::from_str("outbox_next"))).await.unwrap();
    tx.done().await.unwrap();
    v2.close();

    let store = UserStore::new(UserId(user));
    store.enqueue(entry(3)).await.unwrap();
    assert_eq!(store.outbox(10).await.unwrap(), vec![entry(1), entry(2), entry(3)]);
}

#[wasm_bindgen_test]
async fn a_wiped_user_is_not_recreated_by_work_in_flight() {
    let store = fresh(9005).await;
    store.enqueue(entry(1)).await.unwrap();
    wipe_user(UserId(9005)).await.unwrap();
    assert!(store.view().await.is_err(), "no reopening (which would create the database again)");
    assert!(store.enqueue(entry(2)).await.is_err());
}
