//! The HTTP surface: Leptos pages (SSR), server functions under `/api/v1`, the offline shell
//! (service worker, manifest, bundle, styles, icons), health check, language switch; and the
//! layers every response goes through (security headers, compression, request logs).

use crate::assets::Site;
use axum::{
    Router,
    body::Body,
    extract::{ConnectInfo, FromRef, Path, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use monalisa_app::api::ApiError;
use monalisa_app::auth::{Access, Caching, RouteKind};
use monalisa_app::backend::ServerContext;
use monalisa_app::backend::auth::{Authentication, DEVICE_COOKIE, RequestMeta, SESSION_COOKIE, authenticate};
use monalisa_app::env::PageEnv;
use monalisa_app::i18n::{Lang, Msg, t};
use monalisa_app::{App, routes, shell};
use std::net::{IpAddr, SocketAddr};
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

pub use monalisa_app::backend::auth::cookie;

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

pub fn router(ctx: ServerContext, site: Site, network: NetworkSettings) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name(site.output_name.clone())
        .site_root(site.root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let root = site.root.clone();
    let shapes = crate::territory::load().map(|t| t.into_iter().map(|(_, shape)| shape).collect()).unwrap_or_default();
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
            (_, "/comptes/courriel") => router.route(spec.path, axum::routing::post(set_alert_email)),
            (_, "/personnes/dossier.json") => router.route(spec.path, get(export_dossier)),
            (_, "/personnes/retrait") => router.route(spec.path, axum::routing::post(withdraw_consent)),
            (_, "/personnes/enregistrer") => router.route(spec.path, axum::routing::post(save_resident)),
            (_, "/benevoles/enregistrer") => router.route(spec.path, axum::routing::post(save_volunteer)),
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

/// The client address: the connection's peer, or, behind a trusted proxy, the last address
/// in `X-Forwarded-For` that is not a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer)
}

/// A state-changing request must come from this site's own pages: its `Origin` (or, failing
/// that, `Sec-Fetch-Site`) must say so. Every browser the app supports sends `Origin` on a
/// POST, so one carrying a session or device cookie with neither header is refused; without
/// them (a program logging in) it rides on nobody's session and may go on. A form posted by one of our pages
/// says `Origin: null` (our referrer policy is `no-referrer`): then only `Sec-Fetch-Site`
/// can vouch for it, and without it the request is refused.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some("null") => fetch_site == Some("same-origin"),
        Some(origin) => {
            let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
            host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host))
        }
        None => match fetch_site {
            Some(site) => site == "same-origin" || site == "none",
            None => [SESSION_COOKIE, DEVICE_COOKIE].iter().all(|name| cookie(headers, name).is_none()),
        },
    }
}

