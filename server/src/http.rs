//! The HTTP surface: Leptos pages (SSR), server functions under `/api/v1`, the offline shell
//! (service worker, manifest, bundle, styles, icons), health check, language switch; and the
//! layers every response goes through (security headers, compression, request logs).

use crate::assets::Site;
use axum::{
    Router,
    body::Body,
    extract::{FromRef, Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use monalisa_app::backend::ServerContext;
use monalisa_app::env::PageEnv;
use monalisa_app::i18n::Lang;
use monalisa_app::{App, shell};
use std::sync::Arc;
use tower_http::{
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

/// The name of the cookie that keeps the language chosen with the switch.
pub const LANG_COOKIE: &str = "lang";

/// CSP of every response that is not a page (pages get a nonce-based one, see
/// `monalisa_app::backend::page_csp`).
const DEFAULT_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ctx: ServerContext,
    pub site: Arc<Site>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// The page language for a request: the switch's cookie, else the browser's languages.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie(headers, LANG_COOKIE), accept)
}

/// Context every page render and server function gets.
fn provide_request_context(ctx: &ServerContext) {
    provide_context(ctx.clone());
    let lang = use_context::<axum::http::request::Parts>().map(|p| request_lang(&p.headers)).unwrap_or_default();
    provide_context(PageEnv { lang, build: ctx.build.clone() });
}

pub fn router(ctx: ServerContext, site: Site) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name(site.output_name.clone())
        .site_root(site.root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let root = site.root.clone();
    let state = AppState { leptos: leptos.clone(), ctx: ctx.clone(), site: Arc::new(site) };
    let context = move || provide_request_context(&ctx);
    let page_shell = {
        let leptos = leptos.clone();
        move || shell(leptos.clone())
    };

    // The bundle's file names carry a content hash: cache it for a year.
    let pkg = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .service(ServeDir::new(root.join("pkg")));

    // Server functions are routed at their declared paths by `leptos_routes_with_context`;
    // anything else under /api is a JSON 404 (an old client calling a removed endpoint gets a
    // clear answer, not a page).
    Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(service_worker))
        .route("/lang/{code}", get(switch_language))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .nest_service("/pkg", pkg)
        .nest_service("/icons", ServeDir::new(root.join("icons")))
        .route_service("/style.css", ServeFile::new(root.join("style.css")))
        .route_service("/boot.js", ServeFile::new(root.join("boot.js")))
        .route_service("/manifest.webmanifest", ServeFile::new(root.join("manifest.webmanifest")))
        .leptos_routes_with_context(&state, generate_route_list(App), context.clone(), page_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEFAULT_CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                // Paths only: query strings may carry tokens, and no personal data goes in paths.
                .make_span_with(|req: &Request<Body>| {
                    tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

async fn api_not_found() -> Response {
    (StatusCode::NOT_FOUND, axum::Json(serde_json::json!({ "code": "not_found" }))).into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.ctx.store.ping().await {
        Ok(()) => axum::Json(serde_json::json!({ "status": "ok", "build": state.ctx.build.label() })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable" }))).into_response()
        }
    }
}

async fn service_worker(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Browsers check the worker for updates; never let a cache answer for it.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        state.site.service_worker.clone(),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct SwitchQuery {
    to: Option<String>,
}

/// Only a path on this site: no scheme, no other host (`//evil`), no backslash tricks.
fn safe_return_path(to: Option<&str>) -> &str {
    match to {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) => p,
        _ => "/",
    }
}

async fn switch_language(Path(code): Path<String>, Query(q): Query<SwitchQuery>) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "langue inconnue / unknown language").into_response();
    };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut res = Redirect::to(safe_return_path(q.to.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_site() {
        assert_eq!(safe_return_path(Some("/tournee")), "/tournee");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil")), "/");
        assert_eq!(safe_return_path(None), "/");
    }

    #[test]
    fn cookies_and_language() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; lang=en; b=2"));
        assert_eq!(cookie(&h, "lang"), Some("en"));
        assert_eq!(request_lang(&h), Lang::En);
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9"));
        assert_eq!(request_lang(&h), Lang::En);
        assert_eq!(request_lang(&HeaderMap::new()), Lang::Fr);
    }
}
