//! What every handler shares: the server's state, the network settings, the request's language
//! and the context pages and server functions render with.

use crate::assets::Site;
use axum::extract::FromRef;
use axum::http::{HeaderMap, header};
use leptos::prelude::*;
use monalisa_app::backend::ServerContext;
pub use monalisa_app::backend::auth::cookie;
use monalisa_app::env::PageEnv;
use monalisa_app::i18n::Lang;
use std::net::IpAddr;
use std::sync::Arc;

/// The name of the cookie that keeps the language chosen with the switch.
pub const LANG_COOKIE: &str = "lang";

/// How the server sits on the network: which reverse proxies it believes.
#[derive(Clone, Debug, Default)]
pub struct NetworkSettings {
    /// Proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are trusted.
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ctx: ServerContext,
    pub site: Arc<Site>,
    pub network: Arc<NetworkSettings>,
    /// The communes' outlines, to check where people live.
    pub shapes: Arc<Vec<crate::territory::CommuneShape>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The page language for a request: the switch's cookie, else the browser's languages.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie(headers, LANG_COOKIE), accept)
}

/// Context every page render and server function gets.
pub(crate) fn provide_request_context(ctx: &ServerContext) {
    provide_context(ctx.clone());
    let lang = use_context::<axum::http::request::Parts>().map(|p| request_lang(&p.headers)).unwrap_or_default();
    provide_context(PageEnv { lang, build: ctx.build.clone() });
}
