//! The phone's local store: every IndexedDB access of the app lives in this module (so that
//! encryption and schema upgrades have one place to go).
//!
//! - Database `monalisa` (the device), schema 1: store `meta` (`device_checks`, and `session`:
//!   who is logged in on this phone).
//! - Database `monalisa-user-<id>` (one per account that logged in here). Everything a user's
//!   work leaves on the phone lives in their own database, so another user logging in on the
//!   same phone never sees or sends it, and the same user logging back in after an expired
//!   session finds it (and its outbox) intact. Schema history:
//!   - 1 (accounts): `meta` (`profile`).
//!   - 2 (offline round): + `outbox`, `sent`, `residents`, `visits`, `reports`, `drafts`,
//!     `notices`; `meta` gains `cursor`, `sync`, `outbox_next`.
//!   - 3 (absences, sync protocol 2): + `absences` (one record, `all`: the volunteer's absences
//!     not over yet, as the last pull listed them).
//!
//! Upgrades: IndexedDB's builder (idb, under rexie) deletes every store a new version does not
//! declare, so [`USER_STORES`] always lists all of them; records that need transforming are
//! migrated after opening, by [`upgrade_data`], from the `data_version` kept in `meta`.
//!
//! Encryption (issue 7, see [`crate::vault`]): in a user database every record of `residents`,
//! `visits`, `reports`, `drafts`, `notices` and `absences` is the base64 of `iv ‖ AES-GCM(JSON)` under the
//! data key, which `meta.vault` keeps wrapped by the PIN's key. An `outbox` record is a clear
//! array `[id, queued_at, sealed, local]`: the mutation's id and queuing time in clear (for
//! the acknowledgement, and what the sync bar counts while locked), the mutation sealed to the
//! server (base64, see [`crate::seal`]) and encrypted under the data key (for the screens; the
//! wipe removes it). One an earlier version queued as clear JSON is sealed by `vault.js` at
//! the next page start (its readable copy dropped), then sent. `sent` holds ids and statuses
//! (and, for a report the server refused, its readable copy as the outbox held it, encrypted
//! under the data key, until the volunteer corrects it). `meta` stays clear: `profile` (the
//! phone's owner: name, role, the server's key and phone rules), `cursor`, `sync`,
//! `outbox_next`, `data_version`, `vault` (salt, iterations, wrapped key, wrong PINs in a row,
//! creation, `v` 2 once the key never left memory) and `wiped` (the readable data was wiped: `true`
//! for no contact, `false` for wrong PINs). `public/vault.js` does the cryptography and writes
//! `vault` and `wiped` (and wipes); everything else is here.
//!
//! On the server (and in native tests) there is no IndexedDB: the functions exist with the
//! same signatures and answer [`LocalStoreError::Unavailable`].

use crate::auth::{SessionInfo, UserId};
use serde::{Deserialize, Serialize};

/// Name of the device database.
pub const DB_NAME: &str = "monalisa";
/// Schema of the device database.
pub const SCHEMA_VERSION: u32 = 1;
/// Schema of each user database.
pub const USER_SCHEMA_VERSION: u32 = 3;
/// The key-value store for metadata.
pub const META_STORE: &str = "meta";
/// Every store of a user database at [`USER_SCHEMA_VERSION`].
pub const USER_STORES: &[&str] =
    &[META_STORE, "outbox", "sent", "residents", "visits", "reports", "drafts", "notices", "absences"];

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalStoreError {
    #[error("local storage is not available here")]
    Unavailable,
    #[error("local storage failed: {0}")]
    Failed(String),
    /// The app is locked: the data key is not in memory.
    #[error("locked")]
    Locked,
}

impl From<LocalStoreError> for crate::sync::engine::SyncError {
    fn from(e: LocalStoreError) -> Self {
        crate::sync::engine::SyncError::Local(e.to_string())
    }
}

/// The database of one account's data on this phone.
pub fn user_db_name(user: UserId) -> String {
    format!("{DB_NAME}-user-{}", user.0)
}

/// Sync status kept on the phone (shown after a reload offline).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncMeta {
    /// The phone's clock at the last successful sync.
    pub last_success: Option<crate::domain::Timestamp>,
    /// What went wrong at the last attempt, if it failed (a message key).
    pub last_error: Option<String>,
}

/// Everything the volunteer's screens show, read in one go.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalView {
    pub residents: Vec<crate::sync::ResidentRecord>,
    pub visits: Vec<crate::sync::VisitRecord>,
    pub reports: Vec<crate::sync::ReportRecord>,
    pub outbox: Vec<crate::sync::engine::OutboxEntry>,
    pub sent: Vec<crate::sync::engine::SentRecord>,
    pub notices: Vec<crate::sync::engine::RoundNotice>,
    pub sync: SyncMeta,
    /// When each mutation in the outbox was queued (readable or not).
    pub waiting: Vec<crate::domain::Timestamp>,
    /// Mutations the server refused, kept until the volunteer corrects them.
    pub refused: Vec<Refused>,
    /// The volunteer's absences not over yet, as the server last listed them.
    pub absences: Vec<crate::domain::DayRange>,
}

