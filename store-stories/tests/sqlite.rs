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

/// A database made by the previous version (migrations up to 0012) with an ambassador, their
/// account, a resident whose consent they recorded and two volunteers: opening it applies 0013
/// (the ambassadors table rebuilt under the references to it) and the later migrations, and
/// keeps every row and reference.
#[tokio::test]
async fn an_earlier_database_upgrades_with_its_references() {
    use monalisa_core::domain::{AmbassadorId, Milestone, ScopeId, TravelMode, VolunteerId};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    {
        let mut earlier = sqlx::migrate!("../store-sqlite/migrations/sqlite");
        let upto: Vec<_> = earlier.migrations.iter().filter(|m| m.version <= 12).cloned().collect();
        assert_eq!(upto.len(), 12);
        earlier.migrations = upto.into();
        let pool = sqlx::SqlitePool::connect(&url).await.expect("old database");
        sqlx::query("PRAGMA foreign_keys = ON").execute(&pool).await.expect("fk on");
        earlier.run(&pool).await.expect("migrations up to 0012");
        for sql in [
            "INSERT INTO communes VALUES ('86001', 'Alpha', 500, 2022, 4.9, 46.1, 0.25, '{}')",
            "INSERT INTO scopes (id, name) VALUES (1, 'Nord')",
            "INSERT INTO scope_communes VALUES ('86001', 1)",
            "INSERT INTO ambassadors VALUES (7, 'Anne', 'Roux', '0549000000', 1)",
            "INSERT INTO users (login, display_name, role, ambassador_id, created_at) VALUES ('anne', 'Anne Roux', 'ambassador', 7, 0)",
            "INSERT INTO residents (id, first_name, last_name, address, commune, home_lat, home_lon, rhythm, isolation, \
             consent_on, consent_method, consent_recorded_by, follow_up_start, follow_up_status, status_since) \
             VALUES (1, 'M', 'D', '1 rue', '86001', 46.1, 0.25, 'weekly', 2, '2026-01-05', 'written', 7, '2026-01-05', 'active', '2026-01-05')",
            "INSERT INTO volunteers (id, first_name, last_name, phone, commune, home_lat, home_lon, scope_id, has_car, \
             radius_km, weekly_capacity) VALUES (3, 'V', 'Car', '0600000000', '86001', 46.1, 0.25, 1, 1, 15, 4), \
             (4, 'V', 'Foot', '0600000001', '86001', 46.1, 0.25, 1, 0, 3, 2)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        pool.close().await;
    }
    let store = monalisa_store_sqlite::open(&url).await.expect("the upgrade applies");
    let anne = store.ambassador(AmbassadorId(7)).await.expect("read").expect("kept");
    assert_eq!((anne.first_name.as_str(), anne.scope), ("Anne", Some(ScopeId(1))));
    let account = store.user_by_login("anne").await.expect("read").expect("kept");
    assert_eq!(account.scope, Some(ScopeId(1)), "the account still reaches its scope");
    store.set_ambassador_scope(AmbassadorId(7), None).await.expect("now detachable");
    // 0017: volunteers recorded before were visiting: charter and training done, day unknown;
    // a car kept, none becomes on foot.
    for (id, travel) in [(3, TravelMode::Car), (4, TravelMode::OnFoot)] {
        let v = store.volunteer(VolunteerId(id)).await.expect("read").expect("kept");
        assert_eq!(
            (v.travel, v.charter, v.training),
            (travel, Some(Milestone::DateUnknown), Some(Milestone::DateUnknown))
        );
        assert!(v.plannable());
    }
    let again = monalisa_store_sqlite::open(&url).await;
    assert!(again.is_ok(), "a second open applies nothing more");
}
