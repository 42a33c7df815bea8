//! The people of an ambassador's scope: the list of residents and volunteers, and what their
//! forms need (the stored record as form fields, the communes and volunteers to choose from).
//! Saving goes through plain form posts (`/personnes/enregistrer`, `/benevoles/enregistrer`,
//! handled by the server with [`crate::people`]'s checks).

use super::ApiError;
use super::planning::Choice;
use crate::domain::{Date, ResidentId, Rhythm, VolunteerId, WeeklySlot};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Where a follow-up stands, for lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    Active,
    Paused,
    Ended,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentRow {
    pub id: ResidentId,
    pub name: String,
    pub commune: String,
    pub rhythm: Rhythm,
    pub isolation: u8,
    pub state: FollowUpState,
    pub volunteer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolunteerRow {
    pub id: VolunteerId,
    pub name: String,
    pub commune: String,
    pub has_car: bool,
    pub radius_km: f64,
    pub weekly_capacity: u8,
    pub availability: Vec<WeeklySlot>,
    pub active: bool,
    /// Residents whose usual volunteer this is (followed, not ended).
    pub residents: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeopleList {
    pub residents: Vec<ResidentRow>,
    pub volunteers: Vec<VolunteerRow>,
}

/// What a resident's form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResidentFormData {
    /// The stored record as form fields (`crate::people::resident_values`); empty for a new one.
    pub values: Vec<(String, String)>,
    /// The consent on record: day, how, who recorded it.
    pub consent: Option<(Date, crate::domain::ConsentMethod, String)>,
    /// The scope's communes (INSEE code, name).
    pub communes: Vec<(String, String)>,
    /// The scope's active volunteers (and the current one, even if inactive).
    pub volunteers: Vec<Choice>,
    /// The day the person withdrew their consent (their record is erased).
    pub withdrawn_on: Option<Date>,
}

/// What a volunteer's form needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VolunteerFormData {
    pub values: Vec<(String, String)>,
    /// Every commune of the territory (a volunteer may live outside the scope).
    pub all_communes: Vec<(String, String)>,
    /// The scope's communes, to accept besides the radius.
    pub scope_communes: Vec<(String, String)>,
}

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
    use super::*;
    use crate::auth::Role;
    use crate::backend::{auth, internal, server_context};
    use crate::domain::ScopeId;

    fn ambassador() -> Result<(crate::backend::ServerContext, auth::CurrentUser, ScopeId), ApiError> {
        let ctx = server_context()?;
        let me = auth::require(&[Role::Ambassador])?;
        let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
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
