//! Server functions the pages call, with the wire types they exchange. Every endpoint has an
//! explicit, versioned path (`/api/v1/...`): a phone running an old cached build keeps
//! calling the paths it knows, so they never move.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The errors a page can get back from the server, with stable codes. Internal details are
/// logged on the server and never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum ApiError {
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("the server could not be reached")]
    Network,
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("unexpected answer from the server")]
    Protocol,
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            ServerFnErrorErr::Request(_) => ApiError::Network,
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => ApiError::BadRequest(m),
            ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Registration(_) => ApiError::Unavailable,
            _ => ApiError::Protocol,
        }
    }
}

/// Public facts about one commune (census data only: never counts of people followed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneFacts {
    pub insee: String,
    pub name: String,
    pub population: u32,
    pub area_km2: f64,
}

impl CommuneFacts {
    pub fn density(&self) -> f64 {
        if self.area_km2 > 0.0 { f64::from(self.population) / self.area_km2 } else { 0.0 }
    }
}

/// The territory page's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TerritoryFacts {
    pub population_year: u16,
    pub communes: Vec<CommuneFacts>,
}

impl TerritoryFacts {
    pub fn total_population(&self) -> u64 {
        self.communes.iter().map(|c| u64::from(c.population)).sum()
    }

    pub fn total_area_km2(&self) -> f64 {
        self.communes.iter().map(|c| c.area_km2).sum()
    }

    pub fn density(&self) -> f64 {
        let area = self.total_area_km2();
        if area > 0.0 { self.total_population() as f64 / area } else { 0.0 }
    }
}

/// The communes of the territory, sorted by name.
#[server(prefix = "/api/v1", endpoint = "territory", input = GetUrl)]
pub async fn territory() -> Result<TerritoryFacts, ApiError> {
    let ctx = crate::backend::server_context()?;
    let mut communes = ctx.store.communes().await.map_err(crate::backend::internal)?;
    communes.sort_by(|a, b| crate::backend::collate_fr(&a.name, &b.name));
    let population_year = communes.iter().map(|c| c.population_year).max().unwrap_or(0);
    Ok(TerritoryFacts {
        population_year,
        communes: communes
            .into_iter()
            .map(|c| CommuneFacts { insee: c.insee.to_string(), name: c.name, population: c.population, area_km2: c.area_km2 })
            .collect(),
    })
}

/// What the server says about itself when a device checks it can reach it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The build the server runs (`version+assets`).
    pub build: String,
    /// The server's clock, ms since the epoch: lets the phone notice a wrong clock.
    pub server_time_ms: i64,
}

#[server(prefix = "/api/v1", endpoint = "status")]
pub async fn server_status() -> Result<ServerInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    ctx.store.ping().await.map_err(crate::backend::internal)?;
    Ok(ServerInfo { build: ctx.build.label(), server_time_ms: crate::backend::now_ms() })
}
