//! The Monalisa Visites server (binary `monalisa`): HTTP, storage, the territory's reference
//! data, the demo population, and the operator commands.

pub mod assets;
pub mod config;
pub mod demo;
pub mod geocoder;
pub mod http;
pub mod import_cli;
pub mod mail;
pub mod osrm;
pub mod plan_cli;
pub mod retention;
pub mod setup_cli;
pub mod territory;

use monalisa_app::backend::{ServerContext, Settings, Store};
use std::sync::Arc;

/// Opens the store and makes sure it holds the territory's communes (reference data, loaded
/// on first start: every deployment serves the same 35 communes).
pub async fn open_store(database_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_store_with(database_url, monalisa_store_sql::Options::default()).await
}

/// [`open_store`], with the store's options.
pub async fn open_store_with(
    database_url: &str,
    options: monalisa_store_sql::Options,
) -> anyhow::Result<Arc<dyn Store>> {
    let store = monalisa_store_sql::open_with(database_url, options).await?;
    let communes: Vec<_> = territory::load()?.into_iter().map(|(record, _)| record).collect();
    let added = store.ensure_communes(&communes).await?;
    if added > 0 {
        tracing::info!(communes = added, "territory loaded");
    }
    Ok(store)
}

/// Loads the demo population for `params`, with one login per role (see
/// [`demo::DEMO_ACCOUNTS`]), if the store holds no population yet. Returns whether it loaded
/// anything.
pub async fn load_demo(store: &dyn Store, params: &demo::DemoParams) -> anyhow::Result<bool> {
    if store.counts().await?.scopes > 0 {
        return Ok(false);
    }
    let shapes: Vec<_> = territory::load()?.into_iter().map(|(_, shape)| shape).collect();
    let population = demo::generate(&shapes, params)?;
    store.import_population(&population).await?;
    let now = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms());
    for account in demo::demo_accounts(&population) {
        let id = store.create_user(&account.user, now).await?;
        let hash = monalisa_app::backend::auth::hash_password(account.password).map_err(|e| anyhow::anyhow!("{e}"))?;
        store.set_password(id, &hash).await?;
    }
    Ok(true)
}

/// Builds the full application for a store and a site directory.
pub fn app(
    store: Arc<dyn Store>,
    site: assets::Site,
    settings: Settings,
    network: http::NetworkSettings,
) -> axum::Router {
    app_with(store, site, settings, network, Services::default())
}

/// The outside services a server may use.
#[derive(Clone, Debug, Default)]
pub struct Services {
    /// Road travel times for planning.
    pub osrm: Option<osrm::OsrmSettings>,
    /// Homes located from their address after an import.
    pub geocoder: Option<geocoder::GeocoderSettings>,
}

/// The full application with its outside services. With a geocoder, this also starts (on the
/// current Tokio runtime) the worker locating the homes imports queue.
pub fn app_with(
    store: Arc<dyn Store>,
    site: assets::Site,
    settings: Settings,
    network: http::NetworkSettings,
    services: Services,
) -> axum::Router {
    let mut ctx = ServerContext::new(store.clone(), site.build.clone(), settings);
    ctx.road_times = services.osrm.map(|settings| {
        Arc::new(osrm::OsrmRoadTimes { client: reqwest::Client::new(), settings })
            as Arc<dyn monalisa_app::backend::RoadTimes>
    });
    if let Some(settings) = services.geocoder {
        let wake = Arc::new(tokio::sync::Notify::new());
        ctx.geocoding = Some(wake.clone());
        tokio::spawn(geocoder::work(store, settings, Arc::new(territory::shapes()), wake));
    }
    http::router(ctx, site, network)
}
