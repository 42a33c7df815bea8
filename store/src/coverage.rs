//! The coordinators' indicators: what the plans left out, the territory's history without names.

use crate::StoreError;
use crate::records::*;
use monalisa_core::domain::*;

/// The coordinators' indicators: what the plans left out, the territory's history without names.
#[async_trait::async_trait]
pub trait CoverageStore: Send + Sync {
    /// Records the residents a scope's just-published plan left out (replacing the last ones).
    async fn record_unserved(
        &self,
        scope: ScopeId,
        week_start: Date,
        unserved: &[(ResidentId, monalisa_core::wire::planning::UnservedReason)],
    ) -> Result<(), StoreError>;
    /// Everything the coverage view is computed from, for the whole territory (no names).
    async fn coverage_data(&self) -> Result<CoverageData, StoreError>;
}
