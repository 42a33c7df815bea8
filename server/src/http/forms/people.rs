//! The people forms' posts: a resident or a volunteer saved, a consent withdrawn; a refused
//! form comes back with what was typed.

use crate::http::error::AppError;
use crate::http::extract::{Ambassador, Form, form_fields};
use crate::http::prelude::*;
use crate::http::state::{AppState, provide_request_context};

/// A refused form goes back to its page (`page`), rendered again from the post with what was
/// typed and the error, as a 422: nothing typed is lost, nothing personal goes into a URL.
pub(crate) async fn form_again(
    state: &AppState,
    parts: &axum::http::request::Parts,
    page: &str,
    fields: monalisa_app::people::Fields,
    error: monalisa_app::people::FieldError,
) -> Response {
    page_again(state, parts, page, monalisa_app::people::SubmittedForm { fields, error }).await
}

/// A page (`page`) rendered for a refused post, with `value` in its context (what the page
/// shows about the refusal), as a 422.
pub(crate) async fn page_again<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    parts: &axum::http::request::Parts,
    page: &str,
    value: T,
) -> Response {
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_request_context(&ctx);
            provide_context(value.clone());
        },
        move || shell(leptos.clone()),
    );
    let mut req = Request::new(Body::empty());
    *req.uri_mut() = page.parse().unwrap_or_default();
    *req.headers_mut() = parts.headers.clone();
    *req.extensions_mut() = parts.extensions.clone();
    let mut res = render(req).await;
    *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// The people page's search: the page again with only what the posted filter keeps (posted
/// because it may hold a name, which never goes into a URL).
pub(crate) async fn search_people(
    State(state): State<AppState>,
    _caller: Ambassador,
    req: Request<Body>,
) -> Result<Response, AppError> {
    let (parts, fields) = form_fields(req).await?;
    let filter = monalisa_app::people::PeopleFilter::from_fields(&fields);
    let mut res = page_again(&state, &parts, "/personnes", filter).await;
    *res.status_mut() = StatusCode::OK;
    Ok(res)
}

/// Where a person lives: the position typed, which must be inside the chosen commune, or the
/// commune's centre.
pub(crate) fn home_in(
    shapes: &[crate::territory::CommuneShape],
    commune: &monalisa_app::domain::InseeCode,
    position: Option<monalisa_app::domain::Location>,
) -> Result<monalisa_app::domain::Location, monalisa_app::people::Reason> {
    use monalisa_app::people::Reason;
    let shape = shapes.iter().find(|s| &s.commune.insee == commune).ok_or(Reason::Invalid)?;
    match position {
        None => Ok(shape.commune.centre),
        Some(p) if shape.contains(&p) => Ok(p),
        Some(_) => Err(Reason::OutsideCommune),
    }
}

pub(crate) fn field_error(field: &str, reason: monalisa_app::people::Reason) -> monalisa_app::people::FieldError {
    monalisa_app::people::FieldError { field: field.to_owned(), reason }
}

#[derive(serde::Deserialize)]
pub(crate) struct WithdrawForm {
    id: i64,
    #[serde(default)]
    confirme: String,
}

/// A resident withdrew their consent (the ambassador records it, after confirming): their
/// personal data is erased here and, at their next sync, from the phones.
pub(crate) async fn withdraw_consent(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::ResidentId;
    let resident = ResidentId(form.id);
    if form.confirme != "1" {
        return Err(AppError::invalid("confirme", "required"));
    }
    let record = match state.ctx.store.resident(resident).await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(ApiError::NotFound.into()),
        Err(e) => return Err(internal(e).into()),
    };
    let Some(centre) = state.shapes.iter().find(|s| s.commune.insee == record.commune).map(|s| s.commune.centre) else {
        return Err(ApiError::NotFound.into());
    };
    let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
    state.ctx.store.withdraw_consent(scope, resident, centre, today).await.map_err(AppError::store)?;
    let target = resident.to_string();
    let audit = monalisa_app::backend::auth::audit(
        &state.ctx,
        Some(&me),
        "resident.consent_withdrawn",
        "resident",
        &target,
        "erased",
    );
    audit.await?;
    tracing::info!(resident = resident.0, "consent withdrawn: personal data erased");
    Ok(Redirect::to("/personnes?retire=1").into_response())
}

