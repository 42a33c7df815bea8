//! Several server processes on one database: what must happen in one of them at a time (the
//! daily purge, the alert rounds) runs under a lease that passes on when its holder dies; a
//! session ended or a device revoked through one process is refused by every other at once.
//! On SQLite one server process owns the file, and holds every lease.

use crate::common::{self, TestApp, World};

/// Leases held as PostgreSQL advisory locks (class 3, see `store-sql/src/leases.rs`).
async fn leases_held(db: &str) -> i64 {
    use sqlx::Connection as _;
    let mut conn = common::connect(db).await;
    let n = sqlx::query_scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 3 AND granted")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    n
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: not within 10 s");
}

#[tokio::test]
async fn a_killed_server_hands_its_purge_lease_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::fresh_database(dir.path(), "replicas").await;
    let site = common::test_site(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (mut server, _url) = common::serve(&db, &site, port, false);
    let other = monalisa_server::open_store(&db).await.unwrap();
    if common::on_postgres() {
        eventually("the server takes the purge's lease", async || leases_held(&db).await >= 1).await;
        assert!(!other.hold_lease(monalisa_server::retention::LEASE).await.unwrap(), "held by the running server");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    eventually("the lease passes to the next who asks", async || {
        other.hold_lease(monalisa_server::retention::LEASE).await.unwrap()
    })
    .await;
    other.close().await;
}

#[tokio::test]
async fn a_session_ended_through_one_server_is_refused_by_another() {
    let world = World::new().await;
    let second = TestApp::spawn_on(&world.app.db_url).await;
    let mut phone = world.agent("benevole").await;
    let mut through_second = phone.clone();
    through_second.url = second.url.clone();
    assert_eq!(through_second.call("/api/v1/session", serde_json::json!({})).await.0, 200, "the session works on both");
    let (status, _) = phone.call("/api/v1/logout", serde_json::json!({})).await;
    assert_eq!(status, 200);
    if !common::on_postgres() {
        // SQLite: the other process's cache of sessions lasts this long.
        tokio::time::sleep(monalisa_store_sql::SESSION_CACHE_TTL).await;
    }
    let (status, _) = through_second.call("/api/v1/session", serde_json::json!({})).await;
    assert_eq!(status, 401, "the other server refuses the ended session");
}