/// A mutation the server refused, with its reason (a code of the server's).
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub reason: String,
    pub mutation: crate::sync::Mutation,
}

/// Counts a device check in IndexedDB (one read-write transaction), reads the count back in a
/// separate read-only transaction, and returns it: proves that the phone can store and
/// retrieve data across reloads and offline.
pub async fn record_device_check() -> Result<u32, LocalStoreError> {
    imp::record_device_check().await
}

/// Records who is logged in on this phone and creates their database.
pub async fn save_session(info: &SessionInfo) -> Result<(), LocalStoreError> {
    imp::save_session(info).await
}

/// Who was last logged in on this phone (works offline).
pub async fn load_session() -> Result<Option<SessionInfo>, LocalStoreError> {
    imp::load_session().await
}

/// Erases everything stored for `user` on this phone (their database and, if they are the
/// current user, the session record). The intent is written first: if the page is closed
/// before the database is gone, [`finish_pending_wipe`] completes it at the next start.
pub async fn wipe_user(user: UserId) -> Result<(), LocalStoreError> {
    imp::wipe_user(user).await
}

/// Completes a wipe that was interrupted (the app calls this at every start).
pub async fn finish_pending_wipe() -> Result<(), LocalStoreError> {
    imp::finish_pending_wipe().await
}

/// Empties the browser's Cache Storage (the service worker downloads the public shell again).
pub async fn wipe_caches() -> Result<(), LocalStoreError> {
    imp::wipe_caches().await
}

/// One user's data on this phone: the sync engine's [`crate::sync::engine::LocalDb`] and what
/// the screens read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserStore {
    pub user: UserId,
}

impl UserStore {
    pub fn new(user: UserId) -> UserStore {
        UserStore { user }
    }

    /// Everything, or, while the app is locked, what the phone knows without the PIN: the
    /// outbox's times (`waiting`), the sync status and what was sent (the rest empty).
    pub async fn view(&self) -> Result<LocalView, LocalStoreError> {
        imp::view(self.user).await
    }

    /// What the sync bar shows, read without decrypting anything: when each outbox entry was
    /// queued, and the sync status (cheap: the screens read [`UserStore::view`]).
    pub async fn status(&self) -> Result<(Vec<crate::domain::Timestamp>, SyncMeta), LocalStoreError> {
        imp::status(self.user).await
    }

    /// Saves a draft (a report being typed), under `key`.
    pub async fn save_draft(&self, key: &str, json: &str) -> Result<(), LocalStoreError> {
        imp::save_draft(self.user, key, json).await
    }

    pub async fn draft(&self, key: &str) -> Result<Option<String>, LocalStoreError> {
        imp::draft(self.user, key).await
    }

    /// After a login with the password: a wipe is over (a new PIN is chosen next).
    pub async fn clear_wiped(&self) -> Result<(), LocalStoreError> {
        imp::clear_wiped(self.user).await
    }

    /// Puts a mutation in the outbox (sealed to the server, and encrypted for the screens) and
    /// removes the draft it came from, in one transaction.
    /// `corrects`: the refused mutation this one corrects (no longer kept once it is queued).
    pub async fn submit(
        &self,
        entry: &crate::sync::engine::OutboxEntry,
        draft_key: Option<&str>,
        corrects: Option<&crate::domain::ClientId>,
    ) -> Result<(), LocalStoreError> {
        imp::submit(self.user, entry, draft_key, corrects).await
    }

    pub async fn clear_notices(&self) -> Result<(), LocalStoreError> {
        imp::clear_notices(self.user).await
    }

    /// Takes a mutation back out of the outbox before it was sent (a decline the volunteer
    /// undoes); `false` when it is no longer there (sent meanwhile). Run it while no sync runs
    /// (`crate::sync::runner::without_sync`): a push may already hold it.
    pub async fn withdraw(&self, id: &crate::domain::ClientId) -> Result<bool, LocalStoreError> {
        imp::withdraw(self.user, id).await
    }

    pub async fn set_sync_meta(&self, meta: &SyncMeta) -> Result<(), LocalStoreError> {
        imp::set_sync_meta(self.user, meta).await
    }

    /// Applies a pull page; with `fail_after`, aborts the transaction after that many changes
    /// (fault injection for the tests: nothing may be written, the cursor may not move).
    #[doc(hidden)]
    pub async fn apply_page_failing(
        &self,
        page: &crate::sync::PullResponse,
        fail_after: Option<usize>,
    ) -> Result<(), LocalStoreError> {
        imp::apply_page(self.user, page, fail_after).await
    }
}

