//! Concerns raised at visits: their follow-up by ambassadors, and the e-mail alerts about them.

use crate::StoreError;
use crate::records::*;
use monalisa_core::auth::UserId;
use monalisa_core::domain::*;

/// Concerns raised at visits: their follow-up by ambassadors, and the e-mail alerts about them.
#[async_trait::async_trait]
pub trait AlertStore: Send + Sync {
    /// The scope's concerns: not yet resolved ones, and those resolved since `resolved_since`.
    async fn concern_queue(
        &self,
        scope: ScopeId,
        resolved_since: Timestamp,
    ) -> Result<Vec<monalisa_core::wire::concerns::ConcernItem>, StoreError>;
    /// Acknowledges or resolves a concern of the scope (`NotFound` outside it, `Conflict` when
    /// the step was already done). Resolving an unacknowledged concern acknowledges it too.
    async fn follow_concern(
        &self,
        scope: ScopeId,
        report: &monalisa_core::domain::ClientId,
        kind: monalisa_core::domain::ConcernKind,
        step: monalisa_core::wire::concerns::FollowUpStep,
        by: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// New concerns raised since `raised_since` whose scope's ambassadors have not been told
    /// yet, each with the addresses of the scope's ambassadors (only those with someone to tell).
    async fn concerns_to_announce(&self, raised_since: Timestamp) -> Result<Vec<ConcernAlert>, StoreError>;
    /// Concerns still open (nobody took them in hand) raised before `raised_before`, not yet
    /// escalated, each with the coordinators' addresses (only if there is one).
    async fn concerns_to_escalate(&self, raised_before: Timestamp) -> Result<Vec<ConcernAlert>, StoreError>;
    /// Visits declined since `received_since` whose scope's ambassadors have not been told yet,
    /// each with their addresses (only those with someone to tell).
    async fn declines_to_announce(&self, received_since: Timestamp) -> Result<Vec<DeclineAlert>, StoreError>;
    /// Records that a declined visit was mailed.
    async fn mark_decline_alerted(&self, decline: &str, at: Timestamp) -> Result<(), StoreError>;
    /// Records that an alert was sent: to the ambassadors, or (`escalation`) to the coordinators.
    async fn mark_concern_alerted(
        &self,
        report: &monalisa_core::domain::ClientId,
        kind: monalisa_core::domain::ConcernKind,
        escalation: bool,
        at: Timestamp,
    ) -> Result<(), StoreError>;
}
