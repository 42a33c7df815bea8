//! What an ambassador must look at after syncs: reports kept but flagged (the visit had been
//! reassigned or cancelled meanwhile, or the resident is not the volunteer's), and pushes from
//! revoked devices set aside in quarantine. Nothing recorded is dropped; it waits here.

use super::ApiError;
use crate::domain::{ClientId, Date, Outcome, ResidentId, Timestamp};
use crate::sync::Flag;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedReport {
    pub report: ClientId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    pub day: Date,
    pub outcome: Outcome,
    pub flag: Flag,
    pub received_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinedPush {
    pub mutation: ClientId,
    pub volunteer_name: String,
    /// `device_revoked` or `unknown_resident`.
    pub reason: String,
    pub received_at: Timestamp,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub flagged: Vec<FlaggedReport>,
    pub quarantined: Vec<QuarantinedPush>,
}

#[server(prefix = "/api/v1", endpoint = "review/list", input = Json)]
pub async fn list_review() -> Result<ReviewQueue, ApiError> {
    crate::backend::reply(list().await)
}

#[cfg(feature = "ssr")]
async fn list() -> Result<ReviewQueue, ApiError> {
    use crate::backend::{auth, internal, server_context};
    let ctx = server_context()?;
    let me = auth::require(&[crate::auth::Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    let queue = ctx.store.review_queue(scope).await.map_err(internal)?;
    for f in &queue.flagged {
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &f.resident.to_string(), "review").await?;
    }
    Ok(queue)
}
