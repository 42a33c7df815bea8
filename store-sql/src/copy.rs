//! Moving a territory from its SQLite file to PostgreSQL (`monalisa store copy`): every table,
//! the audit trail and the server's secrets (the sealing key) included, row for row with their
//! ids, the change feed's positions kept (phones go on from their cursors, their sessions and
//! devices still valid: no new login). All in one transaction on the target, which must be
//! empty; then each table is counted and checksummed on both sides.

use crate::sql::{self, Dialect};
use crate::{SqlStore, other};
use monalisa_store::StoreError;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Every table, parents before the tables that refer to them.
const TABLES: &[&str] = &[
    "communes",
    "scopes",
    "scope_communes",
    "ambassadors",
    "volunteers",
    "volunteer_communes",
    "volunteer_slots",
    "volunteer_absences",
    "residents",
    "resident_slots",
    "pairings",
    "rounds",
    "visits",
    "users",
    "devices",
    "sessions",
    "enrolment_links",
    "reports",
    "concerns",
    "audit_log",
    "change_log",
    "applied_mutations",
    "device_records",
    "quarantine",
    "visit_declines",
    "planning_locks",
    "plan_unserved",
    "server_secrets",
    "import_runs",
    "geocode_queue",
    "login_failures",
];

/// What was copied: per table, rows and a checksum, equal on both sides.
#[derive(Debug, Default)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
}

#[derive(Debug)]
pub struct TableCopy {
    pub table: &'static str,
    pub rows: u64,
    /// An order-free checksum of the rows (the sum of each row's hash): the two databases
    /// sort text differently.
    pub checksum: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

/// A table's columns on SQLite, with their (STRICT) types.
async fn columns(source: &SqlStore, table: &str) -> Result<Vec<(String, Kind)>, StoreError> {
    let rows = sql::query(&format!("SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"))
        .fetch_all(&source.pool)
        .await
        .map_err(other)?;
    rows.iter()
        .map(|r| {
            let kind = match r.get::<String, _>("type").to_ascii_uppercase().as_str() {
                "INTEGER" => Kind::Integer,
                "REAL" => Kind::Real,
                "TEXT" => Kind::Text,
                "BLOB" => Kind::Blob,
                other => return Err(StoreError::Invalid(format!("{table}: column type {other} cannot be copied"))),
            };
            Ok((r.get("name"), kind))
        })
        .collect()
}

/// One row's values, as text for the checksum.
fn canonical(row: &AnyRow, columns: &[(String, Kind)]) -> Result<String, StoreError> {
    let mut out = String::new();
    for (i, (_, kind)) in columns.iter().enumerate() {
        let value = match kind {
            Kind::Integer => row.try_get::<Option<i64>, _>(i).map(|v| v.map(|v| v.to_string())),
            Kind::Real => row.try_get::<Option<f64>, _>(i).map(|v| v.map(|v| format!("{:x}", v.to_bits()))),
            Kind::Text => row.try_get::<Option<String>, _>(i),
            Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i).map(|v| v.map(|b| format!("{b:02x?}"))),
        }
        .map_err(other)?;
        match value {
            Some(v) => {
                out.push_str(&v.len().to_string());
                out.push(':');
                out.push_str(&v);
            }
            None => out.push('-'),
        }
        out.push('|');
    }
    Ok(out)
}

fn row_hash(text: &str) -> u64 {
    // FNV-1a: a checksum against a lost or altered row, not a defence against tampering.
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The rows of `table` (these columns) and their checksum.
fn summed(rows: &[AnyRow], columns: &[(String, Kind)]) -> Result<(u64, u64), StoreError> {
    let mut sum = 0u64;
    for row in rows {
        sum = sum.wrapping_add(row_hash(&canonical(row, columns)?));
    }
    Ok((rows.len() as u64, sum))
}

/// Tables whose order of insertion is part of their meaning (PostgreSQL numbers their rows,
/// where SQLite has its rowid): read in rowid order.
const ORDERED: &[&str] = &["volunteer_absences", "pairings"];

/// Copies the SQLite store `source` into the empty PostgreSQL store `target`.
pub async fn copy(source: &SqlStore, target: &SqlStore) -> Result<CopyReport, StoreError> {
    if source.dialect != Dialect::Sqlite || target.dialect != Dialect::Postgres {
        return Err(StoreError::Invalid("the copy goes from a SQLite file to a PostgreSQL database".into()));
    }
    for table in TABLES {
        let n: i64 =
            sql::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&target.pool).await.map_err(other)?;
        if n > 0 {
            return Err(StoreError::Conflict(format!("the target database is not empty ({table} has {n} rows)")));
        }
    }
    let tables: Vec<String> = sql::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&source.pool)
    .await
    .map_err(other)?;
    if let Some(unknown) = tables.iter().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(StoreError::Invalid(format!("the copy does not know the table {unknown}")));
    }
    let (_write, mut tx) = target.write().await?;
    let mut report = CopyReport::default();
    for table in TABLES {
        let columns = columns(source, table).await?;
        let order = if ORDERED.contains(table) { " ORDER BY rowid" } else { "" };
        let list = columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
        // The rows as they are: the change feed's triggers (and the pairings', the audit
        // trail's) must not add rows of their own.
        sql::query(&format!("ALTER TABLE {table} DISABLE TRIGGER USER")).execute(&mut *tx).await.map_err(other)?;
        let insert = format!(
            "INSERT INTO {table} ({list}) OVERRIDING SYSTEM VALUE VALUES ({})",
            vec!["?"; columns.len()].join(", ")
        );
        let rows =
            sql::query(&format!("SELECT {list} FROM {table}{order}")).fetch_all(&source.pool).await.map_err(other)?;
        for row in &rows {
            let mut q = sql::query(&insert);
            for (i, (_, kind)) in columns.iter().enumerate() {
                q = match kind {
                    Kind::Integer => q.bind(row.try_get::<Option<i64>, _>(i).map_err(other)?),
                    Kind::Real => q.bind(row.try_get::<Option<f64>, _>(i).map_err(other)?),
                    Kind::Text => q.bind(row.try_get::<Option<String>, _>(i).map_err(other)?),
                    Kind::Blob => q.bind(row.try_get::<Option<Vec<u8>>, _>(i).map_err(other)?),
                };
            }
            q.execute(&mut *tx).await.map_err(other)?;
        }
        sql::query(&format!("ALTER TABLE {table} ENABLE TRIGGER USER")).execute(&mut *tx).await.map_err(other)?;
        // Read back in the same transaction: nothing is committed unless it matches.
        let (rows, checksum) = summed(&rows, &columns)?;
        let copied = sql::query(&format!("SELECT {list} FROM {table}")).fetch_all(&mut *tx).await.map_err(other)?;
        if summed(&copied, &columns)? != (rows, checksum) {
            return Err(StoreError::Invalid(format!("{table}: the rows read back differ from the rows copied")));
        }
        report.tables.push(TableCopy { table, rows, checksum });
    }
    // The next ids (and feed positions) follow the copied ones.
    sql::query("SELECT 1 FROM (SELECT sync_identities()) AS synced").execute(&mut *tx).await.map_err(other)?;
    tx.commit().await.map_err(other)?;
    Ok(report)
}
