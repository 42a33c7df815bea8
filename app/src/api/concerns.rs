//! "Signalements" (ambassadors): the concerns volunteers raised at visits (a fall, food,
//! heating…), to acknowledge and then resolve, with who did what and when. The volunteer's
//! phone shows each concern's state at its next sync.

pub use monalisa_core::wire::concerns::*;

use super::ApiError;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

/// The scope's concerns: open and acknowledged ones first (oldest first), then those resolved
/// in the last 60 days.
#[server(prefix = "/api/v1", endpoint = "concerns/list", input = Json)]
pub async fn list_concerns() -> Result<Vec<ConcernItem>, ApiError> {
    crate::backend::reply(ssr::list().await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::{ResidentId, Timestamp};

    pub async fn list() -> Result<Vec<ConcernItem>, ApiError> {
        use crate::backend::{auth, internal, server_context};
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        let since = Timestamp(crate::backend::now_ms() - 60 * 86_400_000);
        let items = ctx.store.concern_queue(scope, since).await.map_err(internal)?;
        let mut residents: Vec<ResidentId> = items.iter().map(|c| c.resident).collect();
        residents.dedup();
        for resident in residents {
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "concerns").await?;
        }
        Ok(items)
    }
}
