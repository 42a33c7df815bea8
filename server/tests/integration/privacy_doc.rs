//! The data-protection document (`docs/protection-des-donnees.md`) lists every table and every
//! field the database holds: checked here against the schema the migrations actually build, so
//! a field cannot be added without saying what it is for.

use sqlx::Row;
use std::collections::BTreeMap;

/// `- `table` : `a`, `b` — purpose` lines: table → fields.
fn documented(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("- `") else { continue };
        let Some((table, rest)) = rest.split_once("` : ") else { continue };
        let fields = rest.split(" — ").next().unwrap_or_default();
        let fields: Vec<String> = fields.split(", ").map(|f| f.trim().trim_matches('`').to_owned()).collect();
        assert!(out.insert(table.to_owned(), fields).is_none(), "{table} described twice");
    }
    out
}

#[tokio::test]
async fn the_document_describes_every_field_of_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let store = monalisa_server::open_store(&url).await.unwrap();
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut schema = BTreeMap::new();
    for table in tables {
        let columns = sqlx::query(&format!("PRAGMA table_info({table})")).fetch_all(&pool).await.unwrap();
        schema.insert(table, columns.iter().map(|c| c.get::<String, _>("name")).collect::<Vec<_>>());
    }
    pool.close().await;
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protection-des-donnees.md")).unwrap();
    let doc = documented(&doc);
    let missing: Vec<&String> = schema.keys().filter(|t| !doc.contains_key(*t)).collect();
    assert!(missing.is_empty(), "tables not described in the document: {missing:?}");
    for (table, fields) in &doc {
        let actual =
            schema.get(table).unwrap_or_else(|| panic!("the document describes {table}, which does not exist"));
        assert_eq!(fields, actual, "{table}: the document's fields (in order) against the schema");
    }
}
