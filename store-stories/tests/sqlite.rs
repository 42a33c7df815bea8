//! The storage stories on embedded SQLite, each on a fresh database file.

use monalisa_store::Store;
use std::sync::Arc;

async fn open() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("stories.db").display());
    let store = monalisa_store_sqlite::open(&url).await.expect("a fresh SQLite store");
    (dir, store)
}

monalisa_store_stories::story_suite!(open);

#[tokio::test]
async fn only_sqlite_urls_are_accepted() {
    let refused = monalisa_store_sqlite::open("mysql://localhost/x").await;
    assert!(matches!(refused, Err(monalisa_store::StoreError::Invalid(_))));
}
