//! The IndexedDB module in headless Chromium (wasm-bindgen-test): a failure injected in the
//! middle of a pull page leaves nothing of it written and the cursor unmoved; the outbox
//! survives closing and reopening the database; opening a saved copy of each released schema
//! keeps its data, a non-empty outbox included; records are stored encrypted and the outbox
//! sealed, and a wipe of the readable data keeps the sealed outbox (issue 7); the absences' list
//! a pull brings is kept (encrypted) until the next list. `public/vault.js`
//! is loaded as the pages load it.

#![cfg(all(target_arch = "wasm32", feature = "hydrate"))]

use monalisa_app::auth::{DeviceId, Role, SessionInfo, UserId};
use monalisa_app::domain::{ClientId, Date, DayRange, Minute, ResidentId, Timestamp, VisitId};
use monalisa_app::local_store::{LocalStoreError, UserStore, save_session, user_db_name, wipe_user};
use monalisa_app::sync::engine::{LocalDb, OutboxEntry, Outgoing};
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
    PullResponse {
        changes,
        cursor: Cursor { seq, snapshot: None },
        more: false,
        server_time: Timestamp(0),
        absences: None,
    }
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

/// Runs JavaScript that gives a promise, and waits for it.
async fn js(code: &str) -> JsValue {
    let promise = js_sys::Promise::from(js_sys::eval(code).unwrap());
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap()
}

/// The server's public key as phones get it (a fresh P-256 key here).
async fn server_key() -> String {
    js("(async () => { const p = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']); \
        return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.exportKey('raw', p.publicKey)))); })()")
        .await
        .as_string()
        .unwrap()
}

/// A user database that does not exist yet (deleted directly: `wipe_user` would also forbid
/// reopening it in this page, as after a revocation), with a profile, and the PIN chosen.
async fn fresh(user: i64) -> UserStore {
    Rexie::delete(&user_db_name(UserId(user))).await.unwrap();
    let key = server_key().await;
    save_session(&SessionInfo { seal_key: key, ..profile(user) }).await.unwrap();
    open_vault(user).await;
    UserStore::new(UserId(user))
}

/// Loads `vault.js` (once) and chooses the PIN for `user`'s database: the data key is open.
async fn open_vault(user: i64) {
    if !js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("monalisaVault")).unwrap() {
        js_sys::eval(include_str!("../../public/vault.js")).unwrap();
    }
    js(&format!("monalisaVault.create('{}', {user}, '123456', 600000)", user_db_name(UserId(user)))).await;
    assert!(monalisa_app::vault::is_open());
}

fn ids(outgoing: &[Outgoing]) -> Vec<ClientId> {
    outgoing
        .iter()
        .map(|o| match o {
            Outgoing::Sealed(s) => {
                assert!(s.sealed.len() > 100, "sealed");
                s.id.clone()
            }
            Outgoing::Clear(m) => panic!("sent in clear: {m:?}"),
        })
        .collect()
}

fn entry_ids(ns: &[u8]) -> Vec<ClientId> {
    ns.iter().map(|n| ClientId::from_bytes([*n; 16])).collect()
}

/// Every value of a store, as the browser keeps it.
async fn raw(user: i64, store: &str) -> Vec<JsValue> {
    let db = Rexie::builder(&user_db_name(UserId(user)))
        .version(monalisa_app::local_store::USER_SCHEMA_VERSION)
        .add_object_store(ObjectStore::new(store))
        .build()
        .await
        .unwrap();
    let tx = db.transaction(&[store], TransactionMode::ReadOnly).unwrap();
    let values = tx.store(store).unwrap().get_all(None, None).await.unwrap();
    tx.done().await.unwrap();
    db.close();
    values
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
    assert_eq!(ids(&waiting), entry_ids(&[1, 2, 3]), "in the order queued");
    assert_eq!(again.view().await.unwrap().outbox, vec![entry(1), entry(2), entry(3)], "readable while open");
    again
        .settle(&[Ack { id: ClientId::from_bytes([2; 16]), status: AckStatus::Applied { flag: None } }], Timestamp(99))
        .await
        .unwrap();
    assert_eq!(ids(&again.outbox(10).await.unwrap()), entry_ids(&[1, 3]));
    assert_eq!(again.view().await.unwrap().sent.len(), 1);
    // Taken back before it was sent (a decline undone): gone, and only once.
    assert!(again.withdraw(&ClientId::from_bytes([3; 16])).await.unwrap());
    assert_eq!(ids(&again.outbox(10).await.unwrap()), entry_ids(&[1]));
    assert!(!again.withdraw(&ClientId::from_bytes([3; 16])).await.unwrap(), "no longer there");
    assert!(!again.withdraw(&ClientId::from_bytes([2; 16])).await.unwrap(), "already sent");
}