impl crate::sync::engine::LocalDb for UserStore {
    async fn enqueue(&self, entry: crate::sync::engine::OutboxEntry) -> Result<(), crate::sync::engine::SyncError> {
        Ok(imp::submit(self.user, &entry, None, None).await?)
    }

    async fn outbox(&self, limit: usize) -> Result<Vec<crate::sync::engine::Outgoing>, crate::sync::engine::SyncError> {
        Ok(imp::outgoing(self.user, limit).await?)
    }

    async fn settle(
        &self,
        acks: &[crate::sync::Ack],
        now: crate::domain::Timestamp,
    ) -> Result<(), crate::sync::engine::SyncError> {
        Ok(imp::settle(self.user, acks, now).await?)
    }

    async fn cursor(&self) -> Result<Option<crate::sync::Cursor>, crate::sync::engine::SyncError> {
        Ok(imp::cursor(self.user).await?)
    }

    async fn apply_page(&self, page: &crate::sync::PullResponse) -> Result<(), crate::sync::engine::SyncError> {
        Ok(imp::apply_page(self.user, page, None).await?)
    }
}

#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
mod imp {
    use super::*;
    use crate::domain::{ClientId, Timestamp};
    use crate::sync::engine::{OutboxEntry, Outgoing, RoundNotice, SentRecord, round_notices};
    use crate::sync::{Ack, AckStatus, Change, Cursor, PullResponse, RecordKind, SealedMutation, VisitRecord};
    use crate::vault;
    use rexie::{ObjectStore, Rexie, Store, Transaction, TransactionMode};
    use wasm_bindgen::JsValue;

    const DEVICE_CHECKS_KEY: &str = "device_checks";
    const SESSION_KEY: &str = "session";
    const PROFILE_KEY: &str = "profile";
    const CURSOR_KEY: &str = "cursor";
    const SYNC_KEY: &str = "sync";
    const OUTBOX_NEXT_KEY: &str = "outbox_next";
    const DATA_VERSION_KEY: &str = "data_version";
    /// The one record of the `absences` store.
    const ABSENCES_KEY: &str = "all";

    fn failed(e: impl std::fmt::Display) -> LocalStoreError {
        LocalStoreError::Failed(e.to_string())
    }

    fn js(s: &str) -> JsValue {
        JsValue::from_str(s)
    }

    fn to_json<T: Serialize>(v: &T) -> Result<JsValue, LocalStoreError> {
        serde_json::to_string(v).map(|s| JsValue::from_str(&s)).map_err(failed)
    }

    fn from_json<T: for<'de> Deserialize<'de>>(v: &JsValue) -> Option<T> {
        // `from_slice`, as the server functions do: one set of decoders in the bundle, not two.
        v.as_string().and_then(|s| serde_json::from_slice(s.as_bytes()).ok())
    }

    /// An open database, closed when dropped: an early return cannot leave a connection open
    /// (one left open would block the deletion of the database, i.e. a logout or a wipe, for
    /// as long as the page lives).
    pub(super) struct Db(Option<Rexie>);

    impl std::ops::Deref for Db {
        type Target = Rexie;
        fn deref(&self) -> &Rexie {
            self.0.as_ref().expect("open until dropped")
        }
    }

    impl Drop for Db {
        fn drop(&mut self) {
            if let Some(db) = self.0.take() {
                db.close();
            }
        }
    }

    impl Db {
        pub(super) fn close(self) {}
    }

