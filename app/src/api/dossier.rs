//! The right of access (GDPR art. 15): everything held on one resident, for the ambassador of
//! their scope to hand over — as JSON (`/personnes/dossier.json`) and as a readable French page
//! (`/personnes/dossier`). Every export is in the audit trail.

pub use monalisa_core::wire::dossier::*;

use super::ApiError;

use crate::domain::ResidentId;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "people/dossier", input = Json)]
pub async fn resident_dossier(id: ResidentId) -> Result<Dossier, ApiError> {
    crate::backend::reply(ssr::dossier(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{auth, internal, server_context};
    use crate::domain::Timestamp;

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
        let pairings = ctx.store.resident_pairings(id).await.map_err(internal)?;
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
            pairings,
            audit,
        })
    }
}
