//! The phone's local store: every IndexedDB access of the app lives in this module (so that
//! encryption and schema upgrades have one place to go).
//!
//! - Database `monalisa` (the device), schema version 1: store `meta`, small key-value records
//!   (`device_checks`, and `session`: who is logged in on this phone).
//! - Database `monalisa-user-<id>` (one per account that logged in here), schema version 1:
//!   store `meta` (`profile`). Everything a user's work leaves on the phone lives in their own
//!   database, so another user logging in on the same phone never sees or sends it, and the
//!   same user logging back in after an expired session finds it intact.
//!
//! On the server (and in native tests) there is no IndexedDB: the functions exist with the
//! same signatures and answer [`LocalStoreError::Unavailable`].

use crate::auth::{SessionInfo, UserId};

/// Name of the IndexedDB database.
pub const DB_NAME: &str = "monalisa";
/// Current schema version. Raising it requires an upgrade path that keeps existing records.
pub const SCHEMA_VERSION: u32 = 1;
/// The key-value store for device metadata.
pub const META_STORE: &str = "meta";


#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalStoreError {
    #[error("local storage is not available here")]
    Unavailable,
    #[error("local storage failed: {0}")]
    Failed(String),
}

/// The database of one account's data on this phone.
pub fn user_db_name(user: UserId) -> String {
    format!("{DB_NAME}-user-{}", user.0)
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
/// current user, the session record).
pub async fn wipe_user(user: UserId) -> Result<(), LocalStoreError> {
    imp::wipe_user(user).await
}

/// Empties the browser's Cache Storage (the service worker downloads the public shell again).
pub async fn wipe_caches() -> Result<(), LocalStoreError> {
    imp::wipe_caches().await
}

#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
mod imp {
    use super::*;
    use rexie::{ObjectStore, Rexie, TransactionMode};
    use wasm_bindgen::JsValue;

    const DEVICE_CHECKS_KEY: &str = "device_checks";

    fn failed(e: impl std::fmt::Display) -> LocalStoreError {
        LocalStoreError::Failed(e.to_string())
    }

    pub(super) async fn open() -> Result<Rexie, LocalStoreError> {
        Rexie::builder(DB_NAME)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(META_STORE))
            .build()
            .await
            .map_err(failed)
    }

    const SESSION_KEY: &str = "session";
    const PROFILE_KEY: &str = "profile";

    async fn open_user(user: UserId) -> Result<Rexie, LocalStoreError> {
        Rexie::builder(&user_db_name(user))
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(META_STORE))
            .build()
            .await
            .map_err(failed)
    }

    async fn put_meta(db: &Rexie, key: &str, value: &JsValue) -> Result<(), LocalStoreError> {
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
        let store = tx.store(META_STORE).map_err(failed)?;
        store.put(value, Some(&JsValue::from_str(key))).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        Ok(())
    }

    async fn get_meta(db: &Rexie, key: &str) -> Result<Option<JsValue>, LocalStoreError> {
        let tx = db.transaction(&[META_STORE], TransactionMode::ReadOnly).map_err(failed)?;
        let store = tx.store(META_STORE).map_err(failed)?;
        let value = store.get(JsValue::from_str(key)).await.map_err(failed)?;
        tx.done().await.map_err(failed)?;
        Ok(value)
    }

    pub(super) async fn save_session(info: &SessionInfo) -> Result<(), LocalStoreError> {
        let json = JsValue::from_str(&serde_json::to_string(info).map_err(failed)?);
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
        Ok(value.and_then(|v| v.as_string()).and_then(|s| serde_json::from_str(&s).ok()))
    }

    pub(super) async fn wipe_user(user: UserId) -> Result<(), LocalStoreError> {
        let db = open().await?;
        let current = get_meta(&db, SESSION_KEY)
            .await?
            .and_then(|v| v.as_string())
            .and_then(|s| serde_json::from_str::<SessionInfo>(&s).ok());
        if current.is_none_or(|c| c.user == user) {
            let tx = db.transaction(&[META_STORE], TransactionMode::ReadWrite).map_err(failed)?;
            tx.store(META_STORE).map_err(failed)?.delete(JsValue::from_str(SESSION_KEY)).await.map_err(failed)?;
            tx.done().await.map_err(failed)?;
        }
        db.close();
        Rexie::delete(&user_db_name(user)).await.map_err(failed)
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
            let _ = worker.post_message(&JsValue::from_str("precache"));
        }
        Ok(())
    }

    pub(super) async fn record_device_check() -> Result<u32, LocalStoreError> {
        let db = open().await?;
        let key = JsValue::from_str(DEVICE_CHECKS_KEY);
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
}

#[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
mod imp {
    use super::*;

    pub(super) async fn record_device_check() -> Result<u32, LocalStoreError> {
        Err(LocalStoreError::Unavailable)
    }

    pub(super) async fn save_session(_: &SessionInfo) -> Result<(), LocalStoreError> {
        Err(LocalStoreError::Unavailable)
    }

    pub(super) async fn load_session() -> Result<Option<SessionInfo>, LocalStoreError> {
        Err(LocalStoreError::Unavailable)
    }

    pub(super) async fn wipe_user(_: UserId) -> Result<(), LocalStoreError> {
        Err(LocalStoreError::Unavailable)
    }

    pub(super) async fn wipe_caches() -> Result<(), LocalStoreError> {
        Err(LocalStoreError::Unavailable)
    }
}