fn wants_html(req: &Request<Body>) -> bool {
    req.method() == Method::GET
        && req.headers().get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

fn error_json(e: &ApiError) -> Response {
    let status = monalisa_app::backend::status_of(e);
    (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(e)).into_response()
}

/// The page a browser gets when a page needs a login it does not have (401) or a role it
/// lacks (403): a short explanation with a link, sent to the login page at once for 401.
fn error_page(status: StatusCode, lang: Lang, retour: &str) -> Response {
    let (title, body) = if status == StatusCode::UNAUTHORIZED {
        (t(lang, Msg::ErrNotLoggedIn), t(lang, Msg::NavLogin))
    } else {
        (t(lang, Msg::ErrForbidden), t(lang, Msg::BackHome))
    };
    let target = if status == StatusCode::UNAUTHORIZED {
        format!("/connexion?retour={}", monalisa_app::html::encode_path(retour))
    } else {
        "/".to_owned()
    };
    let refresh = if status == StatusCode::UNAUTHORIZED {
        format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">")
    } else {
        String::new()
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {refresh}<title>{title} · Monalisa Visites</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><main><h1>{title}</h1><p><a href=\"{target}\">{body}</a></p></main></body></html>",
        lang.code()
    );
    (status, [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
        .into_response()
}

/// A path no route has, and which the page router or a file service would misread: an empty
/// segment (a trailing slash, `//`) or one longer than a file name can be (255 bytes).
fn odd_path(path: &str) -> bool {
    path != "/" && path.strip_prefix('/').is_none_or(|rest| rest.split('/').any(|s| s.is_empty() || s.len() > 255))
}

/// Where requests for an odd path are rendered: no route has it, so the page is "not found".
const NOT_FOUND_PATH: &str = "/introuvable";

/// Access control from the route table (`monalisa_app::routes`): unknown routes are 404,
/// state-changing requests must be same-origin, and each route's rule is enforced (401 not
/// logged in, 403 wrong role). The caller is attached to the request for the handlers;
/// responses of routes with personal data are marked `no-store`.
async fn access_control(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return error_json(&ApiError::TooLarge);
    }
    if odd_path(&path) {
        if wants_html(&req) {
            // The app's "page not found" (404); the page router would read `/journal/` as `/journal`.
            *req.uri_mut() = axum::http::Uri::from_static(NOT_FOUND_PATH);
            return next.run(req).await;
        }
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({ "code": "not_found" })),
        )
            .into_response();
    }
    let Some(spec) = routes::find(method.as_str(), &path) else {
        if wants_html(&req) {
            return next.run(req).await; // the app's 404 page
        }
        let status = if routes::path_known(&path) { StatusCode::METHOD_NOT_ALLOWED } else { StatusCode::NOT_FOUND };
        return (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(serde_json::json!({ "code": "not_found" })))
            .into_response();
    };

    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip());
    let from_proxy = state.network.trusted_proxies.contains(&peer);
    let secure = from_proxy
        && req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let meta = RequestMeta { client_ip: client_ip(peer, req.headers(), &state.network.trusted_proxies), secure };

    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) && !same_origin(req.headers()) {
        return error_json(&ApiError::CrossOrigin);
    }

    let auth = match authenticate(&state.ctx, req.headers()).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "authentication: storage failure");
            return error_json(&ApiError::Unavailable);
        }
    };
    let page = spec.kind == RouteKind::Page;
    let lang = request_lang(req.headers());
    let refused = match (&spec.access, &auth) {
        (Access::Public, _) => None,
        (_, Authentication::Anonymous) => Some(ApiError::NotLoggedIn),
        (Access::RolesOrRevoked(roles), Authentication::DeviceRevoked(r)) if roles.contains(&r.user.role) => None,
        (_, Authentication::DeviceRevoked(_)) => Some(ApiError::DeviceRevoked),
        (_, Authentication::AccountDisabled) => Some(ApiError::AccountDisabled),
        (access, Authentication::User(me)) if !access.allows(me.role()) => Some(ApiError::Forbidden),
        _ => None,
    };
    if let Some(e) = refused {
        return if page { error_page(monalisa_app::backend::status_of(&e), lang, &path) } else { error_json(&e) };
    }
    match auth {
        Authentication::User(me) => {
            req.extensions_mut().insert(me);
        }
        Authentication::DeviceRevoked(revoked) => {
            req.extensions_mut().insert(revoked);
        }
        _ => {}
    }
    req.extensions_mut().insert(meta);
    let mut res = next.run(req).await;
    if spec.kind == RouteKind::ServerFn && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        res = with_error_status(res).await;
    }
    if spec.caching == Caching::NoStore {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Server functions answer errors the framework itself raises (an undecodable body, say) with
/// a 500; give them the status their error code means (a bad body is the caller's 400).
async fn with_error_status(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return error_json(&ApiError::Unavailable);
    };
    if let Ok(e) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = monalisa_app::backend::status_of(&e);
    }
    Response::from_parts(parts, Body::from(bytes))
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

#[derive(serde::Deserialize)]
struct PublishForm {
    semaine: String,
    empreinte: String,
}

