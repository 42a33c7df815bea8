//! The HTTP surface: Leptos pages (SSR), server functions under `/api/v1`, the offline shell
//! (service worker, manifest, bundle, styles, icons), health check, language switch; and the
//! layers every response goes through (security headers, compression, request logs).

use crate::assets::Site;
use axum::{
    Router,
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use monalisa_app::auth::RouteKind;
use monalisa_app::backend::ServerContext;
use monalisa_app::i18n::Lang;
use monalisa_app::{App, routes, shell};
use std::sync::Arc;
use tower_http::{
    compression::CompressionLayer,
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

pub(crate) mod access;
pub(crate) mod error;
pub(crate) mod extract;
pub(crate) mod forms;
pub(crate) mod prelude;
pub(crate) mod state;

use access::access_control;
pub use access::{client_ip, same_origin};
use extract::Query;
use forms::accounts::*;
use forms::concerns::*;
use forms::exports::*;
use forms::import::*;
use forms::people::*;
use forms::planning::*;
use forms::review::*;
use forms::setup::*;
use state::provide_request_context;
pub use state::{AppState, LANG_COOKIE, NetworkSettings, cookie, request_lang};

/// CSP of every response that is not a page (pages get a nonce-based one, see
/// `monalisa_app::backend::page_csp`).
const DEFAULT_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

pub fn router(ctx: ServerContext, site: Site, network: NetworkSettings) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name(site.output_name.clone())
        .site_root(site.root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let root = site.root.clone();
    let shapes = crate::territory::shapes();
    let state = AppState {
        leptos: leptos.clone(),
        ctx: ctx.clone(),
        site: Arc::new(site),
        network: Arc::new(network),
        shapes: Arc::new(shapes),
    };
    let context = move || provide_request_context(&ctx);
    let not_found = leptos_axum::render_app_to_stream_with_context(context.clone(), {
        let leptos = leptos.clone();
        move || shell(leptos.clone())
    });
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

    // Plain handlers and static files come from the route table (a table entry without a
    // handler stops the server at start); pages and server functions are routed by Leptos.
    // Paths outside the table never reach the router: `access_control` answers 404.
    let mut router = Router::new();
    for spec in routes::ROUTES {
        router = match (spec.kind, spec.path) {
            (RouteKind::Page | RouteKind::ServerFn, _) => router,
            (_, "/healthz") => router.route(spec.path, get(healthz)),
            (_, "/sw.js") => router.route(spec.path, get(service_worker)),
            (_, "/lang/{code}") => router.route(spec.path, get(switch_language)),
            (_, "/planification/publier") => router.route(spec.path, axum::routing::post(publish_plan)),
            (_, "/planification/verrou") => router.route(spec.path, axum::routing::post(lock_plan)),
            (_, "/planification/saisir") => router.route(spec.path, axum::routing::post(enter_report)),
            (_, "/signalements/suivi") => router.route(spec.path, axum::routing::post(follow_concern)),
            (_, "/a-verifier/vu") => router.route(spec.path, axum::routing::post(mark_reviewed)),
            (_, "/a-verifier/enregistrer") => router.route(spec.path, axum::routing::post(release_quarantined)),
            (_, "/coordination/indicateurs.csv") => router.route(spec.path, get(export_coverage)),
            (_, "/territoire/secteur") => router.route(spec.path, axum::routing::post(save_scope)),
            (_, "/territoire/commune") => router.route(spec.path, axum::routing::post(assign_commune)),
            (_, "/territoire/ambassadeur") => router.route(spec.path, axum::routing::post(create_ambassador)),
            (_, "/territoire/rattachement") => router.route(spec.path, axum::routing::post(attach_ambassador)),
            (_, "/import/essai") => router.route(
                spec.path,
                axum::routing::post(check_file)
                    .layer(axum::extract::DefaultBodyLimit::max(usize::try_from(IMPORT_LIMIT).unwrap_or(usize::MAX))),
            ),
            (_, "/import/appliquer") => router.route(spec.path, axum::routing::post(apply_run)),
            (_, "/import/modele-residents.csv") => router.route(spec.path, get(residents_template)),
            (_, "/import/modele-benevoles.csv") => router.route(spec.path, get(volunteers_template)),
            (_, "/comptes/courriel") => router.route(spec.path, axum::routing::post(set_alert_email)),
            (_, "/personnes/dossier.json") => router.route(spec.path, get(export_dossier)),
            (_, "/personnes/retrait") => router.route(spec.path, axum::routing::post(withdraw_consent)),
            (_, "/personnes/domicile") => router.route(spec.path, axum::routing::post(place_home)),
            (_, "/personnes/enregistrer") => router.route(spec.path, axum::routing::post(save_resident)),
            (_, "/personnes/recherche") => router.route(spec.path, axum::routing::post(search_people)),
            (_, "/benevoles/enregistrer") => router.route(spec.path, axum::routing::post(save_volunteer)),
            (_, "/benevoles/secteur") => router.route(spec.path, axum::routing::post(move_volunteer)),
            (_, "/benevoles/absence") => router.route(spec.path, axum::routing::post(volunteer_absence)),
            (_, "/benevoles/relayer") => router.route(spec.path, axum::routing::post(hand_over)),
            (_, "/pkg/{*path}") => router.nest_service("/pkg", pkg.clone()),
            (_, "/icons/{*path}") => router.nest_service("/icons", ServeDir::new(root.join("icons"))),
            (RouteKind::Static, file) => {
                router.route_service(file, ServeFile::new(root.join(file.trim_start_matches('/'))))
            }
            (_, path) => panic!("route table entry {path} has no handler"),
        };
    }
    router
        .leptos_routes_with_context(&state, generate_route_list(App), context, page_shell)
        // Unknown pages: the app's "page not found" (404), never a file from the site directory.
        .fallback(move |req: Request<Body>| not_found(req))
        .layer(axum::middleware::from_fn_with_state(state.clone(), access_control))
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        ))
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
                .make_span_with(
                    |req: &Request<Body>| tracing::info_span!("http", method = %req.method(), path = %req.uri().path()),
                )
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.ctx.store.ping().await {
        Ok(()) => axum::Json(serde_json::json!({ "status": "ok", "build": state.ctx.build.label() })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "status": "unavailable" })))
                .into_response()
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

/// The language switch: sets the cookie, then goes back to the page (a path of this site
/// only, by the one return-path rule, `routes::safe_return_path`).
async fn switch_language(Path(code): Path<String>, Query(q): Query<SwitchQuery>) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return (StatusCode::NOT_FOUND, "langue inconnue / unknown language").into_response();
    };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut res = Redirect::to(q.to.as_deref().and_then(routes::safe_return_path).unwrap_or("/")).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
