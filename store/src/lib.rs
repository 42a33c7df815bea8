//! Monalisa Visites storage: the traits the server's functions call, split by area, and the
//! records they take and return. No SQL here: each backend (`monalisa-store-sql`, on
//! SQLite and PostgreSQL) implements every trait, and the story suite (`monalisa-store-stories`) holds them all to
//! the same contract.

pub mod accounts;
pub mod alerts;
pub mod coverage;
pub mod geocoding;
pub mod people;
pub mod planning;
pub mod privacy;
pub mod records;
pub mod sync;
pub mod territory;

pub use accounts::AccountStore;
pub use alerts::AlertStore;
pub use coverage::CoverageStore;
pub use geocoding::GeocodingStore;
pub use people::PeopleStore;
pub use planning::PlanningStore;
pub use privacy::PrivacyStore;
pub use records::*;
pub use sync::SyncStore;
pub use territory::TerritoryStore;

/// Every area of storage: what the server holds as `Arc<dyn Store>`. Implemented for any type
/// that implements each area's trait.
pub trait Store:
    TerritoryStore
    + AccountStore
    + SyncStore
    + PeopleStore
    + PlanningStore
    + PrivacyStore
    + CoverageStore
    + AlertStore
    + GeocodingStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: TerritoryStore
        + AccountStore
        + SyncStore
        + PeopleStore
        + PlanningStore
        + PrivacyStore
        + CoverageStore
        + AlertStore
        + GeocodingStore
        + Send
        + Sync
        + 'static
{
}

/// What a caller can do something about: a missing record, a conflict with an existing one,
/// invalid data; or anything else (logged with its cause, reported as "unavailable").
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    /// A failure of the storage itself, with its cause kept as the error's source.
    #[error("storage failure: {0}")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl StoreError {
    /// A storage failure caused by `e` (a driver error, a task that died...).
    pub fn other(e: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> StoreError {
        StoreError::Other(e.into())
    }
}
