//! The audit trail: who read or changed what, from which device, when. Entries reference
//! objects by kind and id and never copy personal data. Admins browse and filter it.

use super::ApiError;
use crate::auth::{DeviceId, UserId};
use crate::domain::{Date, Timestamp};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// The actor's login, joined when reading (not stored in the entry).
    pub actor_login: Option<String>,
    pub device: Option<DeviceId>,
    /// What happened: `resident.read`, `account.create`, `device.revoke`, ...
    pub action: String,
    /// `resident`, `visit`, `report`, `account`, `device`.
    pub object_kind: String,
    pub object_id: String,
    /// A short, non-personal detail (a role, a purpose, the kind of read).
    pub detail: String,
}

/// Object kinds an entry can be about (for the filter).
pub const OBJECT_KINDS: &[&str] =
    &["resident", "visit", "report", "account", "device", "volunteer", "scope", "territory"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<UserId>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// First day included (UTC).
    pub since: Option<Date>,
    /// Last day included (UTC).
    pub until: Option<Date>,
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Most recent first, at most 200 per page.
#[server(prefix = "/api/v1", endpoint = "audit/list", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
    crate::backend::reply(list(filter).await)
}

#[cfg(feature = "ssr")]
async fn list(mut filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
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