/// The planning page's "publish" button (a plain form post): recomputes the week's plan and
/// publishes it only if it is still the one the ambassador saw; answers with a redirect back
/// to the page, which says what happened.
async fn publish_plan(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<PublishForm>,
) -> Response {
    let Ok(week) = monalisa_app::domain::Date::parse(&form.semaine) else {
        return error_json(&ApiError::Invalid { field: "semaine".into(), reason: "a date YYYY-MM-DD".into() });
    };
    let Some(scope) = me.user.scope else {
        return error_json(&ApiError::Forbidden);
    };
    let computed = match monalisa_app::planning::compute(&state.ctx, scope, week).await {
        Ok(c) => c,
        Err(e) => return error_json(&e),
    };
    if computed.preview.fingerprint != form.empreinte {
        return Redirect::to(&format!("/planification?semaine={week}&erreur=change")).into_response();
    }
    let published = match state.ctx.store.publish_rounds(scope, week, &computed.rounds).await {
        Ok(n) => n,
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    };
    let unserved: Vec<_> = computed.preview.unserved.iter().map(|u| (u.resident, u.reason)).collect();
    if let Err(e) = state.ctx.store.record_unserved(scope, week, &unserved).await {
        return error_json(&monalisa_app::backend::internal(e));
    }
    let detail = format!("week {week}: {published} visits in {} rounds", computed.rounds.len());
    if let Err(e) =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "rounds.publish", "visit", &week.to_string(), &detail)
            .await
    {
        return error_json(&e);
    }
    tracing::info!(scope = scope.0, %week, published, "rounds published");
    Redirect::to(&format!("/planification?semaine={week}&publie={published}")).into_response()
}

#[derive(serde::Deserialize)]
struct LockForm {
    semaine: String,
    personne: i64,
    /// Empty: remove the lock.
    #[serde(default)]
    benevole: String,
    /// A visit placed by hand: its day (in the week) and start time; both or neither.
    #[serde(default)]
    jour: String,
    #[serde(default)]
    heure: String,
}

/// The planning page's "assign" and "remove" buttons (plain form posts): records or removes an
/// ambassador's lock for the week, then back to the page, which recomputes the plan around it.
async fn lock_plan(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<LockForm>,
) -> Response {
    use monalisa_app::domain::{Date, ResidentId, VolunteerId};
    let Ok(week) = Date::parse(&form.semaine) else {
        return error_json(&ApiError::Invalid { field: "semaine".into(), reason: "a date YYYY-MM-DD".into() });
    };
    let volunteer = match form.benevole.trim() {
        "" => None,
        text => match text.parse() {
            Ok(id) => Some(VolunteerId(id)),
            Err(_) => {
                return error_json(&ApiError::Invalid { field: "benevole".into(), reason: "a volunteer id".into() });
            }
        },
    };
    let Some(scope) = me.user.scope else {
        return error_json(&ApiError::Forbidden);
    };
    let today = Date::from_timestamp(monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()));
    if let Err(e) = monalisa_app::api::planning::check_week(week, today) {
        return error_json(&e);
    }
    let at = match (form.jour.trim(), form.heure.trim()) {
        ("", "") => None,
        (day, time) => match (Date::parse(day), monalisa_app::domain::Minute::parse(time)) {
            (Ok(day), Ok(time)) if day.week_start() == week => Some((day, time)),
            _ => return Redirect::to(&format!("/planification?semaine={week}&erreur=placement")).into_response(),
        },
    };
    let resident = ResidentId(form.personne);
    let lock = volunteer.map(|volunteer| monalisa_app::planning::PlanningLock { volunteer, at });
    match state.ctx.store.set_planning_lock(scope, week, resident, lock).await {
        Ok(()) => {}
        Err(monalisa_app::backend::StoreError::NotFound) => return error_json(&ApiError::NotFound),
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    }
    let detail = match lock {
        Some(monalisa_app::planning::PlanningLock { volunteer, at: Some((day, time)) }) => {
            format!("week {week}: placed with volunteer {volunteer} on {day} at {time}")
        }
        Some(l) => format!("week {week}: locked to volunteer {}", l.volunteer),
        None => format!("week {week}: lock removed"),
    };
    if let Err(e) = monalisa_app::backend::auth::audit(
        &state.ctx,
        Some(&me),
        "planning.lock",
        "resident",
        &resident.to_string(),
        &detail,
    )
    .await
    {
        return error_json(&e);
    }
    Redirect::to(&format!("/planification?semaine={week}")).into_response()
}

