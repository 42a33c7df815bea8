//! Logging in and out, the session check the app makes at start and when it comes back
//! online, and enrolment/reset links.

use super::ApiError;
use crate::auth::SessionInfo;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[server(prefix = "/api/v1", endpoint = "login", input = Json)]
pub async fn login(login: String, password: String, device_label: String) -> Result<SessionInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    crate::backend::reply(crate::backend::auth::login(&ctx, &login, &password, &device_label).await)
}

#[server(prefix = "/api/v1", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), ApiError> {
    let ctx = crate::backend::server_context()?;
    crate::backend::reply(crate::backend::auth::logout(&ctx).await)
}

/// Who this browser is logged in as. Errors tell the app what to do: `not_logged_in`
/// (expired: log in again, keep local data), `device_revoked` or `account_disabled`
/// (deliver what is pending, then wipe).
#[server(prefix = "/api/v1", endpoint = "session", input = Json)]
pub async fn session() -> Result<SessionInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    let result = match crate::backend::auth::current_user() {
        Ok(me) => ctx.with_phone_policy(me.info()).await.map_err(crate::backend::internal),
        Err(e) => Err(e),
    };
    crate::backend::reply(result)
}

/// What the enrolment page shows before the password is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub display_name: String,
    pub login: String,
    /// `true` for a reset (the account already had a password).
    pub reset: bool,
}

#[server(prefix = "/api/v1", endpoint = "enrolment/info", input = Json)]
pub async fn enrolment_info(token: String) -> Result<LinkInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    let result = crate::backend::auth::link_user(&ctx, &token).await.map(|(user, purpose)| LinkInfo {
        display_name: user.display_name,
        login: user.login,
        reset: purpose == crate::backend::EnrolmentPurpose::Reset,
    });
    crate::backend::reply(result)
}

#[server(prefix = "/api/v1", endpoint = "enrolment/complete", input = Json)]
pub async fn complete_enrolment(
    token: String,
    password: String,
    device_label: String,
) -> Result<SessionInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    crate::backend::reply(crate::backend::auth::complete_link(&ctx, &token, &password, &device_label).await)
}