    pub(super) async fn open() -> Result<Db, LocalStoreError> {
        Rexie::builder(DB_NAME)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(META_STORE))
            .build()
            .await
            .map(|db| Db(Some(db)))
            .map_err(failed)
    }

    thread_local! {
        /// Users wiped in this page: their database must not be opened (which would create it
        /// again) by work still in flight, such as a sync.
        static WIPED: std::cell::RefCell<Vec<UserId>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Opens a user's database at the current schema, then migrates its records if needed.
    async fn open_user(user: UserId) -> Result<Db, LocalStoreError> {
        if WIPED.with(|w| w.borrow().contains(&user)) {
            return Err(LocalStoreError::Failed("this user's data was wiped".into()));
        }
        let mut builder = Rexie::builder(&user_db_name(user)).version(USER_SCHEMA_VERSION);
        for store in USER_STORES {
            builder = builder.add_object_store(ObjectStore::new(store));
        }
        let db = Db(Some(builder.build().await.map_err(failed)?));
        upgrade_data(&db).await?;
        Ok(db)
    }

    /// Record migrations after a structural upgrade. 1 → 2 and 2 → 3 only added stores (the profile
    /// stays as it is); a future change of a record's shape goes here, inside one transaction.
    async fn upgrade_data(db: &Rexie) -> Result<(), LocalStoreError> {
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        let meta = tx.store(META_STORE).map_err(failed)?;
        let version =
            meta.get(js(DATA_VERSION_KEY)).await.map_err(failed)?.and_then(|v| v.as_f64()).unwrap_or(1.0) as u32;
        if version < USER_SCHEMA_VERSION {
            meta.put(&JsValue::from_f64(f64::from(USER_SCHEMA_VERSION)), Some(&js(DATA_VERSION_KEY)))
                .await
                .map_err(failed)?;
        }
        tx.done().await.map_err(failed)?;
        Ok(())
    }

    async fn put_meta(db: &Rexie, key: &str, value: &JsValue) -> Result<(), LocalStoreError> {
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        tx.store(META_STORE).map_err(failed)?.put(value, Some(&js(key))).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        Ok(())
    }

    async fn get_meta(db: &Rexie, key: &str) -> Result<Option<JsValue>, LocalStoreError> {
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadOnly).map_err(failed)?;
        let value = tx.store(META_STORE).map_err(failed)?.get(js(key)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        Ok(value)
    }

    async fn all<T: for<'de> Deserialize<'de>>(store: &Store) -> Result<Vec<T>, LocalStoreError> {
        Ok(raw_all(store).await?.iter().filter_map(from_json).collect())
    }

    async fn raw_all(store: &Store) -> Result<Vec<JsValue>, LocalStoreError> {
        store.get_all(None, None).await.map_err(failed)
    }

    async fn raw_store(tx: &Transaction, name: &str) -> Result<Vec<JsValue>, LocalStoreError> {
        raw_all(&tx.store(name).map_err(failed)?).await
    }

    fn js_failed(_: JsValue) -> LocalStoreError {
        LocalStoreError::Failed("vault".into())
    }

    async fn call(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, LocalStoreError> {
        wasm_bindgen_futures::JsFuture::from(promise.map_err(js_failed)?).await.map_err(js_failed)
    }

    fn locked_if_not_open() -> Result<(), LocalStoreError> {
        if vault::is_open() { Ok(()) } else { Err(LocalStoreError::Locked) }
    }

    /// Encrypted records as stored: base64 of `iv ‖ AES-GCM(JSON)` under the data key. The
    /// encryptions run together, outside any IndexedDB transaction (awaiting anything else
    /// would let it commit early).
    async fn hide_all(texts: &[String]) -> Result<Vec<JsValue>, LocalStoreError> {
        locked_if_not_open()?;
        let texts: js_sys::Array = texts.iter().map(|t| js(t)).collect();
        Ok(js_sys::Array::from(&call(vault::hide(&texts)).await?).to_vec())
    }

    /// The texts of encrypted records (`null` for one that does not decrypt, such as a record
    /// written under an older key).
    async fn reveal_texts(values: &[JsValue]) -> Result<Vec<JsValue>, LocalStoreError> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        locked_if_not_open()?;
        let values: js_sys::Array = values.iter().collect();
        Ok(js_sys::Array::from(&call(vault::reveal(&values)).await?).to_vec())
    }

    /// The records that parse (the others are skipped).
    fn decode<T: for<'de> Deserialize<'de>>(texts: Vec<JsValue>) -> Vec<T> {
        texts.iter().filter_map(from_json).collect()
    }

    /// An outbox record: `[id, queued_at, sealed, local]` (see the module's documentation).
    /// Seals `entry` to the server's key (from the user's profile) and encrypts it for the
    /// screens. Without the server's key (a profile from before it existed, never checked
    /// online since), nothing is saved: the draft stays, and the screen says so.
    async fn envelope(db: &Rexie, entry: &OutboxEntry) -> Result<js_sys::Array, LocalStoreError> {
        let profile: Option<SessionInfo> = get_meta(db, PROFILE_KEY).await?.as_ref().and_then(from_json);
        let seal_key = profile.map(|p| p.seal_key).unwrap_or_default();
        if seal_key.is_empty() {
            return Err(LocalStoreError::Failed("no server key yet".into()));
        }
        let mutation = serde_json::to_string(&entry.mutation).map_err(failed)?;
        let sealed = call(vault::seal(&seal_key, &mutation)).await?;
        let local = hide_all(&[serde_json::to_string(entry).map_err(failed)?]).await?.remove(0);
        Ok(js_sys::Array::of4(
            &js(entry.mutation.id.as_str()),
            &JsValue::from_f64(entry.queued_at.0 as f64),
            &sealed,
            &local,
        ))
    }

    /// An outbox record, read (`None` for anything else: a record an earlier version queued in
    /// clear is sealed by `vault.js` when the page starts, and read after that).
    struct Queued {
        id: ClientId,
        queued_at: Timestamp,
        sealed: Option<String>,
        local: JsValue,
    }

    fn queued(value: &JsValue) -> Option<Queued> {
        let a = js_sys::Array::is_array(value).then(|| js_sys::Array::from(value))?;
        Some(Queued {
            id: ClientId::parse(&a.get(0).as_string()?)?,
            queued_at: Timestamp(a.get(1).as_f64()? as i64),
            sealed: a.get(2).as_string(),
            local: a.get(3),
        })
    }

    pub(super) async fn save_session(info: &SessionInfo) -> Result<(), LocalStoreError> {
        // Logging in again after a wipe in this same page is allowed.
        WIPED.with(|w| w.borrow_mut().retain(|u| *u != info.user));
        let json = to_json(info)?;
        let user = open_user(info.user).await?;
        put_meta(&user, PROFILE_KEY, &json).await?;
        user.close();
        let db = open().await?;
        put_meta(&db, SESSION_KEY, &json).await?;
        db.close();
        Ok(())
    }

    pub(super) async fn load_session() -> Result<Option<SessionInfo>, LocalStoreError> {
        let db = open().await?;
        let value = get_meta(&db, SESSION_KEY).await?;
        db.close();
        Ok(value.as_ref().and_then(from_json))
    }

    const WIPE_KEY: &str = "wipe_pending";

    pub(super) async fn wipe_user(user: UserId) -> Result<(), LocalStoreError> {
        WIPED.with(|w| w.borrow_mut().push(user));
        let db = open().await?;
        let current: Option<SessionInfo> = get_meta(&db, SESSION_KEY).await?.as_ref().and_then(from_json);
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        let meta = tx.store(META_STORE).map_err(failed)?;
        meta.put(&JsValue::from_f64(user.0 as f64), Some(&js(WIPE_KEY))).await.map_err(failed)?;
        if current.is_none_or(|c| c.user == user) {
            meta.delete(js(SESSION_KEY)).await.map_err(failed)?;
        }
        tx.done().await.map_err(failed)?;
        db.close();
        delete_user_db(user).await
    }

    /// Deletes a user's database, retrying while another connection (a sync in flight) is
    /// still closing; then clears the pending-wipe mark.
    async fn delete_user_db(user: UserId) -> Result<(), LocalStoreError> {
        let mut last = Ok(());
        for attempt in 0..20 {
            last = Rexie::delete(&user_db_name(user)).await.map_err(failed);
            if last.is_ok() {
                break;
            }
            sleep_ms(100 * (attempt + 1)).await;
        }
        last?;
        let db = open().await?;
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        tx.store(META_STORE).map_err(failed)?.delete(js(WIPE_KEY)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    async fn sleep_ms(ms: u32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    pub(super) async fn finish_pending_wipe() -> Result<(), LocalStoreError> {
        let db = open().await?;
        let pending = get_meta(&db, WIPE_KEY).await?.and_then(|v| v.as_f64());
        db.close();
        match pending {
            Some(user) => delete_user_db(UserId(user as i64)).await,
            None => Ok(()),
        }
    }

    pub(super) async fn wipe_caches() -> Result<(), LocalStoreError> {
        use wasm_bindgen_futures::JsFuture;
        let window = web_sys::window().ok_or(LocalStoreError::Unavailable)?;
        let caches = window.caches().map_err(|e| failed(format!("{e:?}")))?;
        let keys = JsFuture::from(caches.keys()).await.map_err(|e| failed(format!("{e:?}")))?;
        for key in js_sys::Array::from(&keys).iter() {
            if let Some(name) = key.as_string() {
                JsFuture::from(caches.delete(&name)).await.map_err(|e| failed(format!("{e:?}")))?;
            }
        }
        // Ask the service worker to download the (public) shell again, so the app still
        // opens offline after the wipe.
        if let Some(worker) = window.navigator().service_worker().controller() {
            let _ = worker.post_message(&js("precache"));
        }
        Ok(())
    }

    pub(super) async fn record_device_check() -> Result<u32, LocalStoreError> {
        let db = open().await?;
        let key = js(DEVICE_CHECKS_KEY);
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        let store = tx.store(META_STORE).map_err(failed)?;
        let previous = store.get(key.clone()).await.map_err(failed)?.and_then(|v| v.as_f64()).unwrap_or(0.0);
        let count = previous as u32 + 1;
        store.put(&JsValue::from_f64(f64::from(count)), Some(&key)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;

        let tx = db.transaction(&[META_STORE], TransactionMode::ReadOnly).map_err(failed)?;
        let store = tx.store(META_STORE).map_err(failed)?;
        let read = store.get(key).await.map_err(failed)?.and_then(|v| v.as_f64());
        tx.done().await.map_err(failed)?;
        db.close();
        match read {
            Some(v) if v as u32 == count => Ok(count),
            _ => Err(LocalStoreError::Failed("read back a different value".into())),
        }
    }

    pub(super) async fn view(user: UserId) -> Result<LocalView, LocalStoreError> {
        let open = vault::is_open();
        let db = open_user(user).await?;
        let tx = db.transaction(USER_STORES, TransactionMode::ReadOnly).map_err(failed)?;
        let mut hidden = Vec::new();
        for name in ["residents", "visits", "reports", "notices", "absences"] {
            hidden.push(if open { raw_store(&tx, name).await? } else { Vec::new() });
        }
        let queued: Vec<Queued> = raw_store(&tx, "outbox").await?.iter().filter_map(queued).collect();
        let sent = all::<SentRecord>(&tx.store("sent").map_err(failed)?).await?;
        let sync = tx.store(META_STORE).map_err(failed)?.get(js(SYNC_KEY)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        let local: Vec<JsValue> = if open { queued.iter().map(|q| q.local.clone()).collect() } else { Vec::new() };
        let [residents, visits, reports, notices, absences] = <[Vec<JsValue>; 5]>::try_from(hidden).unwrap_or_default();
        let kept: Vec<(&SentRecord, JsValue)> =
            sent.iter().filter_map(|s| Some((s, JsValue::from_str(s.kept.as_deref().filter(|_| open)?)))).collect();
        let kept_texts = reveal_texts(&kept.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()).await?;
        let refused = kept
            .iter()
            .zip(kept_texts)
            .filter_map(|((s, _), text)| {
                let entry: OutboxEntry = from_json(&text)?;
                let AckStatus::Rejected { reason } = &s.status else { return None };
                Some(Refused { reason: reason.clone(), mutation: entry.mutation })
            })
            .collect();
        Ok(LocalView {
            refused,
            residents: decode(reveal_texts(&residents).await?),
            visits: decode(reveal_texts(&visits).await?),
            reports: decode(reveal_texts(&reports).await?),
            outbox: decode(reveal_texts(&local).await?),
            sent,
            notices: decode(reveal_texts(&notices).await?),
            sync: sync.as_ref().and_then(from_json).unwrap_or_default(),
            waiting: queued.iter().map(|q| q.queued_at).collect(),
            absences: decode::<Vec<crate::domain::DayRange>>(reveal_texts(&absences).await?).concat(),
        })
    }

    pub(super) async fn status(user: UserId) -> Result<(Vec<Timestamp>, SyncMeta), LocalStoreError> {
        let db = open_user(user).await?;
        let tx = db.transaction(&["outbox", META_STORE], TransactionMode::ReadOnly).map_err(failed)?;
        let waiting = raw_store(&tx, "outbox").await?.iter().filter_map(queued).map(|q| q.queued_at).collect();
        let sync = tx.store(META_STORE).map_err(failed)?.get(js(SYNC_KEY)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok((waiting, sync.as_ref().and_then(from_json).unwrap_or_default()))
    }

    pub(super) async fn save_draft(user: UserId, key: &str, json: &str) -> Result<(), LocalStoreError> {
        let value = hide_all(&[json.to_owned()]).await?.remove(0);
        let db = open_user(user).await?;
        let tx = db.transaction(&["drafts"], TransactionMode::ReadWrite).map_err(failed)?;
        tx.store("drafts").map_err(failed)?.put(&value, Some(&js(key))).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    pub(super) async fn draft(user: UserId, key: &str) -> Result<Option<String>, LocalStoreError> {
        locked_if_not_open()?;
        let db = open_user(user).await?;
        let tx = db.transaction(&["drafts"], TransactionMode::ReadOnly).map_err(failed)?;
        let value = tx.store("drafts").map_err(failed)?.get(js(key)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        let Some(value) = value else { return Ok(None) };
        Ok(reveal_texts(&[value]).await?.first().and_then(|v| v.as_string()))
    }

    pub(super) async fn submit(
        user: UserId,
        entry: &OutboxEntry,
        draft_key: Option<&str>,
        corrects: Option<&ClientId>,
    ) -> Result<(), LocalStoreError> {
        let db = open_user(user).await?;
        let envelope = envelope(&db, entry).await?;
        let tx =
            db.transaction(&["outbox", "drafts", "sent", META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        // A correction: the refused mutation it replaces is no longer kept (same transaction).
        if let Some(id) = corrects {
            let sent = tx.store("sent").map_err(failed)?;
            if let Some(mut record) =
                sent.get(js(id.as_str())).await.map_err(failed)?.as_ref().and_then(from_json::<SentRecord>)
            {
                record.kept = None;
                sent.put(&to_json(&record)?, Some(&js(id.as_str()))).await.map_err(failed)?;
            }
        }
        let meta = tx.store(META_STORE).map_err(failed)?;
        let next = meta.get(js(OUTBOX_NEXT_KEY)).await.map_err(failed)?.and_then(|v| v.as_f64()).unwrap_or(1.0);
        tx.store("outbox").map_err(failed)?.put(&envelope, Some(&JsValue::from_f64(next))).await.map_err(failed)?;
        meta.put(&JsValue::from_f64(next + 1.0), Some(&js(OUTBOX_NEXT_KEY))).await.map_err(failed)?;
        if let Some(key) = draft_key {
            tx.store("drafts").map_err(failed)?.delete(js(key)).await.map_err(failed)?;
        }
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    /// What a push sends: the sealed mutations (no key needed).
    pub(super) async fn outgoing(user: UserId, limit: usize) -> Result<Vec<Outgoing>, LocalStoreError> {
        let db = open_user(user).await?;
        let tx = db.transaction(&["outbox"], TransactionMode::ReadOnly).map_err(failed)?;
        let values = raw_store(&tx, "outbox").await?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(values
            .iter()
            .filter_map(|v| {
                let q = queued(v)?;
                Some(Outgoing::Sealed(SealedMutation { id: q.id, sealed: q.sealed? }))
            })
            .take(limit)
            .collect())
    }

    pub(super) async fn withdraw(user: UserId, id: &ClientId) -> Result<bool, LocalStoreError> {
        let db = open_user(user).await?;
        let tx = db.transaction(&["outbox"], TransactionMode::ReadWrite).map_err(failed)?;
        let outbox = tx.store("outbox").map_err(failed)?;
        let mut found = false;
        for (key, value) in outbox.scan(None, None, None, None).await.map_err(failed)? {
            if queued(&value).is_some_and(|q| q.id == *id) {
                outbox.delete(key).await.map_err(failed)?;
                found = true;
            }
        }
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(found)
    }

    pub(super) async fn settle(user: UserId, acks: &[Ack], now: Timestamp) -> Result<(), LocalStoreError> {
        let db = open_user(user).await?;
        let tx = db.transaction(&["outbox", "sent"], TransactionMode::ReadWrite).map_err(failed)?;
        let outbox = tx.store("outbox").map_err(failed)?;
        let sent = tx.store("sent").map_err(failed)?;
        for (key, value) in outbox.scan(None, None, None, None).await.map_err(failed)? {
            let Some(q) = queued(&value) else {
                continue;
            };
            if let Some(ack) = acks.iter().find(|a| a.id == q.id) {
                // Refused: its readable copy (still encrypted) stays, for the volunteer to correct.
                let kept = matches!(ack.status, AckStatus::Rejected { .. }).then(|| q.local.as_string()).flatten();
                let record = SentRecord { id: ack.id.clone(), status: ack.status.clone(), acked_at: now, kept };
                sent.put(&to_json(&record)?, Some(&js(ack.id.as_str()))).await.map_err(failed)?;
                outbox.delete(key).await.map_err(failed)?;
            }
        }
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    pub(super) async fn cursor(user: UserId) -> Result<Option<Cursor>, LocalStoreError> {
        let db = open_user(user).await?;
        let value = get_meta(&db, CURSOR_KEY).await?;
        db.close();
        Ok(value.as_ref().and_then(from_json))
    }

    /// Reads what the page changes, encrypts the new records, then writes them with the cursor
    /// in one transaction (all or nothing).
    pub(super) async fn apply_page(
        user: UserId,
        page: &PullResponse,
        fail_after: Option<usize>,
    ) -> Result<(), LocalStoreError> {
        locked_if_not_open()?;
        let db = open_user(user).await?;
        let tx = db.transaction(&["visits", META_STORE], TransactionMode::ReadOnly).map_err(failed)?;
        let visits = raw_store(&tx, "visits").await?;
        let cursor = tx.store(META_STORE).map_err(failed)?.get(js(CURSOR_KEY)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        let cursor: Option<Cursor> = cursor.as_ref().and_then(from_json);
        let first = cursor.as_ref().is_none_or(|c| c.snapshot.is_some());
        let before: Vec<VisitRecord> = decode(reveal_texts(&visits).await?);

        let mut targets = Vec::with_capacity(page.changes.len());
        let mut texts = Vec::new();
        for change in &page.changes {
            let (store, id, json) = match change {
                Change::Resident(r) => ("residents", r.id.0.to_string(), Some(serde_json::to_string(r))),
                Change::Visit(v) => ("visits", v.id.0.to_string(), Some(serde_json::to_string(v))),
                Change::Report(r) => ("reports", r.id.to_string(), Some(serde_json::to_string(r))),
                Change::Removed { record, id } => {
                    let store = match record {
                        RecordKind::Resident => "residents",
                        RecordKind::Visit => "visits",
                        RecordKind::Report => "reports",
                    };
                    (store, id.clone(), None)
                }
            };
            if let Some(json) = json {
                texts.push(json.map_err(failed)?);
            }
            targets.push((store, id, change_is_put(change)));
        }
        let notices: Vec<RoundNotice> = round_notices(&before, &page.changes, first);
        for notice in &notices {
            texts.push(serde_json::to_string(notice).map_err(failed)?);
        }
        // The absences' list, when the page has one, goes last.
        if let Some(absences) = &page.absences {
            texts.push(serde_json::to_string(absences).map_err(failed)?);
        }
        let mut hidden = hide_all(&texts).await?.into_iter();
        let absences = if page.absences.is_some() { hidden.next_back() } else { None };

        let tx = db
            .transaction(
                &["residents", "visits", "reports", "notices", "absences", META_STORE],
                TransactionMode::ReadWrite,
            )
            .map_err(failed)?;
        for (n, (store, id, put)) in targets.into_iter().enumerate() {
            if fail_after == Some(n) {
                // Abandon the transaction: nothing of this page may remain.
                tx.abort().await.map_err(failed)?;
                db.close();
                return Err(LocalStoreError::Failed("injected failure".into()));
            }
            let store = tx.store(store).map_err(failed)?;
            match if put { hidden.next() } else { None } {
                Some(value) => store.put(&value, Some(&js(&id))).await.map_err(failed)?,
                None => {
                    store.delete(js(&id)).await.map_err(failed)?;
                    JsValue::UNDEFINED
                }
            };
        }
        if let Some(value) = absences {
            tx.store("absences").map_err(failed)?.put(&value, Some(&js(ABSENCES_KEY))).await.map_err(failed)?;
        }
        let notice_store = tx.store("notices").map_err(failed)?;
        for value in hidden {
            notice_store
                .add(&value, Some(&JsValue::from_f64(js_sys::Date::now() + js_sys::Math::random())))
                .await
                .map_err(failed)?;
        }
        tx.store(META_STORE)
            .map_err(failed)?
            .put(&to_json(&page.cursor)?, Some(&js(CURSOR_KEY)))
            .await
            .map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    fn change_is_put(change: &Change) -> bool {
        !matches!(change, Change::Removed { .. })
    }

    pub(super) async fn clear_notices(user: UserId) -> Result<(), LocalStoreError> {
        let db = open_user(user).await?;
        let tx = db.transaction(&["notices"], TransactionMode::ReadWrite).map_err(failed)?;
        tx.store("notices").map_err(failed)?.clear().await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        db.close();
        Ok(())
    }

    pub(super) async fn set_sync_meta(user: UserId, meta: &SyncMeta) -> Result<(), LocalStoreError> {
        let db = open_user(user).await?;
        put_meta(&db, SYNC_KEY, &to_json(meta)?).await?;
        db.close();
        Ok(())
    }

    pub(super) async fn clear_wiped(user: UserId) -> Result<(), LocalStoreError> {
        open_user(user).await?.close();
        call(vault::logged_in(&user_db_name(user))).await.map(|_| ())
    }
}

#[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
mod imp {
    //! No IndexedDB outside the browser.
    use super::*;
    use crate::sync::engine::OutboxEntry;
    use crate::sync::{Ack, Cursor, PullResponse};

    const NONE: LocalStoreError = LocalStoreError::Unavailable;

    pub(super) async fn record_device_check() -> Result<u32, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn save_session(_: &SessionInfo) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn load_session() -> Result<Option<SessionInfo>, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn wipe_user(_: UserId) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn finish_pending_wipe() -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn wipe_caches() -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn view(_: UserId) -> Result<LocalView, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn status(_: UserId) -> Result<(Vec<crate::domain::Timestamp>, SyncMeta), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn save_draft(_: UserId, _: &str, _: &str) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn draft(_: UserId, _: &str) -> Result<Option<String>, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn submit(
        _: UserId,
        _: &OutboxEntry,
        _: Option<&str>,
        _: Option<&crate::domain::ClientId>,
    ) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn outgoing(_: UserId, _: usize) -> Result<Vec<crate::sync::engine::Outgoing>, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn clear_wiped(_: UserId) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn settle(_: UserId, _: &[Ack], _: crate::domain::Timestamp) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn withdraw(_: UserId, _: &crate::domain::ClientId) -> Result<bool, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn cursor(_: UserId) -> Result<Option<Cursor>, LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn apply_page(_: UserId, _: &PullResponse, _: Option<usize>) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn clear_notices(_: UserId) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
    pub(super) async fn set_sync_meta(_: UserId, _: &SyncMeta) -> Result<(), LocalStoreError> {
        Err(NONE)
    }
}