/// A report entered by an ambassador for a volunteer without a smartphone (the entry page's
/// plain form post). It goes through the phones' own sync path, as that volunteer's report but
/// sent from the ambassador's session and device, so it is recorded once (the form carries the
/// report's id), flagged like any other, and the audit trail shows who entered it.
async fn enter_report(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    use monalisa_app::domain::{ClientId, ConcernKind, Mood, Outcome, Timestamp, VisitId};
    use monalisa_app::sync::{AckStatus, Mutation, MutationBody, PROTOCOL_VERSION, PushRequest, ReportInput};
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default();
    let invalid =
        |field: &str, reason: &str| error_json(&ApiError::Invalid { field: field.into(), reason: reason.into() });
    let Some(id) = ClientId::parse(field("id")) else { return invalid("id", "a report id") };
    let Ok(visit) = field("visite").parse().map(VisitId) else { return invalid("visite", "a visit id") };
    let Some(outcome) = Outcome::from_code(field("issue")) else { return invalid("issue", "an outcome") };
    let duration_minutes = match field("duree") {
        "" => None,
        text => match text.parse() {
            Ok(d) => Some(d),
            Err(_) => return invalid("duree", "minutes"),
        },
    };
    let mood = match field("humeur") {
        "" => None,
        text => match text.parse().ok().and_then(Mood::new) {
            Some(m) => Some(m),
            None => return invalid("humeur", "1 to 4"),
        },
    };
    let concerns: Vec<ConcernKind> =
        ConcernKind::ALL.into_iter().filter(|k| field(&format!("souci_{}", k.code())) == "1").collect();
    let Some(scope) = me.user.scope else { return error_json(&ApiError::Forbidden) };
    let entry = match state.ctx.store.visit_entry(scope, visit).await {
        Ok(Some(e)) => e,
        Ok(None) => return error_json(&ApiError::NotFound),
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    };
    let day = match field("jour") {
        "" => entry.day,
        text => match monalisa_app::domain::Date::parse(text) {
            Ok(d) => d,
            Err(_) => return invalid("jour", "a date YYYY-MM-DD"),
        },
    };
    let input = ReportInput {
        visit: Some(visit),
        resident: entry.resident,
        day,
        outcome,
        duration_minutes,
        mood,
        concerns,
        note: field("note").to_owned(),
        proposed_next: None,
    };
    if let Err(reason) = input.validate() {
        return invalid("compte-rendu", reason);
    }
    let now = Timestamp(monalisa_app::backend::now_ms());
    let caller = monalisa_app::backend::SyncCaller {
        user: me.user.id,
        device: me.device,
        volunteer: Some(entry.volunteer),
        revoked: false,
    };
    let request = PushRequest {
        protocol: PROTOCOL_VERSION,
        sent_at: now,
        mutations: vec![Mutation { id: id.clone(), recorded_at: now, body: MutationBody::Report(input) }],
        sealed: vec![],
    };
    let acks = match state.ctx.store.apply_push(&caller, &request, now).await {
        Ok(acks) => acks,
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    };
    match acks.first().map(|a| &a.status) {
        Some(AckStatus::Applied { .. }) => {
            let detail = format!("entered for volunteer {}", entry.volunteer);
            let audit = monalisa_app::backend::auth::audit(
                &state.ctx,
                Some(&me),
                "report.enter_for",
                "report",
                id.as_str(),
                &detail,
            );
            if let Err(e) = audit.await {
                return error_json(&e);
            }
        }
        Some(AckStatus::AlreadyApplied { .. }) => {}
        Some(AckStatus::Rejected { reason }) => return invalid("compte-rendu", reason),
        _ => return error_json(&ApiError::Unavailable),
    }
    let week = entry.day.week_start();
    Redirect::to(&format!("/planification/feuille?semaine={week}&benevole={}&saisi=1", entry.volunteer)).into_response()
}