fn profile(user: i64) -> SessionInfo {
    SessionInfo {
        user: UserId(user),
        display_name: "Odette Pervenche".into(),
        role: Role::Volunteer,
        device: DeviceId(1),
        seal_key: String::new(),
        lock_minutes: 5,
        wipe_days: 14,
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
    Rexie::delete(&user_db_name(UserId(user))).await.unwrap();
    let v1 = Rexie::builder(&user_db_name(UserId(user)))
        .version(1)
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap();
    let tx = v1.transaction(&["meta"], TransactionMode::ReadWrite).unwrap();
    let json = serde_json::to_string(&SessionInfo { seal_key: server_key().await, ..profile(user) }).unwrap();
    tx.store("meta").unwrap().put(&JsValue::from_str(&json), Some(&JsValue::from_str("profile"))).await.unwrap();
    tx.done().await.unwrap();
    v1.close();

    let store = UserStore::new(UserId(user));
    store.cursor().await.unwrap(); // the app opens (and upgrades) the database first
    open_vault(user).await;
    store.enqueue(entry(7)).await.unwrap();
    assert_eq!(ids(&store.outbox(10).await.unwrap()), entry_ids(&[7]));
    assert_eq!(
        read_meta(user, "profile").await.and_then(|v| v.as_string()),
        Some(json),
        "the profile survived the upgrade"
    );
    assert_eq!(
        read_meta(user, "data_version").await.and_then(|v| v.as_f64()),
        Some(f64::from(monalisa_app::local_store::USER_SCHEMA_VERSION)),
        "records migrated to the current schema"
    );
}

/// Schema 2 as released (offline round), with a non-empty outbox: opening it with the current
/// code keeps every waiting entry.
#[wasm_bindgen_test]
async fn a_schema_2_database_keeps_its_outbox() {
    let user = 9004;
    Rexie::delete(&user_db_name(UserId(user))).await.unwrap();
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

    // The phone learns the server's key; `vault.js` seals what was queued in clear.
    let key = server_key().await;
    save_session(&SessionInfo { seal_key: key.clone(), ..profile(user) }).await.unwrap();
    let store = UserStore::new(UserId(user));
    assert!(store.outbox(10).await.unwrap().is_empty(), "not sent before it is sealed");
    open_vault(user).await;
    js(&format!("monalisaVault.sealQueued('{}', '{key}')", user_db_name(UserId(user)))).await;
    store.enqueue(entry(3)).await.unwrap();
    assert_eq!(ids(&store.outbox(10).await.unwrap()), entry_ids(&[1, 2, 3]));
    for value in raw(user, "outbox").await {
        assert!(value.as_string().is_none(), "nothing left in clear: {value:?}");
    }
    // Schema 3 added the absences' store: a pull's list is kept there.
    let away = DayRange { first: Date::parse("2026-12-24").unwrap(), last: Date::parse("2026-12-26").unwrap() };
    store.apply_page(&PullResponse { absences: Some(vec![away]), ..page(vec![], 1) }).await.unwrap();
    assert_eq!(store.view().await.unwrap().absences, vec![away]);
}

/// Records are stored encrypted; five wrong PINs wipe what is readable, in one go, while the
/// sealed outbox stays, still deliverable, and the PIN is then gone.
#[wasm_bindgen_test]
async fn records_are_encrypted_and_a_wipe_keeps_only_the_sealed_outbox() {
    let user = 9006;
    let store = fresh(user).await;
    let resident: monalisa_app::sync::ResidentRecord = serde_json::from_value(serde_json::json!({
        "id": 42, "first_name": "Ginette", "last_name": "Rabouin", "address": "3 rue des Glycines",
        "commune_name": "Civray", "phone": "05 49 00 00 00", "home": { "lat": 46.15, "lon": 0.29 },
        "access_notes": "Code 1234, sonner deux fois", "likes": "Les mots croisés", "rhythm": "weekly",
        "next_due": "2026-11-30", "last_visit": null
    }))
    .unwrap_or_else(|e| panic!("a resident record: {e}"));
    let away = DayRange { first: Date::parse("2026-12-24").unwrap(), last: Date::parse("2026-12-26").unwrap() };
    let first = PullResponse {
        absences: Some(vec![away]),
        ..page(vec![Change::Resident(resident.clone()), Change::Visit(visit(1))], 3)
    };
    store.apply_page(&first).await.unwrap();
    store.apply_page(&page(vec![], 4)).await.unwrap();
    assert_eq!(store.view().await.unwrap().absences, vec![away], "a page without the list keeps it");
    store.save_draft("visit:1", "{\"note\":\"Ginette tousse\"}").await.unwrap();
    store.enqueue(entry(5)).await.unwrap();
    assert_eq!(store.view().await.unwrap().residents, vec![resident]);
    assert_eq!(store.draft("visit:1").await.unwrap().as_deref(), Some("{\"note\":\"Ginette tousse\"}"));
    for name in ["residents", "visits", "drafts", "outbox", "meta", "absences"] {
        for value in raw(user, name).await {
            let text = js_sys::JSON::stringify(&value).unwrap().as_string().unwrap();
            for secret in
                ["Ginette", "Rabouin", "Glycines", "05 49", "1234", "croisés", "tousse", "2026-11-26", "2026-12-24"]
            {
                assert!(!text.contains(secret), "{secret} in clear in {name}: {text}");
            }
        }
    }

    let db = user_db_name(UserId(user));
    for left in (1..=4).rev() {
        assert_eq!(
            js(&format!("monalisaVault.unlock('{db}', {user}, '000000', 600000)")).await.as_f64(),
            Some(f64::from(left))
        );
    }
    assert_eq!(js(&format!("monalisaVault.unlock('{db}', {user}, '000000', 600000)")).await.as_f64(), Some(0.0));
    assert!(!monalisa_app::vault::is_open());
    for name in ["residents", "visits", "drafts", "reports", "notices", "sent", "absences"] {
        assert!(raw(user, name).await.is_empty(), "{name} wiped");
    }
    assert_eq!(store.cursor().await.unwrap(), None, "the next login starts from scratch");
    let outbox = raw(user, "outbox").await;
    assert_eq!(outbox.len(), 1);
    assert!(js_sys::Array::from(&outbox[0]).get(3).is_null(), "the readable copy is gone");
    assert_eq!(ids(&store.outbox(10).await.unwrap()), entry_ids(&[5]), "the sealed report can still be sent");
    let view = store.view().await.unwrap();
    assert!(view.residents.is_empty() && view.outbox.is_empty() && view.absences.is_empty());
    assert_eq!(view.waiting.len(), 1, "the sync bar still counts it");
    assert_eq!(store.draft("visit:1").await, Err(LocalStoreError::Locked));
    // The PIN is gone too: even the right one opens nothing now.
    let again = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(
        js_sys::eval(&format!("monalisaVault.unlock('{db}', {user}, '123456', 600000)")).unwrap(),
    ))
    .await;
    assert!(again.is_err(), "no PIN any more");
}

#[wasm_bindgen_test]
async fn a_wiped_user_is_not_recreated_by_work_in_flight() {
    let store = fresh(9005).await;
    store.enqueue(entry(1)).await.unwrap();
    wipe_user(UserId(9005)).await.unwrap();
    assert!(store.view().await.is_err(), "no reopening (which would create the database again)");
    assert!(store.enqueue(entry(2)).await.is_err());
}
