//! The account page's form post: an ambassador's or coordinator's alert address.

use crate::http::error::AppError;
use crate::http::extract::{Caller, Form};
use crate::http::prelude::*;
use crate::http::state::AppState;

#[derive(serde::Deserialize)]
pub(crate) struct EmailForm {
    compte: i64,
    courriel: String,
}

/// The account page's alert address (admins): set, changed or removed (empty), for ambassador
/// and coordinator accounts only; back to the account page, which says how it went.
pub(crate) async fn set_alert_email(
    State(state): State<AppState>,
    Caller(me): Caller,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    use monalisa_app::auth::{Role, UserId};
    let id = UserId(form.compte);
    let user = match state.ctx.store.user(id).await {
        Ok(Some(u)) if matches!(u.role, Role::Ambassador | Role::Coordinator) => u,
        Ok(_) => return Err(ApiError::NotFound.into()),
        Err(e) => return Err(internal(e).into()),
    };
    let email = form.courriel.trim().to_lowercase();
    if !email.is_empty() && !crate::mail::valid_address(&email) {
        return Ok(Redirect::to(&format!("/comptes/{}?courriel=invalide", user.id)).into_response());
    }
    let email = (!email.is_empty()).then_some(email);
    state.ctx.store.set_user_email(user.id, email.as_deref()).await.map_err(internal)?;
    let detail = if email.is_some() { "set" } else { "removed" };
    let target = id.to_string();
    let audit = monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "account.email", "account", &target, detail);
    audit.await?;
    Ok(Redirect::to(&format!("/comptes/{}?courriel=ok", user.id)).into_response())
}
