//! The territory and the store itself: health, secrets, communes, scopes, whole populations.

use crate::StoreError;
use crate::records::*;
use monalisa_core::domain::*;

/// The territory and the store itself: health, secrets, communes, scopes, whole populations.
#[async_trait::async_trait]
pub trait TerritoryStore: Send + Sync {
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// The server secret named `name`: stored as `fresh` on first use, the stored one after.
    async fn secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Loads the territory's communes if the store has none; returns how many were added.
    async fn ensure_communes(&self, communes: &[CommuneRecord]) -> Result<usize, StoreError>;
    async fn communes(&self) -> Result<Vec<Commune>, StoreError>;
    async fn counts(&self) -> Result<StoreCounts, StoreError>;
    /// Imports a population in one transaction: all of it or nothing.
    async fn import_population(&self, population: &Population) -> Result<(), StoreError>;
    /// Closes connections cleanly (graceful shutdown).
    async fn close(&self);
    async fn commune_name(&self, insee: &str) -> Result<Option<String>, StoreError>;
    async fn scope_of_commune(&self, insee: &str) -> Result<Option<ScopeId>, StoreError>;
    /// The scope's communes: (INSEE code, name), by name.
    async fn scope_communes(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError>;
    /// The outlines (GeoJSON geometries) of the scope's communes, for maps.
    async fn scope_outlines(&self, scope: ScopeId) -> Result<Vec<String>, StoreError>;
}
