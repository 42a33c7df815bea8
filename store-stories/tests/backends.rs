//! The storage stories on every backend: embedded SQLite (each story on a fresh database
//! file) and PostgreSQL (each on a fresh database of the cluster `make test` starts, named by
//! `MONALISA_TEST_POSTGRES`; see `tools/postgres.sh`).

use monalisa_store::Store;
use std::sync::Arc;

mod sqlite {
    use super::*;

    async fn open() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("stories.db").display());
        let store = monalisa_store_sql::open(&url).await.expect("a fresh SQLite store");
        (dir, store)
    }

    monalisa_store_stories::story_suite!(open);
}

mod postgres {
    use super::*;

    /// A fresh, empty database of the test cluster (left to the cluster, which goes at the
    /// end of the run).
    pub async fn database() -> String {
        use sqlx::Connection as _;
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let cluster = std::env::var("MONALISA_TEST_POSTGRES").expect(
            "MONALISA_TEST_POSTGRES names the PostgreSQL cluster for the tests (postgres://user@host:port); \
             `make test` starts one (tools/postgres.sh)",
        );
        let name =
            format!("stories_{}_{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let mut admin = sqlx::PgConnection::connect(&format!("{cluster}/postgres")).await.expect("the test cluster");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a fresh database");
        admin.close().await.expect("closed");
        format!("{cluster}/{name}")
    }

    async fn open() -> ((), Arc<dyn Store>) {
        let store = monalisa_store_sql::open(&database().await).await.expect("a fresh PostgreSQL store");
        ((), store)
    }

    monalisa_store_stories::story_suite!(open);

