//! Data protection and retention: consent withdrawal, the right of access, the purge.

use crate::StoreError;
use monalisa_core::domain::*;

/// Data protection and retention: consent withdrawal, the right of access, the purge.
#[async_trait::async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Records that a resident of the scope withdrew their consent, in one transaction: their
    /// personal data is erased (names, address, phone, notes and likes, preferred times, the
    /// notes of their reports; the position becomes the commune's centre), the follow-up ends
    /// and the pair with it, planned visits are cancelled and locks dropped. Phones drop the
    /// card and the notes at their next sync; the anonymous row stays for the indicators.
    /// `NotFound` outside the scope; `Conflict` when already withdrawn.
    async fn withdraw_consent(
        &self,
        scope: ScopeId,
        resident: ResidentId,
        centre: monalisa_core::domain::Location,
        today: Date,
    ) -> Result<(), StoreError>;
    /// A resident's binômes (the volunteer's name, first and last day), oldest first, for the
    /// record's timeline and the right of access.
    async fn resident_pairings(
        &self,
        resident: ResidentId,
    ) -> Result<Vec<monalisa_core::wire::dossier::DossierPairing>, StoreError>;
    /// A resident's visits and reports (with their concerns), oldest first, for the right of access.
    async fn resident_history(
        &self,
        resident: ResidentId,
    ) -> Result<
        (Vec<monalisa_core::wire::dossier::DossierVisit>, Vec<monalisa_core::wire::dossier::DossierReport>),
        StoreError,
    >;
    /// Residents to purge on `today`: follow-up ended (or consent withdrawn) and last contact
    /// (last report, end of the follow-up, consent) before `cutoff`, not purged yet, with no
    /// flagged report and no quarantined push about them waiting for review.
    async fn purge_candidates(&self, cutoff: Date) -> Result<Vec<ResidentId>, StoreError>;
    /// In one transaction: checks again that the resident is still to purge at `cutoff` (the
    /// rule of [`PrivacyStore::purge_candidates`]: a report received, a follow-up resumed or
    /// something to review since the list was made keeps the record), then erases their
    /// personal data as a consent withdrawal does (report notes, moods and durations too), their
    /// reviewed quarantine rows, marks the record purged and appends `audit`. `false`, with
    /// nothing changed, when the rule no longer holds. Phones drop whatever they still hold at
    /// their next sync.
    async fn purge_resident(
        &self,
        resident: ResidentId,
        cutoff: Date,
        today: Date,
        audit: &monalisa_core::wire::audit::AuditEntry,
    ) -> Result<bool, StoreError>;
    /// When a resident withdrew their consent, if they did.
    async fn consent_withdrawn_on(&self, resident: ResidentId) -> Result<Option<Date>, StoreError>;
}
