//! Access control from the route table, before any handler: odd paths, body size, same-origin
//! for state changes, authentication, each route's rule (401, 403) and `no-store`.

use super::error::AppError;
use super::extract::BODY_LIMIT;
use super::prelude::*;
use super::state::{AppState, cookie, request_lang};
use monalisa_app::auth::{Access, Caching, RouteKind};
use monalisa_app::backend::auth::{Authentication, DEVICE_COOKIE, RequestMeta, SESSION_COOKIE, authenticate};
use std::net::{IpAddr, SocketAddr};

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

pub(crate) fn wants_html(req: &Request<Body>) -> bool {
    req.method() == Method::GET
        && req.headers().get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// A path no route has, and which the page router or a file service would misread: an empty
/// segment (a trailing slash, `//`) or one longer than a file name can be (255 bytes).
pub(crate) fn odd_path(path: &str) -> bool {
    path != "/" && path.strip_prefix('/').is_none_or(|rest| rest.split('/').any(|s| s.is_empty() || s.len() > 255))
}

/// Where requests for an odd path are rendered: no route has it, so the page is "not found".
pub(crate) const NOT_FOUND_PATH: &str = "/introuvable";

/// Access control from the route table (`monalisa_app::routes`): unknown routes are 404,
/// state-changing requests must be same-origin, and each route's rule is enforced (401 not
/// logged in, 403 wrong role). The caller is attached to the request for the handlers;
/// responses of routes with personal data are marked `no-store`.
pub(crate) async fn access_control(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    // An import's file may be larger than a form (its route has its own limit).
    let limit = if path == "/import/essai" { crate::http::forms::import::IMPORT_LIMIT } else { BODY_LIMIT };
    if declared.is_some_and(|n| n > limit) {
        return AppError::Api(ApiError::TooLarge).into_response();
    }
    if odd_path(&path) {
        if wants_html(&req) {
            // The app's "page not found" (404); the page router would read `/journal/` as `/journal`.
            *req.uri_mut() = axum::http::Uri::from_static(NOT_FOUND_PATH);
            return next.run(req).await;
        }
        return AppError::Api(ApiError::NotFound).into_response();
    }
    let Some(spec) = routes::find(method.as_str(), &path) else {
        if wants_html(&req) {
            return next.run(req).await; // the app's 404 page
        }
        let mut res = AppError::Api(ApiError::NotFound).into_response();
        if routes::path_known(&path) {
            *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        }
        return res;
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
        return AppError::Api(ApiError::CrossOrigin).into_response();
    }

    let auth = match authenticate(&state.ctx, req.headers()).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "authentication: storage failure");
            return AppError::Api(ApiError::Unavailable).into_response();
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
        let refusal = if page {
            AppError::Page { status: monalisa_app::backend::status_of(&e), lang, path }
        } else {
            AppError::Api(e)
        };
        return refusal.into_response();
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
pub(crate) async fn with_error_status(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return AppError::Api(ApiError::Unavailable).into_response();
    };
    if let Ok(e) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = monalisa_app::backend::status_of(&e);
    }
    Response::from_parts(parts, Body::from(bytes))
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