    /// TLS to the database as the URL's `sslmode` asks (rustls): `verify-full` with the test
    /// cluster's certificate as the root of trust connects, encrypted; `verify-full` against
    /// the system's roots, which do not know that certificate, is refused.
    #[tokio::test]
    async fn tls_is_used_as_the_url_asks() {
        use sqlx::Connection as _;
        let url = database().await;
        let ca = std::env::var("MONALISA_TEST_POSTGRES_CA")
            .expect("MONALISA_TEST_POSTGRES_CA: the test cluster's certificate (tools/postgres.sh makes it)");
        let verified = format!("{url}?sslmode=verify-full&sslrootcert={ca}");
        let store = monalisa_store_sql::open(&verified).await.expect("a store over verified TLS");
        store.close().await;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&verified).await.expect("verified TLS");
        let encrypted: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .fetch_one(&mut conn)
            .await
            .expect("the connection's TLS state");
        assert!(encrypted, "the connection is encrypted");
        conn.close().await.expect("closed");
        let unknown = monalisa_store_sql::open(&format!("{url}?sslmode=verify-full")).await;
        assert!(unknown.is_err(), "a certificate no trusted root signed is refused");
    }

    /// Two server processes on one database get the same push at once (a phone's retry through
    /// another replica while the first still works): each report is applied once, one process
    /// answering "applied" and the other "already applied"; nothing it causes (concerns, audit
    /// entries) doubles. The writers' lock orders the two, the answers' key would refuse a
    /// second row.
    #[tokio::test]
    async fn the_same_push_reaching_two_servers_at_once_is_applied_once() {
        use monalisa_core::domain::ConcernKind;
        use monalisa_core::sync::AckStatus;
        use monalisa_store_stories::{fixture::*, sync::*};
        use sqlx::Connection as _;
        let url = database().await;
        let one = monalisa_store_sql::open(&url).await.expect("a store");
        let (_, phone) = phone(&*one, false).await;
        let other = monalisa_store_sql::open(&url).await.expect("a second server's store");
        let mutations =
            vec![report(client_id('d', 7), RES_1, vec![ConcernKind::Fall]), report(client_id('d', 8), RES_2, vec![])];
        let (a, b) = tokio::join!(push(&*one, &phone, mutations.clone()), push(&*other, &phone, mutations));
        for (x, y) in a.iter().zip(&b) {
            let applied = |s: &AckStatus| matches!(s, AckStatus::Applied { .. });
            let again = |s: &AckStatus| matches!(s, AckStatus::AlreadyApplied { .. });
            assert!(
                (applied(&x.status) && again(&y.status)) || (again(&x.status) && applied(&y.status)),
                "one applies, the other answers from the first: {x:?} / {y:?}"
            );
        }
        assert_eq!(one.counts().await.expect("counts").reports, 2);
        let mut conn = sqlx::PgConnection::connect(&url).await.expect("a connection");
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
        assert_eq!(count("SELECT count(*) FROM concerns").fetch_one(&mut conn).await.expect("concerns"), 1);
        let audited = count("SELECT count(*) FROM audit_log WHERE action = 'report.create'");
        assert_eq!(audited.fetch_one(&mut conn).await.expect("audit"), 2);
    }

    /// PostgreSQL commits transactions in any order, whatever the order their feed positions
    /// were given in: the feed's lock (`migrations/postgres/0001_schema.sql`) keeps the two
    /// orders the same. A first writer takes a feed position and holds its transaction open; a
    /// later writer (a phone's push) waits for it; a phone pulling meanwhile gets nothing and
    /// keeps its cursor; once the first commits and the later one follows, the phone's next
    /// pull from that cursor brings the first writer's row.
    #[tokio::test]
    async fn a_row_committed_late_still_reaches_the_feed() {
        use monalisa_core::sync::Change;
        use monalisa_store_stories::{fixture::*, sync::*};
        use sqlx::Connection as _;
        let url = database().await;
        let store = monalisa_store_sql::open(&url).await.expect("a fresh PostgreSQL store");
        let (_, phone) = phone(&*store, false).await;
        let mut cursor = None;
        loop {
            let page = store.pull(&phone.caller, cursor.as_ref(), 500, today()).await.expect("pull");
            cursor = Some(page.cursor);
            if !page.more {
                break;
            }
        }
        let cursor = cursor.expect("a cursor");

        let mut first = sqlx::PgConnection::connect(&url).await.expect("a second connection");
        let mut held = first.begin().await.expect("begin");
        sqlx::query("UPDATE residents SET likes = 'le jardin' WHERE id = $1")
            .bind(RES_1.0)
            .execute(&mut *held)
            .await
            .expect("the first writer's change");
        let later = {
            let (store, caller) = (store.clone(), phone.caller.clone());
            tokio::spawn(async move {
                push(&*store, &Phone { caller }, vec![report(client_id('f', 1), RES_2, vec![])]).await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(!later.is_finished(), "the later writer waits for the first to end");
        let meanwhile = store.pull(&phone.caller, Some(&cursor), 500, today()).await.expect("pull meanwhile");
        assert!(meanwhile.changes.is_empty(), "nothing committed yet: {:?}", meanwhile.changes);

        held.commit().await.expect("the first writer commits");
        let acks = later.await.expect("the later writer ends");
        assert_eq!(acks.len(), 1);
        let after = store.pull(&phone.caller, Some(&meanwhile.cursor), 500, today()).await.expect("pull after");
        assert!(
            after.changes.iter().any(|c| matches!(c, Change::Resident(r) if r.id == RES_1 && r.likes == "le jardin")),
            "the row committed late is in the feed: {:?}",
            after.changes
        );
        assert!(after.changes.iter().any(|c| matches!(c, Change::Report(_))), "and the later one's report");
    }
}

/// The two migrations directories build the same schema: every table with the same columns in
/// the same order, but for the identity column PostgreSQL gives the two tables where SQLite's
/// rowid has a meaning (`Dialect::row_id`). A migration added to one directory only fails here.
#[tokio::test]
async fn both_databases_hold_the_same_tables_and_columns() {
    use sqlx::Row as _;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = format!("sqlite://{}", dir.path().join("schema.db").display());
    let postgres = postgres::database().await;
    for url in [&sqlite, &postgres] {
        monalisa_store_sql::open(url).await.expect("migrated").close().await;
    }
    sqlx::any::install_default_drivers();
    let read = |url: String, sql: &'static str| async move {
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        let rows = sqlx::query(sql).fetch_all(&pool).await.expect("the schema");
        pool.close().await;
        let mut tables = std::collections::BTreeMap::<String, Vec<String>>::new();
        for row in rows {
            tables.entry(row.get::<String, _>(0)).or_default().push(row.get(1));
        }
        tables
    };
    let on_sqlite = read(
        sqlite,
        "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' ORDER BY m.name, c.cid",
    )
    .await;
    let mut on_postgres = read(
        postgres,
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY table_name, ordinal_position",
    )
    .await;
    for table in ["volunteer_absences", "pairings"] {
        let columns = on_postgres.get_mut(table).expect(table);
        assert_eq!(columns.first().map(String::as_str), Some("id"), "{table}");
        columns.remove(0);
    }
    assert_eq!(on_sqlite, on_postgres);
}

#[tokio::test]
async fn an_unknown_database_url_is_refused() {
    let refused = monalisa_store_sql::open("mysql://localhost/x").await;
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
        let mut earlier = sqlx::migrate!("../store-sql/migrations/sqlite");
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
    let store = monalisa_store_sql::open(&url).await.expect("the upgrade applies");
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
    let again = monalisa_store_sql::open(&url).await;
    assert!(again.is_ok(), "a second open applies nothing more");
}
