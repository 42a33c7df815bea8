//! A resident's card: what a volunteer needs at the door, and no more (no isolation level,
//! no consent record, no other volunteer). Ambassadors read the same card for their scope.

pub use monalisa_core::wire::residents::*;

use super::ApiError;

use crate::domain::ResidentId;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

/// The card of a resident the caller follows (volunteer: their own residents; ambassador:
/// residents of their scope). Anything else is "not found". Every read is in the audit trail.
#[server(prefix = "/api/v1", endpoint = "residents/card", input = Json)]
pub async fn get_resident_card(id: ResidentId) -> Result<ResidentCard, ApiError> {
    crate::backend::reply(ssr::card(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;

    pub async fn card(id: ResidentId) -> Result<ResidentCard, ApiError> {
        use crate::auth::Role;
        use crate::backend::{auth, internal};
        let ctx = crate::backend::server_context()?;
        let me = auth::require(&[Role::Volunteer, Role::Ambassador])?;
        let resident = ctx.store.resident(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        let allowed = match me.role() {
            Role::Volunteer => me.user.volunteer.is_some() && resident.volunteer == me.user.volunteer,
            Role::Ambassador => {
                let scope = ctx.store.scope_of_commune(resident.commune.as_str()).await.map_err(internal)?;
                monalisa_core::scope::same(scope, me.user.scope)
            }
            _ => false,
        };
        if !allowed {
            return Err(ApiError::NotFound);
        }
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &id.to_string(), "card").await?;
        let last = ctx.store.last_contact(id).await.map_err(internal)?;
        let commune = ctx.store.communes().await.map_err(internal)?.into_iter().find(|c| c.insee == resident.commune);
        let approximate = crate::planning::approximate_home(&resident, commune.as_ref().map(|c| c.centre));
        let commune_name = commune.map(|c| c.name).unwrap_or_default();
        Ok(ResidentCard {
            id,
            next_due: crate::domain::rules::next_due(
                resident.rhythm,
                resident.follow_up_start,
                last.and_then(|l| l.last_done),
            ),
            last_visit: last.map(|l| LastVisit { day: l.day, outcome: l.outcome }),
            first_name: resident.first_name,
            last_name: resident.last_name,
            address: resident.address,
            commune_name,
            phone: resident.phone,
            home: resident.home,
            approximate,
            access_notes: resident.access_notes,
            likes: resident.likes,
            rhythm: resident.rhythm,
        })
    }
}
