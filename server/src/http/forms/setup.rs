//! The territory page's form posts (admins): scopes, their communes, their ambassadors. Each
//! goes back to the page, which says what was done or why it was refused (a code in the
//! address, never a name).

use crate::http::error::AppError;
use crate::http::extract::{Caller, Form};
use crate::http::prelude::*;
use crate::http::state::AppState;
use monalisa_app::api::setup::ssr as setup;
use monalisa_app::backend::auth::CurrentUser;
use monalisa_app::domain::{AmbassadorId, ScopeId};

fn admin(me: CurrentUser) -> Result<CurrentUser, AppError> {
    if me.role() == monalisa_app::auth::Role::Admin { Ok(me) } else { Err(ApiError::Forbidden.into()) }
}

/// Back to the page: `done` on success, the refusal's code otherwise (other errors are errors).
fn back<T>(result: Result<T, ApiError>, done: &str) -> Result<Response, AppError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/territoire?fait={done}")).into_response()),
        Err(ApiError::Invalid { field, reason }) => {
            Ok(Redirect::to(&format!("/territoire?erreur={field}.{reason}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An optional scope id from a select ("" = none).
fn scope_field(raw: &str) -> Result<Option<ScopeId>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        v => v.parse().map(|n| Some(ScopeId(n))).map_err(|_| AppError::invalid("secteur", "a scope id")),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct ScopeForm {
    /// Empty: a new scope; else the scope renamed.
    #[serde(default)]
    secteur: String,
    nom: String,
}

pub(crate) async fn save_scope(
    State(state): State<AppState>,
    Caller(me): Caller,
    Form(form): Form<ScopeForm>,
) -> Result<Response, AppError> {
    let me = admin(me)?;
    match scope_field(&form.secteur)? {
        None => back(setup::create_scope(&state.ctx, Some(&me), &form.nom).await, "secteur-cree"),
        Some(scope) => back(setup::rename_scope(&state.ctx, Some(&me), scope, &form.nom).await, "secteur-renomme"),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct CommuneForm {
    commune: String,
    secteur: String,
    /// The "move from its scope" box.
    #[serde(default)]
    deplacer: Option<String>,
}

pub(crate) async fn assign_commune(
    State(state): State<AppState>,
    Caller(me): Caller,
    Form(form): Form<CommuneForm>,
) -> Result<Response, AppError> {
    let me = admin(me)?;
    let Some(scope) = scope_field(&form.secteur)? else { return Err(AppError::invalid("secteur", "a scope id")) };
    let moving = form.deplacer.is_some();
    back(setup::assign_commune(&state.ctx, Some(&me), &form.commune, scope, moving).await, "commune")
}

#[derive(serde::Deserialize)]
pub(crate) struct AmbassadorForm {
    prenom: String,
    nom: String,
    telephone: String,
    #[serde(default)]
    secteur: String,
}

pub(crate) async fn create_ambassador(
    State(state): State<AppState>,
    Caller(me): Caller,
    Form(form): Form<AmbassadorForm>,
) -> Result<Response, AppError> {
    let me = admin(me)?;
    let scope = scope_field(&form.secteur)?;
    let made = setup::create_ambassador(&state.ctx, Some(&me), &form.prenom, &form.nom, &form.telephone, scope).await;
    back(made, "ambassadeur-cree")
}

#[derive(serde::Deserialize)]
pub(crate) struct AttachForm {
    ambassadeur: i64,
    /// Empty: detached.
    #[serde(default)]
    secteur: String,
}

pub(crate) async fn attach_ambassador(
    State(state): State<AppState>,
    Caller(me): Caller,
    Form(form): Form<AttachForm>,
) -> Result<Response, AppError> {
    let me = admin(me)?;
    let scope = scope_field(&form.secteur)?;
    let id = AmbassadorId(form.ambassadeur);
    back(setup::set_ambassador_scope(&state.ctx, Some(&me), id, scope).await, "rattachement")
}