#[derive(serde::Deserialize)]
struct FollowForm {
    rapport: String,
    #[serde(rename = "type")]
    kind: String,
    etape: String,
}

/// The concerns page's buttons (plain form posts): the next step of a concern's follow-up,
/// recorded with who took it and when; back to the page.
async fn follow_concern(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<FollowForm>,
) -> Response {
    use monalisa_app::api::concerns::FollowUpStep;
    use monalisa_app::domain::{ClientId, ConcernKind, Timestamp};
    let invalid =
        |field: &str, reason: &str| error_json(&ApiError::Invalid { field: field.into(), reason: reason.into() });
    let Some(report) = ClientId::parse(&form.rapport) else { return invalid("rapport", "a report id") };
    let Some(kind) = ConcernKind::from_code(&form.kind) else { return invalid("type", "a kind of concern") };
    let Some(step) = FollowUpStep::from_code(&form.etape) else { return invalid("etape", "acknowledge or resolve") };
    let Some(scope) = me.user.scope else { return error_json(&ApiError::Forbidden) };
    let now = Timestamp(monalisa_app::backend::now_ms());
    if let Err(e) = state.ctx.store.follow_concern(scope, &report, kind, step, me.user.id, now).await {
        return store_refusal(e);
    }
    let action = match step {
        FollowUpStep::Acknowledge => "concern.acknowledge",
        FollowUpStep::Resolve => "concern.resolve",
    };
    let audit =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), action, "report", report.as_str(), kind.code());
    if let Err(e) = audit.await {
        return error_json(&e);
    }
    Redirect::to("/signalements").into_response()
}

/// A form post's store failure: a conflict says why (409), not found is 404, the rest as usual.
fn store_refusal(e: monalisa_app::backend::StoreError) -> Response {
    match e {
        monalisa_app::backend::StoreError::Conflict(why) => error_json(&ApiError::Conflict(why)),
        e => error_json(&monalisa_app::backend::internal(e)),
    }
}

#[derive(serde::Deserialize)]
struct ReviewedForm {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

/// The review page's buttons (plain form posts): a flagged report or a quarantined push marked
/// reviewed, with who and when; back to the page.
async fn mark_reviewed(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<ReviewedForm>,
) -> Response {
    use monalisa_app::api::review::ReviewItem;
    let Some(item) = ReviewItem::from_form(&form.kind, &form.id) else {
        let invalid = ApiError::Invalid { field: "id".into(), reason: "rapport or envoi, and its id".into() };
        return error_json(&invalid);
    };
    let Some(scope) = me.user.scope else { return error_json(&ApiError::Forbidden) };
    let now = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms());
    if let Err(e) = state.ctx.store.mark_reviewed(scope, &item, me.user.id, now).await {
        return store_refusal(e);
    }
    if let Err(e) =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "review.done", "report", item.id(), "").await
    {
        return error_json(&e);
    }
    Redirect::to("/a-verifier").into_response()
}

