//! The sync endpoints (`/api/sync/v1/push`, `/api/sync/v1/pull`): see `crate::sync` for the
//! protocol. Volunteers only; a revoked device may push (into quarantine) but not pull.

use super::ApiError;
use crate::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api/sync/v1", endpoint = "push", input = Json)]
pub async fn sync_push(request: PushRequest) -> Result<PushResponse, ApiError> {
    let ctx = crate::backend::server_context()?;
    crate::backend::reply(crate::backend::sync::push(&ctx, &request).await)
}

#[server(prefix = "/api/sync/v1", endpoint = "pull", input = Json)]
pub async fn sync_pull(request: PullRequest) -> Result<PullResponse, ApiError> {
    let ctx = crate::backend::server_context()?;
    crate::backend::reply(crate::backend::sync::pull(&ctx, &request).await)
}
