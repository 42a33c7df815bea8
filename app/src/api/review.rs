//! What an ambassador must look at after syncs: reports kept but flagged (the visit had been
//! reassigned or cancelled meanwhile, or the resident is not the volunteer's), and pushes from
//! revoked devices set aside in quarantine. Nothing recorded is dropped; it waits here until the
//! ambassador marks it reviewed (who and when are kept), which also lets the retention purge
//! take the resident's record when its time comes.

pub use monalisa_core::wire::review::*;

use super::ApiError;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "review/list", input = Json)]
pub async fn list_review() -> Result<ReviewQueue, ApiError> {
    crate::backend::reply(ssr::list().await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;

    pub async fn list() -> Result<ReviewQueue, ApiError> {
        use crate::backend::{auth, internal, server_context};
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        let queue = ctx.store.review_queue(scope).await.map_err(internal)?;
        let shown = queue.quarantined.iter().filter_map(|q| match &q.content {
            PushContent::Report { resident, resident_name: Some(_), .. } => Some(*resident),
            _ => None,
        });
        for resident in queue.flagged.iter().map(|f| f.resident).chain(shown) {
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "review").await?;
        }
        Ok(queue)
    }
}
