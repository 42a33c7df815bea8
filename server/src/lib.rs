//! The Monalisa Visites server (binary `monalisa`): HTTP, storage, the territory's reference
//! data, the demo population, and the operator commands.

pub mod assets;
pub mod config;
pub mod demo;
pub mod http;
pub mod store;
pub mod territory;

use monalisa_app::backend::{ServerContext, Store};
use std::sync::Arc;

/// Opens the store and makes sure it holds the territory's communes (reference data, loaded
/// on first start: every deployment serves the same 35 communes).
pub async fn open_store(database_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::open(database_url).await?;
    let communes: Vec<_> = territory::load()?.into_iter().map(|(record, _)| record).collect();
    let added = store.ensure_communes(&communes).await?;
    if added > 0 {
        tracing::info!(communes = added, "territory loaded");
    }
    Ok(store)
}

/// Loads the demo population for `params` if the store holds no population yet.
/// Returns whether it loaded anything.
pub async fn load_demo(store: &dyn Store, params: &demo::DemoParams) -> anyhow::Result<bool> {
    if store.counts().await?.scopes > 0 {
        return Ok(false);
    }
    let shapes: Vec<_> = territory::load()?.into_iter().map(|(_, shape)| shape).collect();
    let population = demo::generate(&shapes, params)?;
    store.import_population(&population).await?;
    Ok(true)
}

/// Builds the full application for a store and a site directory.
pub fn app(store: Arc<dyn Store>, site: assets::Site) -> axum::Router {
    let ctx = ServerContext { store, build: site.build.clone() };
    http::router(ctx, site)
}
