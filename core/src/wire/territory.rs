//! The territory page's public facts, and what the server says about itself.

use serde::{Deserialize, Serialize};

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
    /// No account exists yet: the page says how to create the first admin.
    #[serde(default)]
    pub first_start: bool,
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

/// What the server says about itself when a device checks it can reach it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The build the server runs (`version+assets`).
    pub build: String,
    /// The server's clock, ms since the epoch: lets the phone notice a wrong clock.
    pub server_time_ms: i64,
}
