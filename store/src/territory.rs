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
    /// Whether this process holds the lease `name`, taking it if it is free: a task that must
    /// run in one server process at a time (the daily purge, the alert rounds) runs only while
    /// its process holds the lease, which passes to another once the holder dies or closes its
    /// store. Asked again, the holder gets `true` as long as it still holds it.
    async fn hold_lease(&self, name: &str) -> Result<bool, StoreError>;
    async fn commune_name(&self, insee: &str) -> Result<Option<String>, StoreError>;
    async fn scope_of_commune(&self, insee: &str) -> Result<Option<ScopeId>, StoreError>;
    /// The scope's communes: (INSEE code, name), by name.
    async fn scope_communes(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError>;
    /// The outlines (GeoJSON geometries) of the scope's communes, for maps: (INSEE code,
    /// outline), by code.
    async fn scope_outlines(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError>;
    /// Every scope with its communes and ambassadors, by name.
    async fn scopes(&self) -> Result<Vec<ScopeSetup>, StoreError>;
    /// A new scope without communes; `Conflict("scope")` if the name is taken.
    async fn create_scope(&self, name: &str) -> Result<ScopeId, StoreError>;
    /// `NotFound` for an unknown scope, `Conflict("scope")` if the name is taken.
    async fn rename_scope(&self, scope: ScopeId, name: &str) -> Result<(), StoreError>;
    /// Puts the commune in scope `to`, if it is still in `from` (what the caller decided on,
    /// by [`monalisa_core::scope::assign`]); `Conflict("commune")` if it changed meanwhile,
    /// `NotFound` for an unknown commune or scope. What the previous scope's planning had
    /// left unserved there is forgotten; residents, visits and history stay as they are.
    async fn set_commune_scope(&self, insee: &str, from: Option<ScopeId>, to: ScopeId) -> Result<(), StoreError>;
    /// Every ambassador, by last name.
    async fn ambassadors(&self) -> Result<Vec<Ambassador>, StoreError>;
    /// `Invalid("scope")` for an unknown scope.
    async fn create_ambassador(&self, new: &NewAmbassador) -> Result<AmbassadorId, StoreError>;
    /// Attaches the ambassador to a scope, or detaches them (`None`). `NotFound` for an
    /// unknown ambassador, `Invalid("scope")` for an unknown scope.
    async fn set_ambassador_scope(&self, id: AmbassadorId, scope: Option<ScopeId>) -> Result<(), StoreError>;
    /// The binômes split between two scopes, by resident (follow-ups not ended).
    async fn split_pairs(&self) -> Result<Vec<SplitPair>, StoreError>;
    /// Moves a volunteer from scope `from` to `to` (a compare-and-set: `NotFound` when the
    /// volunteer is not in `from`, `Invalid("scope")` when `to` is `from` or no scope). Their
    /// history (rounds, visits, reports) and their binômes stay as they are (a binôme whose
    /// resident stays behind is then split, see [`split_pairs`](Self::split_pairs)); the
    /// accepted communes outside the new scope and the old scope's planning choices naming
    /// them are dropped.
    async fn move_volunteer(&self, volunteer: VolunteerId, from: ScopeId, to: ScopeId) -> Result<(), StoreError>;
}
