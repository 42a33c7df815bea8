//! The right of access (GDPR art. 15): everything held on one resident, for the ambassador of
//! their scope to hand over — as JSON (`/personnes/dossier.json`) and as a readable French page
//! (`/personnes/dossier`). Every export is in the audit trail.

use crate::wire::audit::AuditEntry;

use crate::domain::{ConcernKind, ConcernStatus, Date, Minute, Outcome, Resident, Timestamp};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierVisit {
    pub day: Date,
    pub start: Minute,
    /// `planned`, `cancelled` or `reported`.
    pub status: String,
    pub volunteer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierConcern {
    pub kind: ConcernKind,
    pub status: ConcernStatus,
    pub raised_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DossierReport {
    pub day: Date,
    pub outcome: Outcome,
    pub duration_minutes: Option<u16>,
    pub mood: Option<u8>,
    pub note: String,
    pub volunteer: String,
    pub recorded_at: Timestamp,
    pub received_at: Timestamp,
    pub concerns: Vec<DossierConcern>,
    /// Sent by a removed phone and set aside for review ("À vérifier"), not in the record: its
    /// concerns were never raised.
    pub set_aside: bool,
}

/// Everything held on one resident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub produced_at: Timestamp,
    pub resident: Resident,
    pub commune_name: String,
    pub consent_recorded_by: String,
    pub usual_volunteer: Option<String>,
    pub visits: Vec<DossierVisit>,
    pub reports: Vec<DossierReport>,
    /// Who read or changed the record, and when.
    pub audit: Vec<AuditEntry>,
}
