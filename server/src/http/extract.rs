//! Extractors whose rejection is [`AppError`]: a form post's fields, a query string, and the
//! caller (any logged-in user, or an ambassador with their scope).

use super::error::AppError;
use super::prelude::*;
use monalisa_app::backend::auth::CurrentUser;

/// The logged-in caller (the access layer attached them; absent only on a public route).
pub(crate) struct Caller(pub(crate) CurrentUser);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, AppError> {
        parts.extensions.get::<CurrentUser>().cloned().map(Caller).ok_or(AppError::Api(ApiError::NotLoggedIn))
    }
}

/// The calling ambassador and the scope they work for: the one check every ambassador-only
/// handler starts with (an ambassador account without a scope may do nothing).
pub(crate) struct Ambassador {
    pub(crate) me: CurrentUser,
    pub(crate) scope: monalisa_app::domain::ScopeId,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Ambassador {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, AppError> {
        let Caller(me) = Caller::from_request_parts(parts, state).await?;
        if me.role() != monalisa_app::auth::Role::Ambassador {
            return Err(AppError::Api(ApiError::Forbidden));
        }
        let scope = me.user.scope.ok_or(AppError::Api(ApiError::Forbidden))?;
        Ok(Ambassador { me, scope })
    }
}

/// Reads a form post's fields, keeping the request's head for [`form_again`].
pub(crate) async fn form_fields(
    req: Request<Body>,
) -> Result<(axum::http::request::Parts, Vec<(String, String)>), AppError> {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let again = Request::from_parts(parts.clone(), body);
    match axum::Form::<Vec<(String, String)>>::from_request(again, &()).await {
        Ok(axum::Form(fields)) => Ok((parts, fields)),
        Err(e) => Err(AppError::unreadable(e.status(), e.body_text())),
    }
}

/// Bodies larger than this are refused before anything reads them (axum's own limit for
/// forms; the same for the server functions' JSON).
pub(crate) const BODY_LIMIT: u64 = 2 * 1024 * 1024;

/// A form post's fields (axum's `Form`, its rejection an [`AppError`]).
pub(crate) struct Form<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(e) => Err(AppError::unreadable(e.status(), e.body_text())),
        }
    }
}

/// A query string's parameters (axum's `Query`, its rejection an [`AppError`]).
pub(crate) struct Query<T>(pub(crate) T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(e) => Err(AppError::unreadable(e.status(), e.body_text())),
        }
    }
}
