//! The external names the HTTP modules share (axum, Leptos, the app): no item of this crate,
//! so that importing it never hides a dependency between the HTTP modules.

pub(crate) use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
pub(crate) use leptos::prelude::*;
pub(crate) use monalisa_app::api::ApiError;
pub(crate) use monalisa_app::backend::internal;
pub(crate) use monalisa_app::i18n::{Lang, Msg, t};
pub(crate) use monalisa_app::{routes, shell};