/// A home placed on the commune's map from the resident's page: the point clicked
/// (`carte.x`, `carte.y`, in the map's units) or the home moved 100 m (`deplacer`: nord, sud,
/// est, ouest). Back to the page, which says what happened; a point outside the commune moves
/// nothing. The coordinates never go into the address, only what happened.
pub(crate) async fn place_home(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::ResidentId;
    use monalisa_app::people::field;
    let id = field(&fields, "id").parse::<i64>().map_err(|_| AppError::invalid("id", "required"))?;
    let resident = match state.ctx.store.resident(ResidentId(id)).await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(ApiError::NotFound.into()),
        Err(e) => return Err(internal(e).into()),
    };
    let outlines = state.ctx.store.scope_outlines(scope).await.map_err(internal)?;
    let Some((_, outline)) = outlines.iter().find(|(code, _)| code == resident.commune.as_str()) else {
        return Err(ApiError::NotFound.into());
    };
    let back = |what: &str| Redirect::to(&format!("/personnes/fiche?id={id}&domicile={what}#domicile")).into_response();
    let point = |name: &str| field(&fields, name).parse::<i32>().ok();
    let at = match (point("carte.x"), point("carte.y"), field(&fields, "deplacer")) {
        // (0, 0) is what a keyboard's Enter on the map sends: no point was chosen.
        (Some(x), Some(y), _) if (x, y) != (0, 0) => monalisa_app::planning::HomeMap::new(outline).location(x, y),
        (_, _, direction) => monalisa_app::planning::nudge(resident.home, direction, 100.0),
    };
    let Some(at) = at else { return Ok(back("choisir")) };
    if home_in(&state.shapes, &resident.commune, Some(at)).is_err() {
        return Ok(back("hors"));
    }
    state.ctx.store.place_home(scope, resident.id, at).await.map_err(AppError::store)?;
    let key = id.to_string();
    monalisa_app::backend::auth::audit(
        &state.ctx,
        Some(&me),
        "resident.update",
        "resident",
        &key,
        "home placed on the map",
    )
    .await?;
    Ok(back("place"))
}

/// Why a person's form was not saved: the form's own error (sent back with the form), or a
/// refusal of the request itself.
pub(crate) enum Refusal {
    Form(monalisa_app::people::FieldError),
    Api(ApiError),
}

impl From<monalisa_app::people::FieldError> for Refusal {
    fn from(e: monalisa_app::people::FieldError) -> Refusal {
        Refusal::Form(e)
    }
}

/// The store's refusals of a person's form.
impl From<monalisa_app::backend::StoreError> for Refusal {
    fn from(e: monalisa_app::backend::StoreError) -> Refusal {
        use monalisa_app::backend::StoreError;
        match e {
            StoreError::Invalid(field) if field == "actif" => {
                Refusal::Form(field_error(&field, monalisa_app::people::Reason::StillFollowing))
            }
            StoreError::Invalid(field) => {
                Refusal::Form(field_error(&field, monalisa_app::people::Reason::OutsideScope))
            }
            StoreError::NotFound => Refusal::Api(ApiError::NotFound),
            StoreError::Conflict(why) => Refusal::Api(ApiError::Conflict(why)),
            e => Refusal::Api(monalisa_app::backend::internal(e)),
        }
    }
}

/// What was saved, for the audit trail: action, kind of object, its id, a non-personal detail.
pub(crate) type Saved = (&'static str, &'static str, String, String);

/// A person's form post (`form`: the form's page): `save` checks and stores it; then back to
/// the list, or to the form with the error and what was typed.
pub(crate) async fn person_post(
    state: &AppState,
    Ambassador { me, scope }: &Ambassador,
    req: Request<Body>,
    form: &str,
    save: impl AsyncFnOnce(&monalisa_app::people::Fields, monalisa_app::domain::ScopeId) -> Result<Saved, Refusal>,
) -> Result<Response, AppError> {
    let (parts, fields) = form_fields(req).await?;
    let page = match monalisa_app::people::field(&fields, "id") {
        "" => form.to_owned(),
        id => format!("{form}?id={}", id.parse::<i64>().unwrap_or_default()),
    };
    let (action, kind, id, detail) = match save(&fields, *scope).await {
        Ok(saved) => saved,
        Err(Refusal::Form(error)) => return Ok(form_again(state, &parts, &page, fields, error).await),
        Err(Refusal::Api(e)) => return Err(e.into()),
    };
    monalisa_app::backend::auth::audit(&state.ctx, Some(me), action, kind, &id, &detail).await?;
    Ok(Redirect::to("/personnes?enregistre=1").into_response())
}

/// The resident form's post: a new resident (with the consent given to this ambassador) or an
/// edit.
pub(crate) async fn save_resident(
    State(state): State<AppState>,
    caller: Ambassador,
    req: Request<Body>,
) -> Result<Response, AppError> {
    let Some(ambassador) = caller.me.user.ambassador else {
        return Err(ApiError::Forbidden.into());
    };
    let store = state.ctx.store.clone();
    let shapes = state.shapes.clone();
    person_post(&state, &caller, req, "/personnes/fiche", async move |fields, scope| {
        let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
        let draft = monalisa_app::people::parse_resident(fields, today)?;
        let home = home_in(&shapes, &draft.commune, draft.position).map_err(|r| field_error("position", r))?;
        let id = store.save_resident(scope, &draft, home, ambassador, today).await?;
        Ok(match (draft.id, draft.consent) {
            (None, Some((_, how))) => {
                ("resident.create", "resident", id.to_string(), format!("consent {}", how.code()))
            }
            _ => ("resident.update", "resident", id.to_string(), String::new()),
        })
    })
    .await
}

