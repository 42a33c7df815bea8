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

/// A volunteer's handover: the people they follow, and who could take each over.
#[server(prefix = "/api/v1", endpoint = "people/handover", input = Json)]
pub async fn handover_form(id: VolunteerId) -> Result<HandoverView, ApiError> {
    crate::backend::reply(ssr::handover(id).await)
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
        let mut list = ctx.store.scope_people_list(scope).await.map_err(internal)?;
        list.split = split_rows(&ctx, scope, &list).await?;
        auth::audit(&ctx, Some(&me), "resident.list", "scope", &scope.to_string(), "people").await?;
        Ok(list)
    }

    /// The binômes split between `scope` and another, as this scope's ambassador sees them.
    async fn split_rows(
        ctx: &crate::backend::ServerContext,
        scope: ScopeId,
        list: &PeopleList,
    ) -> Result<Vec<SplitRow>, ApiError> {
        let pairs = ctx.store.split_pairs().await.map_err(internal)?;
        let pairs: Vec<_> =
            pairs.into_iter().filter(|p| p.resident_scope == Some(scope) || p.volunteer_scope == scope).collect();
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let scopes = ctx.store.scopes().await.map_err(internal)?;
        let communes = ctx.store.communes().await.map_err(internal)?;
        let scope_name = |s: Option<ScopeId>| {
            s.and_then(|s| scopes.iter().find(|x| x.id == s)).map(|x| x.name.clone()).unwrap_or_default()
        };
        let mut rows = Vec::new();
        for p in pairs {
            let mine = p.resident_scope == Some(scope);
            let resident = list.residents.iter().find(|r| r.id == p.resident && mine).map(|r| (r.id, r.name.clone()));
            let volunteer_name = match list.volunteers.iter().find(|v| v.id == p.volunteer) {
                Some(v) => v.name.clone(),
                None => ctx
                    .store
                    .volunteer(p.volunteer)
                    .await
                    .map_err(internal)?
                    .map(|v| format!("{} {}", v.first_name, v.last_name))
                    .unwrap_or_default(),
            };
            rows.push(SplitRow {
                resident,
                volunteer: (p.volunteer, volunteer_name),
                commune: communes
                    .iter()
                    .find(|c| c.insee.as_str() == p.commune)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                other_scope: scope_name(if mine { Some(p.volunteer_scope) } else { p.resident_scope }),
            });
        }
        Ok(rows)
    }

    /// Moves a volunteer of the ambassador's scope to another scope (their history and binômes
    /// stay; the binômes left behind show as split on both ambassadors' pages).
    pub async fn move_volunteer(
        ctx: &crate::backend::ServerContext,
        me: Option<&auth::CurrentUser>,
        from: ScopeId,
        volunteer: VolunteerId,
        to: ScopeId,
    ) -> Result<(), ApiError> {
        match ctx.store.move_volunteer(volunteer, from, to).await {
            Ok(()) => {}
            Err(crate::backend::StoreError::Invalid(_)) => return Err(ApiError::invalid("secteur", "unknown")),
            Err(e) => return Err(internal(e)),
        }
        auth::audit(ctx, me, "volunteer.move", "volunteer", &volunteer.to_string(), &format!("scope {from} -> {to}"))
            .await
    }

    pub(super) async fn handover(id: VolunteerId) -> Result<HandoverView, ApiError> {
        let (ctx, me, scope) = ambassador()?;
        let records = ctx.store.import_records(scope).await.map_err(internal)?;
        let volunteers: Vec<_> = records.volunteers.into_iter().map(|(v, _)| v).collect();
        let residents: Vec<_> =
            records.residents.into_iter().filter(|(_, _, w)| w.is_none()).map(|(r, ..)| r).collect();
        let leaving = volunteers.iter().find(|v| v.id == id).ok_or(ApiError::NotFound)?;
        let communes = ctx.store.scope_communes(scope).await.map_err(internal)?;
        let name_of = |v: VolunteerId| {
            volunteers
                .iter()
                .find(|x| x.id == v)
                .map(|x| format!("{} {}", x.first_name, x.last_name))
                .unwrap_or_default()
        };
        let mut rows: Vec<HandoverRow> = residents
            .iter()
            .filter(|r| r.volunteer == Some(id) && !matches!(r.follow_up, crate::domain::FollowUp::Ended { .. }))
            .map(|r| HandoverRow {
                resident: r.id,
                name: format!("{} {}", r.first_name, r.last_name),
                commune: communes
                    .iter()
                    .find(|(c, _)| c == r.commune.as_str())
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                rhythm: r.rhythm,
                candidates: monalisa_core::handover::candidates(r, id, &volunteers, &residents)
                    .into_iter()
                    .map(|c| (c.volunteer, name_of(c.volunteer), c.distance_km, c.spare))
                    .collect(),
            })
            .collect();
        rows.sort_by(|a, b| crate::backend::collate_fr(&a.name, &b.name));
        auth::audit(
            &ctx,
            Some(&me),
            "volunteer.handover_read",
            "volunteer",
            &id.to_string(),
            &format!("{} residents", rows.len()),
        )
        .await?;
        Ok(HandoverView {
            volunteer: id,
            name: format!("{} {}", leaving.first_name, leaving.last_name),
            active: leaving.active,
            residents: rows,
        })
    }

    /// Hands a volunteer's residents over as the ambassador chose, then (`deactivate`) makes
    /// them inactive; audited per resident.
    pub async fn hand_over(
        ctx: &crate::backend::ServerContext,
        me: &auth::CurrentUser,
        scope: ScopeId,
        volunteer: VolunteerId,
        to: &[(ResidentId, Option<VolunteerId>)],
        deactivate: bool,
    ) -> Result<(), ApiError> {
        match ctx.store.hand_over(scope, volunteer, to, deactivate).await {
            Ok(()) => {}
            Err(crate::backend::StoreError::Invalid(_)) => {
                return Err(ApiError::invalid("benevole", "not_a_successor"));
            }
            Err(crate::backend::StoreError::Conflict(why)) => return Err(ApiError::Conflict(why)),
            Err(e) => return Err(internal(e)),
        }
        for (resident, next) in to {
            let detail = format!("from {volunteer} to {}", next.map_or_else(|| "nobody".to_owned(), |v| v.to_string()));
            auth::audit(ctx, Some(me), "resident.handover", "resident", &resident.to_string(), &detail).await?;
        }
        if deactivate {
            auth::audit(ctx, Some(me), "volunteer.deactivate", "volunteer", &volunteer.to_string(), "handover").await?;
        }
        Ok(())
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
            visits: Vec::new(),
            reports: Vec::new(),
            pairings: Vec::new(),
            approximate_position: false,
            home_map: None,
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
            (data.visits, data.reports) = ctx.store.resident_history(id).await.map_err(internal)?;
            data.pairings = ctx.store.resident_pairings(id).await.map_err(internal)?;
            let centre = ctx.store.communes().await.map_err(internal)?.into_iter().find(|c| c.insee == r.commune);
            data.approximate_position = crate::planning::approximate_home(&r, centre.map(|c| c.centre));
            let outlines = ctx.store.scope_outlines(scope).await.map_err(internal)?;
            data.home_map = outlines
                .iter()
                .find(|(code, _)| code == r.commune.as_str())
                .map(|(_, outline)| crate::planning::HomeMap::new(outline).view(r.home));
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &id.to_string(), "form and timeline").await?;
        }
        let volunteers = ctx.store.scope_people_list(scope).await.map_err(internal)?.volunteers;
        data.volunteers = volunteers
            .into_iter()
            .filter(|v| v.not_planned.is_none() || Some(v.id) == current)
            .map(|v| Choice { id: v.id.0, name: v.name })
            .collect();
        Ok(data)
    }

    pub(super) async fn volunteer(id: Option<VolunteerId>) -> Result<VolunteerFormData, ApiError> {
        let (ctx, me, scope) = ambassador()?;
        let mut values = Vec::new();
        let mut other_scopes = Vec::new();
        let mut absences = Vec::new();
        if let Some(id) = id {
            let v = ctx.store.volunteer(id).await.map_err(internal)?.filter(|v| v.scope == scope);
            let v = v.ok_or(ApiError::NotFound)?;
            values = crate::people::volunteer_values(&v);
            absences = v.absences.clone();
            let scopes = ctx.store.scopes().await.map_err(internal)?;
            other_scopes = scopes.into_iter().filter(|s| s.id != scope).map(|s| (s.id.0, s.name)).collect();
            auth::audit(&ctx, Some(&me), "volunteer.read", "volunteer", &id.to_string(), "form").await?;
        }
        let all_communes = ctx.store.communes().await.map_err(internal)?;
        Ok(VolunteerFormData {
            values,
            all_communes: all_communes.into_iter().map(|c| (c.insee.as_str().to_owned(), c.name)).collect(),
            scope_communes: ctx.store.scope_communes(scope).await.map_err(internal)?,
            other_scopes,
            absences,
        })
    }
}
