//! The audit trail: who read or changed what, from which device, when. Entries reference
//! objects by kind and id and never copy personal data. Admins browse and filter it.

pub use monalisa_core::wire::audit::*;

use super::ApiError;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

/// Most recent first, at most 200 per page.
#[server(prefix = "/api/v1", endpoint = "audit/list", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
    crate::backend::reply(ssr::list(filter).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;

    pub async fn list(mut filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
        let ctx = crate::backend::server_context()?;
        crate::backend::auth::require(&[crate::auth::Role::Admin])?;
        if let Some(kind) = &filter.object_kind {
            if !OBJECT_KINDS.contains(&kind.as_str()) {
                return Err(ApiError::invalid("object_kind", "format"));
            }
        }
        filter.limit = filter.limit.clamp(1, 200);
        ctx.store.audit_entries(&filter).await.map_err(crate::backend::internal)
    }
}
