//! The phone's local store: every IndexedDB access of the app lives in this module (so that
//! encryption and schema upgrades have one place to go).
//!
//! Database `monalisa`, schema version 1:
//! - `meta`: small key-value records about this device (explicit string keys).
//!
//! On the server (and in native tests) there is no IndexedDB: the functions exist with the
//! same signatures and answer [`LocalStoreError::Unavailable`].

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

/// Counts a device check in IndexedDB (one read-write transaction), reads the count back in a
/// separate read-only transaction, and returns it: proves that the phone can store and
/// retrieve data across reloads and offline.
pub async fn record_device_check() -> Result<u32, LocalStoreError> {
    imp::record_device_check().await
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
}
