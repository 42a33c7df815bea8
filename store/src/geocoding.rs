//! Homes located from their address by a geocoder, in the background: the queue an import
//! fills, leased out in batches to whichever server process asks, and settled one home at a
//! time.

use crate::StoreError;
use crate::records::*;
use monalisa_core::domain::*;

/// Homes located from their address by a geocoder, in the background.
#[async_trait::async_trait]
pub trait GeocodingStore: Send + Sync {
    /// Up to `limit` homes waiting to be located (oldest first) whose lease has run out at
    /// `now`, leased until `lease_until` (no other process is given them meanwhile), each
    /// counted as one more attempt.
    async fn claim_geocoding(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> Result<Vec<GeocodeTask>, StoreError>;
    /// What became of one home, with an audit line (the address went to the geocoder):
    /// `Found` moves the home there, only if it is still where it was when queued (a position
    /// an ambassador gave meanwhile wins: the task ends as `Superseded`); `Unavailable` puts
    /// it back in the queue until `retry_at`, or ends it as failed after `attempts_max`
    /// attempts. `NotFound` when the home is not in the queue.
    async fn settle_geocoding(
        &self,
        resident: ResidentId,
        outcome: GeocodeOutcome,
        attempts_max: u32,
        now: Timestamp,
    ) -> Result<GeocodeState, StoreError>;
    /// Where the homes an import queued stand.
    async fn geocoding_progress(&self, run: i64) -> Result<GeocodeProgress, StoreError>;
}