/// The volunteer form's post: a new volunteer of the scope, or an edit.
pub(crate) async fn save_volunteer(
    State(state): State<AppState>,
    caller: Ambassador,
    req: Request<Body>,
) -> Result<Response, AppError> {
    let store = state.ctx.store.clone();
    let shapes = state.shapes.clone();
    person_post(&state, &caller, req, "/benevoles/fiche", async move |fields, scope| {
        let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
        let draft = monalisa_app::people::parse_volunteer(fields, today)?;
        let home = home_in(&shapes, &draft.commune, draft.position).map_err(|r| field_error("position", r))?;
        let id = store.save_volunteer(scope, &draft, home).await?;
        let action = if draft.id.is_some() { "volunteer.update" } else { "volunteer.create" };
        Ok((action, "volunteer", id.to_string(), String::new()))
    })
    .await
}

#[derive(serde::Deserialize)]
pub(crate) struct MoveForm {
    id: i64,
    secteur: i64,
    #[serde(default)]
    confirme: String,
}

/// A volunteer of the ambassador's scope moved to another scope (after confirming).
pub(crate) async fn move_volunteer(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::{ScopeId, VolunteerId};
    if form.confirme != "1" {
        return Err(AppError::invalid("confirme", "required"));
    }
    let (volunteer, to) = (VolunteerId(form.id), ScopeId(form.secteur));
    monalisa_app::api::people::ssr::move_volunteer(&state.ctx, Some(&me), scope, volunteer, to).await?;
    Ok(Redirect::to("/personnes?deplace=1").into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct AbsenceForm {
    id: i64,
    action: String,
    du: String,
    au: String,
}

/// A volunteer's absence added or removed by their ambassador; back to the volunteer's page,
/// which says what happened (a refused absence changes nothing).
pub(crate) async fn volunteer_absence(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<AbsenceForm>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::{Date, DayRange, VolunteerId};
    let volunteer = VolunteerId(form.id);
    let back =
        |outcome: &str| Redirect::to(&format!("/benevoles/fiche?id={}&absence={outcome}", form.id)).into_response();
    let range = match (Date::parse(form.du.trim()), Date::parse(form.au.trim())) {
        (Ok(first), Ok(last)) => DayRange::new(first, last),
        _ => None,
    };
    let Some(range) = range else { return Ok(back("refusee")) };
    let store = &state.ctx.store;
    let (action, outcome) = match form.action.as_str() {
        "ajouter" => {
            let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
            if monalisa_app::domain::windows::absence(range.first, range.last, today).is_err() {
                return Ok(back("refusee"));
            }
            store.add_absence(scope, volunteer, range).await.map_err(monalisa_app::backend::internal)?;
            ("volunteer.absence_add", "ajoutee")
        }
        "retirer" => {
            store.remove_absence(scope, volunteer, range).await.map_err(monalisa_app::backend::internal)?;
            ("volunteer.absence_remove", "retiree")
        }
        _ => return Err(AppError::invalid("action", "ajouter or retirer")),
    };
    let detail = format!("{} {}", range.first, range.last);
    monalisa_app::backend::auth::audit(&state.ctx, Some(&me), action, "volunteer", &form.id.to_string(), &detail)
        .await?;
    Ok(back(outcome))
}

/// A volunteer's residents handed over (`r<resident>` = the new volunteer's id, or empty for
/// nobody), then, with `inactif`, the volunteer made inactive.
pub(crate) async fn hand_over(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    req: Request<Body>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::{ResidentId, VolunteerId};
    let (_, fields) = form_fields(req).await?;
    let volunteer = monalisa_app::people::field(&fields, "id").parse().map(VolunteerId);
    let volunteer = volunteer.map_err(|_| AppError::invalid("id", "a volunteer id"))?;
    let mut to = Vec::new();
    for (name, value) in &fields {
        let Some(resident) = name.strip_prefix('r').and_then(|r| r.parse().ok()).map(ResidentId) else { continue };
        let next = match value.trim() {
            "" => None,
            v => Some(VolunteerId(v.parse().map_err(|_| AppError::invalid(name, "a volunteer id"))?)),
        };
        to.push((resident, next));
    }
    let deactivate = monalisa_app::people::field(&fields, "inactif") == "1";
    monalisa_app::api::people::ssr::hand_over(&state.ctx, &me, scope, volunteer, &to, deactivate).await?;
    Ok(Redirect::to("/personnes?relais=1").into_response())
}
