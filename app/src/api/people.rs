//! The people of an ambassador's scope: the list of residents and volunteers, and what their
//! forms need (the stored record as form fields, the communes and volunteers to choose from).
//! Saving goes through plain form posts (`/personnes/enregistrer`, `/benevoles/enregistrer`,
//! handled by the server with [`crate::people`]'s checks).

pub use monalisa_core::wire::people::*;

use super::ApiError;

use crate::domain::{ResidentId, VolunteerId};

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "people/list", input = Json)]
pub async fn list_people() -> Result<PeopleList, ApiError> {
    crate::backend::reply(ssr::list().await)
}

#[server(prefix = "/api/v1", endpoint = "people/resident", input = Json)]
pub async fn resident_form(id: Option<ResidentId>) -> Result<ResidentFormData, ApiError> {
    crate::backend::reply(ssr::resident(id).await)
}

#[server(prefix = "/api/v1", endpoint = "people/volunteer", input = Json)]
pub async fn volunteer_form(id: Option<VolunteerId>) -> Result<VolunteerFormData, ApiError> {
    crate::backend::reply(ssr::volunteer(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::super::planning::Choice;
    use super::*;
    use crate::backend::{auth, internal, server_context};
    use crate::domain::ScopeId;

    fn ambassador() -> Result<(crate::backend::ServerContext, auth::CurrentUser, ScopeId), ApiError> {
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        Ok((ctx, me, scope))
    }

    pub(super) async fn list() -> Result<PeopleList, ApiError> {
        let (ctx, me, scope) = ambassador()?;
        let list = ctx.store.scope_people_list(scope).await.map_err(internal)?;
        auth::audit(&ctx, Some(&me), "resident.list", "scope", &scope.to_string(), "people").await?;
        Ok(list)
    }

    pub(super) async fn resident(id: Option<ResidentId>) -> Result<ResidentFormData, ApiError> {
        let (ctx, me, scope) = ambassador()?;
        let communes = ctx.store.scope_communes(scope).await.map_err(internal)?;
        let mut data = ResidentFormData {
            values: Vec::new(),
            consent: None,
            communes,
            volunteers: Vec::new(),
            withdrawn_on: None,
        };
        let mut current = None;
        if let Some(id) = id {
            let r = ctx.store.resident(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
            if !data.communes.iter().any(|(code, _)| code == r.commune.as_str()) {
                return Err(ApiError::NotFound);
            }
            let by = ctx.store.ambassador(r.consent.recorded_by).await.map_err(internal)?;
            let by = by.map(|a| format!("{} {}", a.first_name, a.last_name)).unwrap_or_default();
            data.consent = Some((r.consent.given_on, r.consent.method, by));
            data.withdrawn_on = ctx.store.consent_withdrawn_on(id).await.map_err(internal)?;
            if data.withdrawn_on.is_some() {
                return Ok(data);
            }
            data.values = crate::people::resident_values(&r);
            current = r.volunteer;
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &id.to_string(), "form").await?;
        }
        let volunteers = ctx.store.scope_people_list(scope).await.map_err(internal)?.volunteers;
        data.volunteers = volunteers
            .into_iter()
            .filter(|v| v.active || Some(v.id) == current)
            .map(|v| Choice { id: v.id.0, name: v.name })
            .collect();
        Ok(data)
    }

    pub(super) async fn volunteer(id: Option<VolunteerId>) -> Result<VolunteerFormData, ApiError> {
        let (ctx, me, scope) = ambassador()?;
        let mut values = Vec::new();
        if let Some(id) = id {
            let v = ctx.store.volunteer(id).await.map_err(internal)?.filter(|v| v.scope == scope);
            let v = v.ok_or(ApiError::NotFound)?;
            values = crate::people::volunteer_values(&v);
            auth::audit(&ctx, Some(&me), "volunteer.read", "volunteer", &id.to_string(), "form").await?;
        }
        let all_communes = ctx.store.communes().await.map_err(internal)?;
        Ok(VolunteerFormData {
            values,
            all_communes: all_communes.into_iter().map(|c| (c.insee.as_str().to_owned(), c.name)).collect(),
            scope_communes: ctx.store.scope_communes(scope).await.map_err(internal)?,
        })
    }
}
