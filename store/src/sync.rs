//! Sync with the phones: applying pushes, the pull feed, what an ambassador reviews afterwards.

use crate::StoreError;
use crate::records::*;
use monalisa_core::auth::UserId;
use monalisa_core::domain::*;

/// Sync with the phones: applying pushes, the pull feed, what an ambassador reviews afterwards.
#[async_trait::async_trait]
pub trait SyncStore: Send + Sync {
    /// Applies a push in one transaction, durably committed before returning: each mutation at
    /// most once (a resend gets the first answer), a revoked device's into quarantine.
    async fn apply_push(
        &self,
        caller: &SyncCaller,
        request: &monalisa_core::sync::PushRequest,
        now: Timestamp,
    ) -> Result<Vec<monalisa_core::sync::Ack>, StoreError>;
    /// The next page of what `caller` may see, from `cursor` (`None`: a fresh phone, snapshot).
    async fn pull(
        &self,
        caller: &SyncCaller,
        cursor: Option<&monalisa_core::sync::Cursor>,
        limit: u32,
        today: Date,
    ) -> Result<PullPage, StoreError>;
    /// Reports flagged at sync, and pushes set aside in quarantine, for a scope's ambassador.
    async fn review_queue(&self, scope: ScopeId) -> Result<monalisa_core::wire::review::ReviewQueue, StoreError>;
    /// Marks an item of a scope's review list as reviewed by `by` at `now` (`NotFound` outside
    /// the scope or when there is no such item, `Conflict` when it was already reviewed).
    async fn mark_reviewed(
        &self,
        scope: ScopeId,
        item: &monalisa_core::wire::review::ReviewItem,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Brings a push a removed phone sent (quarantined, not reviewed, of `scope`) into the
    /// record as if the phone had sent it before its removal, and marks it reviewed by `by`:
    /// the answer it got (a report may be flagged). `NotFound` outside the scope; `Conflict`
    /// when already reviewed, or when it cannot enter the record (an unknown person, a refused
    /// report): then nothing changes.
    async fn release_quarantined(
        &self,
        scope: ScopeId,
        mutation: &monalisa_core::domain::ClientId,
        by: UserId,
        now: Timestamp,
    ) -> Result<monalisa_core::sync::AckStatus, StoreError>;
}
