//! Logging in and out, the session check the app makes at start and when it comes back
//! online, and enrolment/reset links.

pub use monalisa_core::wire::auth::*;

use super::ApiError;
use crate::auth::SessionInfo;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "login", input = Json)]
pub async fn login(login: String, password: String, device_label: String) -> Result<SessionInfo, ApiError> {
    crate::backend::reply(ssr::login(&login, &password, &device_label).await)
}

#[server(prefix = "/api/v1", endpoint = "logout", input = Json)]
pub async fn logout() -> Result<(), ApiError> {
    crate::backend::reply(ssr::logout().await)
}

/// Who this browser is logged in as. Errors tell the app what to do: `not_logged_in`
/// (expired: log in again, keep local data), `device_revoked` or `account_disabled`
/// (deliver what is pending, then wipe).
#[server(prefix = "/api/v1", endpoint = "session", input = Json)]
pub async fn session() -> Result<SessionInfo, ApiError> {
    crate::backend::reply(ssr::session().await)
}

#[server(prefix = "/api/v1", endpoint = "enrolment/info", input = Json)]
pub async fn enrolment_info(token: String) -> Result<LinkInfo, ApiError> {
    crate::backend::reply(ssr::enrolment_info(&token).await)
}

#[server(prefix = "/api/v1", endpoint = "enrolment/complete", input = Json)]
pub async fn complete_enrolment(
    token: String,
    password: String,
    device_label: String,
) -> Result<SessionInfo, ApiError> {
    crate::backend::reply(ssr::complete_enrolment(&token, &password, &device_label).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{EnrolmentPurpose, auth, internal, server_context};

    pub async fn login(login: &str, password: &str, device_label: &str) -> Result<SessionInfo, ApiError> {
        auth::login(&server_context()?, login, password, device_label).await
    }

    pub async fn logout() -> Result<(), ApiError> {
        auth::logout(&server_context()?).await
    }

    pub async fn session() -> Result<SessionInfo, ApiError> {
        let ctx = server_context()?;
        let me = auth::current_user()?;
        ctx.with_phone_policy(me.info()).await.map_err(internal)
    }

    pub async fn enrolment_info(token: &str) -> Result<LinkInfo, ApiError> {
        let (user, purpose) = auth::link_user(&server_context()?, token).await?;
        Ok(LinkInfo { display_name: user.display_name, login: user.login, reset: purpose == EnrolmentPurpose::Reset })
    }

    pub async fn complete_enrolment(token: &str, password: &str, device_label: &str) -> Result<SessionInfo, ApiError> {
        auth::complete_link(&server_context()?, token, password, device_label).await
    }
}
