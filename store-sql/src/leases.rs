//! Leases: tasks that must run in one server process at a time.
//!
//! On PostgreSQL a lease is a session-level advisory lock (`pg_try_advisory_lock`, in a key
//! space of its own: the two-key form, class 3) taken on a connection the holder keeps out of
//! the pool's rotation. PostgreSQL releases it when that connection ends: the holder's process
//! died, was killed, lost the network, or closed its store. Each ask pings the connection: a
//! holder whose connection broke learns it lost the lease (and may take it again). The lease
//! says who may start a round; what a round writes is decided in its own transactions.
//!
//! On SQLite one server process owns the database file (its writer lock is in-process): it
//! always holds every lease.

use crate::{Dialect, SqlStore, other, sql};
use monalisa_store::StoreError;
use sqlx::Connection as _;

const LEASE_CLASS: i32 = 3;

pub(crate) async fn hold(store: &SqlStore, name: &str) -> Result<bool, StoreError> {
    if store.dialect == Dialect::Sqlite {
        return Ok(true);
    }
    let mut leases = store.leases.lock().await;
    if let Some(conn) = leases.get_mut(name) {
        if sql::query("SELECT 1").execute(&mut *conn).await.is_ok() {
            return Ok(true);
        }
        // The connection is gone, and the lock with it.
        leases.remove(name);
    }
    // Out of the pool: the lock must not go back into it with the connection.
    let mut conn = store.pool.acquire().await.map_err(other)?.detach();
    let taken: bool = sql::query_scalar("SELECT pg_try_advisory_lock(?, hashtext(?))")
        .bind(LEASE_CLASS)
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .map_err(other)?;
    if taken {
        leases.insert(name.to_owned(), conn);
    } else {
        let _ = conn.close().await;
    }
    Ok(taken)
}

/// Gives every lease back (the store closes).
pub(crate) async fn release_all(store: &SqlStore) {
    for (_, conn) in store.leases.lock().await.drain() {
        let _ = conn.close().await;
    }
}
