//! The sync endpoints (`/api/sync/v1/push`, `/api/sync/v1/pull`): see `crate::sync` for the
//! protocol. Volunteers only; a revoked device may push (into quarantine) but not pull.

use super::ApiError;
use crate::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api/sync/v1", endpoint = "push", input = Json)]
pub async fn sync_push(request: PushRequest) -> Result<PushResponse, ApiError> {
    crate::backend::reply(ssr::push(&request).await)
}

#[server(prefix = "/api/sync/v1", endpoint = "pull", input = Json)]
pub async fn sync_pull(request: PullRequest) -> Result<PullResponse, ApiError> {
    crate::backend::reply(ssr::pull(&request).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{server_context, sync};

    pub async fn push(request: &PushRequest) -> Result<PushResponse, ApiError> {
        sync::push(&server_context()?, request).await
    }

    pub async fn pull(request: &PullRequest) -> Result<PullResponse, ApiError> {
        sync::pull(&server_context()?, request).await
    }
}
