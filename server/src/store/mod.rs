//! Storage backends. Each implements `monalisa_app::backend::Store` with its own append-only
//! migrations; the rest of the server only sees the trait.

mod push_writer;
pub mod sqlite;
mod sqlite_alerts;
mod sqlite_coverage;
mod sqlite_people;
mod sqlite_privacy;
mod sqlite_sync;

use monalisa_app::backend::{Store, StoreError};
use std::sync::Arc;

/// Opens the store a database URL names (creating and migrating it if needed).
pub async fn open(database_url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if database_url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(database_url).await?))
    } else {
        Err(StoreError::Invalid("unsupported database URL: only sqlite: URLs are supported in this version".into()))
    }
}