/// The review page's "record it" button: what a removed phone sent enters the record as the
/// phone would have sent it (counted, its concerns raised), marked reviewed; back to the page.
async fn release_quarantined(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<ReviewedForm>,
) -> Response {
    let Some(id) = monalisa_app::domain::ClientId::parse(&form.id).filter(|_| form.kind == "envoi") else {
        let invalid = ApiError::Invalid { field: "id".into(), reason: "envoi, and its id".into() };
        return error_json(&invalid);
    };
    let Some(scope) = me.user.scope else { return error_json(&ApiError::Forbidden) };
    let now = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms());
    let status = match state.ctx.store.release_quarantined(scope, &id, me.user.id, now).await {
        Ok(status) => status,
        Err(e) => return store_refusal(e),
    };
    let detail = serde_json::to_string(&status).unwrap_or_default();
    let audit =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "review.release", "report", id.as_str(), &detail);
    if let Err(e) = audit.await {
        return error_json(&e);
    }
    Redirect::to("/a-verifier").into_response()
}

/// A refused form goes back to its page (`page`), rendered again from the post with what was
/// typed and the error, as a 422: nothing typed is lost, nothing personal goes into a URL.
async fn form_again(
    state: &AppState,
    parts: &axum::http::request::Parts,
    page: &str,
    fields: monalisa_app::people::Fields,
    error: monalisa_app::people::FieldError,
) -> Response {
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    let submitted = monalisa_app::people::SubmittedForm { fields, error };
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_request_context(&ctx);
            provide_context(submitted.clone());
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

/// Reads a form post's fields, keeping the request's head for [`form_again`].
async fn form_fields(req: Request<Body>) -> Result<(axum::http::request::Parts, Vec<(String, String)>), Response> {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let again = Request::from_parts(parts.clone(), body);
    match axum::Form::<Vec<(String, String)>>::from_request(again, &()).await {
        Ok(axum::Form(fields)) => Ok((parts, fields)),
        Err(e) => Err(rejected(e.status(), e.body_text())),
    }
}

/// Bodies larger than this are refused before anything reads them (axum's own limit for
/// forms; the same for the server functions' JSON).
const BODY_LIMIT: u64 = 2 * 1024 * 1024;

/// A body or query that does not read answers as the rest of the API does, in JSON
/// `{"code": …}`: 413 `too_large` over the limit, else 400 `bad_request`.
fn rejected(status: StatusCode, text: String) -> Response {
    error_json(&if status == StatusCode::PAYLOAD_TOO_LARGE { ApiError::TooLarge } else { ApiError::BadRequest(text) })
}

/// A form post's fields (axum's `Form`, its rejection answered by [`rejected`]).
struct Form<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(e) => Err(rejected(e.status(), e.body_text())),
        }
    }
}

/// A query string's parameters (axum's `Query`, its rejection answered by [`rejected`]).
struct Query<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Query<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(e) => Err(rejected(e.status(), e.body_text())),
        }
    }
}

