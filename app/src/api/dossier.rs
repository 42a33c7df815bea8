//! The right of access (GDPR art. 15): everything held on one resident, for the ambassador of
//! their scope to hand over — as JSON (`/personnes/dossier.json`) and as a readable French page
//! (`/personnes/dossier`). Every export is in the audit trail.

use super::ApiError;
use crate::api::audit::AuditEntry;
use crate::domain::{ConcernKind, ConcernStatus, Date, Minute, Outcome, Resident, ResidentId, Timestamp};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
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

#[server(prefix = "/api/v1", endpoint = "people/dossier", input = Json)]
pub async fn resident_dossier(id: ResidentId) -> Result<Dossier, ApiError> {
    crate::backend::reply(ssr::dossier(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{auth, internal, server_context};

    /// The dossier of a resident of the caller's scope (an ambassador); `NotFound` otherwise.
    pub async fn dossier(id: ResidentId) -> Result<Dossier, ApiError> {
        let ctx = server_context()?;
        let me = auth::require(&[crate::auth::Role::Ambassador])?;
        dossier_for(&ctx, &me, id).await
    }

    pub async fn dossier_for(
        ctx: &crate::backend::ServerContext,
        me: &auth::CurrentUser,
        id: ResidentId,
    ) -> Result<Dossier, ApiError> {
        let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
        let resident = ctx.store.resident(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        if ctx.store.scope_of_commune(resident.commune.as_str()).await.map_err(internal)? != Some(scope) {
            return Err(ApiError::NotFound);
        }
        let (visits, reports) = ctx.store.resident_history(id).await.map_err(internal)?;
        let by = ctx.store.ambassador(resident.consent.recorded_by).await.map_err(internal)?;
        let usual = match resident.volunteer {
            Some(v) => {
                ctx.store.volunteer(v).await.map_err(internal)?.map(|v| format!("{} {}", v.first_name, v.last_name))
            }
            None => None,
        };
        let filter = crate::api::audit::AuditFilter {
            object_kind: Some("resident".into()),
            object_id: Some(id.to_string()),
            limit: 10_000,
            ..Default::default()
        };
        let audit = ctx.store.audit_entries(&filter).await.map_err(internal)?;
        auth::audit(ctx, Some(me), "resident.export", "resident", &id.to_string(), "right of access").await?;
        Ok(Dossier {
            produced_at: Timestamp(crate::backend::now_ms()),
            commune_name: ctx
                .store
                .commune_name(resident.commune.as_str())
                .await
                .map_err(internal)?
                .unwrap_or_default(),
            consent_recorded_by: by.map(|a| format!("{} {}", a.first_name, a.last_name)).unwrap_or_default(),
            usual_volunteer: usual,
            resident,
            visits,
            reports,
            audit,
        })
    }
}
