//! The storage story on a real database: territory loaded once, demo population imported
//! in one transaction, a second import refused without changing anything.

use monalisa_app::domain::Date;
use monalisa_server::demo::DemoParams;

#[tokio::test]
async fn territory_then_demo_population_then_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database(dir.path(), "store").await;
    let store = monalisa_server::open_store(&url).await.unwrap();
    let c = store.counts().await.unwrap();
    assert_eq!((c.communes, c.scopes, c.residents), (35, 0, 0));

    let params = DemoParams { seed: 4, scale: 1.0, today: Date::parse("2026-11-25").unwrap() };
    assert!(monalisa_server::load_demo(store.as_ref(), &params).await.unwrap());
    let loaded = store.counts().await.unwrap();
    assert_eq!(loaded.scopes, 4);
    assert!(loaded.residents >= 140 && loaded.volunteers >= 40 && loaded.reports > 100, "{loaded:?}");

    // A second load is refused and changes nothing.
    assert!(!monalisa_server::load_demo(store.as_ref(), &params).await.unwrap());
    // A raw import of a conflicting population fails as a whole (one transaction).
    let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
    let mut again = monalisa_server::demo::generate(&shapes, &DemoParams { seed: 5, ..params }).unwrap();
    again.scopes.clear(); // would only clash later, on people ids
    assert!(store.import_population(&again).await.is_err());
    assert_eq!(store.counts().await.unwrap(), loaded);
    store.close().await;

    // Reopening keeps everything and does not reload the territory.
    let store = monalisa_server::open_store(&url).await.unwrap();
    assert_eq!(store.counts().await.unwrap(), loaded);
    store.close().await;
}

#[tokio::test]
async fn bad_database_url_is_a_clear_error() {
    let err = monalisa_server::open_store("mysql://nope").await.err().unwrap();
    assert!(err.to_string().contains("unsupported database URL"), "{err}");
}
