//! "Signalements" (ambassadors): the concerns volunteers raised at visits (a fall, food,
//! heating…), to acknowledge and then resolve, with who did what and when. The volunteer's
//! phone shows each concern's state at its next sync.

use super::ApiError;
use crate::domain::{ClientId, ConcernKind, ConcernStatus, Date, ResidentId, Timestamp};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A step of an ambassador's follow-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStep {
    Acknowledge,
    Resolve,
}

impl FollowUpStep {
    pub fn from_code(code: &str) -> Option<FollowUpStep> {
        match code {
            "acknowledge" => Some(FollowUpStep::Acknowledge),
            "resolve" => Some(FollowUpStep::Resolve),
            _ => None,
        }
    }
}

/// Who did a step, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub at: Timestamp,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConcernItem {
    pub report: ClientId,
    pub kind: ConcernKind,
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub volunteer_name: String,
    /// The day of the visit, as the volunteer recorded it.
    pub day: Date,
    pub status: ConcernStatus,
    pub raised_at: Timestamp,
    pub acknowledged: Option<Done>,
    pub resolved: Option<Done>,
}

/// The scope's concerns: open and acknowledged ones first (oldest first), then those resolved
/// in the last 60 days.
#[server(prefix = "/api/v1", endpoint = "concerns/list", input = Json)]
pub async fn list_concerns() -> Result<Vec<ConcernItem>, ApiError> {
    crate::backend::reply(list().await)
}

#[cfg(feature = "ssr")]
async fn list() -> Result<Vec<ConcernItem>, ApiError> {
    use crate::backend::{auth, internal, server_context};
    let ctx = server_context()?;
    let me = auth::require(&[crate::auth::Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    let since = Timestamp(crate::backend::now_ms() - 60 * 86_400_000);
    let items = ctx.store.concern_queue(scope, since).await.map_err(internal)?;
    let mut residents: Vec<ResidentId> = items.iter().map(|c| c.resident).collect();
    residents.dedup();
    for resident in residents {
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "concerns").await?;
    }
    Ok(items)
}