/// Where a person lives: the position typed, which must be inside the chosen commune, or the
/// commune's centre.
fn home_in(
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

fn field_error(field: &str, reason: monalisa_app::people::Reason) -> monalisa_app::people::FieldError {
    monalisa_app::people::FieldError { field: field.to_owned(), reason }
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    de: Option<String>,
    a: Option<String>,
}

/// The coverage indicators per commune and month as a CSV download (coordinators).
async fn export_coverage(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let (text, from, to) =
        match monalisa_app::api::coverage::ssr::export(&state.ctx, q.de.as_deref(), q.a.as_deref()).await {
            Ok(done) => done,
            Err(e) => return error_json(&e),
        };
    let detail = format!("{from} {to}");
    if let Err(e) =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "coverage.export", "territory", "", &detail).await
    {
        return error_json(&e);
    }
    let disposition = format!("attachment; filename=\"monalisa-indicateurs-{from}-{to}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        text,
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct EmailForm {
    compte: i64,
    courriel: String,
}

/// The account page's alert address (admins): set, changed or removed (empty), for ambassador
/// and coordinator accounts only; back to the account page, which says how it went.
async fn set_alert_email(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<EmailForm>,
) -> Response {
    use monalisa_app::auth::{Role, UserId};
    let id = UserId(form.compte);
    let user = match state.ctx.store.user(id).await {
        Ok(Some(u)) if matches!(u.role, Role::Ambassador | Role::Coordinator) => u,
        Ok(_) => return error_json(&ApiError::NotFound),
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    };
    let email = form.courriel.trim().to_lowercase();
    if !email.is_empty() && !crate::mail::valid_address(&email) {
        return Redirect::to(&format!("/comptes/{}?courriel=invalide", user.id)).into_response();
    }
    let email = (!email.is_empty()).then_some(email);
    if let Err(e) = state.ctx.store.set_user_email(user.id, email.as_deref()).await {
        return error_json(&monalisa_app::backend::internal(e));
    }
    let detail = if email.is_some() { "set" } else { "removed" };
    let target = id.to_string();
    let audit = monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "account.email", "account", &target, detail);
    if let Err(e) = audit.await {
        return error_json(&e);
    }
    Redirect::to(&format!("/comptes/{}?courriel=ok", user.id)).into_response()
}

#[derive(serde::Deserialize)]
struct IdQuery {
    id: i64,
}

/// Right of access: everything held on one resident of the scope, as a JSON download.
async fn export_dossier(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Query(q): Query<IdQuery>,
) -> Response {
    let id = monalisa_app::domain::ResidentId(q.id);
    match monalisa_app::api::dossier::ssr::dossier_for(&state.ctx, &me, id).await {
        Ok(dossier) => (
            [
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"monalisa-personne-{}.json\"", q.id)),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            axum::Json(dossier),
        )
            .into_response(),
        Err(e) => error_json(&e),
    }
}

#[derive(serde::Deserialize)]
struct WithdrawForm {
    id: i64,
    #[serde(default)]
    confirme: String,
}

/// A resident withdrew their consent (the ambassador records it, after confirming): their
/// personal data is erased here and, at their next sync, from the phones.
async fn withdraw_consent(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    use monalisa_app::domain::ResidentId;
    let Some(scope) = me.user.scope else { return error_json(&ApiError::Forbidden) };
    let resident = ResidentId(form.id);
    if form.confirme != "1" {
        return error_json(&ApiError::Invalid { field: "confirme".into(), reason: "required".into() });
    }
    let record = match state.ctx.store.resident(resident).await {
        Ok(Some(r)) => r,
        Ok(None) => return error_json(&ApiError::NotFound),
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    };
    let Some(centre) = state.shapes.iter().find(|s| s.commune.insee == record.commune).map(|s| s.commune.centre) else {
        return error_json(&ApiError::NotFound);
    };
    let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
    match state.ctx.store.withdraw_consent(scope, resident, centre, today).await {
        Ok(()) => {}
        Err(monalisa_app::backend::StoreError::NotFound) => return error_json(&ApiError::NotFound),
        Err(monalisa_app::backend::StoreError::Conflict(why)) => return error_json(&ApiError::Conflict(why)),
        Err(e) => return error_json(&monalisa_app::backend::internal(e)),
    }
    let target = resident.to_string();
    let audit = monalisa_app::backend::auth::audit(
        &state.ctx,
        Some(&me),
        "resident.consent_withdrawn",
        "resident",
        &target,
        "erased",
    );
    if let Err(e) = audit.await {
        return error_json(&e);
    }
    tracing::info!(resident = resident.0, "consent withdrawn: personal data erased");
    Redirect::to("/personnes?retire=1").into_response()
}

/// Why a person's form was not saved: the form's own error (sent back with the form), or a
/// refusal of the request itself.
enum Refusal {
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
type Saved = (&'static str, &'static str, String, String);

/// A person's form post (`form`: the form's page): `save` checks and stores it; then back to
/// the list, or to the form with the error and what was typed.
async fn person_post(
    state: &AppState,
    me: &monalisa_app::backend::auth::CurrentUser,
    req: Request<Body>,
    form: &str,
    save: impl AsyncFnOnce(&monalisa_app::people::Fields, monalisa_app::domain::ScopeId) -> Result<Saved, Refusal>,
) -> Response {
    let (parts, fields) = match form_fields(req).await {
        Ok(f) => f,
        Err(res) => return res,
    };
    let Some(scope) = me.user.scope else {
        return error_json(&ApiError::Forbidden);
    };
    let page = match monalisa_app::people::field(&fields, "id") {
        "" => form.to_owned(),
        id => format!("{form}?id={}", id.parse::<i64>().unwrap_or_default()),
    };
    let (action, kind, id, detail) = match save(&fields, scope).await {
        Ok(saved) => saved,
        Err(Refusal::Form(error)) => return form_again(state, &parts, &page, fields, error).await,
        Err(Refusal::Api(e)) => return error_json(&e),
    };
    if let Err(e) = monalisa_app::backend::auth::audit(&state.ctx, Some(me), action, kind, &id, &detail).await {
        return error_json(&e);
    }
    Redirect::to("/personnes?enregistre=1").into_response()
}

/// The resident form's post: a new resident (with the consent given to this ambassador) or an
/// edit.
async fn save_resident(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    req: Request<Body>,
) -> Response {
    let Some(ambassador) = me.user.ambassador else {
        return error_json(&ApiError::Forbidden);
    };
    let store = state.ctx.store.clone();
    let shapes = state.shapes.clone();
    person_post(&state, &me, req, "/personnes/fiche", async move |fields, scope| {
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
async fn save_volunteer(
    State(state): State<AppState>,
    axum::Extension(me): axum::Extension<monalisa_app::backend::auth::CurrentUser>,
    req: Request<Body>,
) -> Response {
    let store = state.ctx.store.clone();
    let shapes = state.shapes.clone();
    person_post(&state, &me, req, "/benevoles/fiche", async move |fields, scope| {
        let draft = monalisa_app::people::parse_volunteer(fields)?;
        let home = home_in(&shapes, &draft.commune, draft.position).map_err(|r| field_error("position", r))?;
        let id = store.save_volunteer(scope, &draft, home).await?;
        let action = if draft.id.is_some() { "volunteer.update" } else { "volunteer.create" };
        Ok((action, "volunteer", id.to_string(), String::new()))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_changes_must_come_from_our_pages() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_static("visites.example.org"));
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(same_origin(&headers(&[("origin", "https://visites.example.org")])));
        assert!(!same_origin(&headers(&[("origin", "https://evil.example")])));
        // Our own form posts (no-referrer policy): Origin null, vouched for by Sec-Fetch-Site.
        assert!(same_origin(&headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&headers(&[("origin", "null"), ("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("origin", "null")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(same_origin(&headers(&[])));
        // With a session cookie, a request that says nothing of where it comes from is refused.
        assert!(!same_origin(&headers(&[("cookie", "monalisa_session=x")])));
        assert!(!same_origin(&headers(&[("cookie", "lang=fr; monalisa_device=y")])));
        assert!(same_origin(&headers(&[("cookie", "lang=fr")])));
        assert!(same_origin(&headers(&[("cookie", "monalisa_session=x"), ("sec-fetch-site", "same-origin")])));
    }

    #[test]
    fn odd_paths() {
        for (path, odd) in [
            ("/", false),
            ("/journal", false),
            ("/comptes/3", false),
            ("/pkg/monalisa-abc.js", false),
            ("/journal/", true),
            ("/personnes/fiche/", true),
            ("//journal", true),
            ("/a//b", true),
        ] {
            assert_eq!(odd_path(path), odd, "{path}");
        }
        assert!(odd_path(&format!("/pkg/{}", "a".repeat(256))));
        assert!(!odd_path(&format!("/icons/{}", "a".repeat(255))));
        assert!(routes::find("GET", NOT_FOUND_PATH).is_none());
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
