//! Server-side pieces the app crate needs (feature `ssr`): the storage trait that server
//! functions call, the per-request context (who is calling, from where), authentication
//! ([`auth`]), and the page security headers.
//!
//! The store is `monalisa_store`'s traits, so handlers never see SQL: `monalisa-store-sql`
//! implements them on SQLite and on PostgreSQL.

pub mod auth;
pub mod qr;
pub mod sync;

use crate::env::BuildInfo;
use leptos::prelude::*;
use monalisa_core::error::ApiError;
use std::sync::Arc;

pub use monalisa_store::*;

/// Settings the server functions need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long a session lasts without use (the app opens offline meanwhile).
    pub session_days: u32,
    /// How long an enrolment or reset link stays valid.
    pub enrolment_hours: u32,
    /// The address users reach the server at, for links (`https://visites.example.org`).
    pub public_url: String,
    /// Force the `Secure` cookie attribute (else set when the request came over HTTPS).
    pub secure_cookies: bool,
    /// Phones lock after this many minutes without use.
    pub phone_lock_minutes: u32,
    /// Phones that have not reached the server for this many days wipe their readable data.
    pub phone_wipe_days: u32,
    /// Where users report an accessibility problem (an e-mail address or a postal address),
    /// shown on the accessibility statement.
    pub accessibility_contact: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_days: 60,
            enrolment_hours: 48,
            public_url: "http://127.0.0.1:3000".into(),
            secure_cookies: false,
            phone_lock_minutes: 5,
            phone_wipe_days: 14,
            accessibility_contact: None,
        }
    }
}

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Arc<dyn Store>,
    pub build: BuildInfo,
    pub settings: Arc<Settings>,
    /// Road travel times for planning, when a routing service is configured (else great-circle
    /// distances with a detour factor).
    pub road_times: Option<Arc<dyn RoadTimes>>,
    /// When a geocoder is configured: imports queue the homes they bring without a position,
    /// and wake the worker that locates them from their address.
    pub geocoding: Option<Arc<tokio::sync::Notify>>,
    /// The key phones seal reports to (read from the store at first use, made on the first).
    seal: Arc<tokio::sync::OnceCell<Arc<crate::seal::SealKey>>>,
}

impl ServerContext {
    pub fn new(store: Arc<dyn Store>, build: BuildInfo, settings: Settings) -> ServerContext {
        ServerContext {
            store,
            build,
            settings: Arc::new(settings),
            road_times: None,
            geocoding: None,
            seal: Default::default(),
        }
    }

    /// The key phones seal reports to: kept in the store, made on the first use.
    pub async fn seal_key(&self) -> Result<Arc<crate::seal::SealKey>, StoreError> {
        self.seal
            .get_or_try_init(|| async {
                let secret = self.store.secret("seal-p256", &crate::seal::SealKey::generate()).await?;
                crate::seal::SealKey::from_secret(&secret)
                    .map(Arc::new)
                    .ok_or_else(|| StoreError::other("the stored sealing key is not a P-256 key"))
            })
            .await
            .cloned()
    }

    /// `info` with what phones are told at login and at each session check: the sealing key,
    /// the lock and the no-contact wipe.
    pub async fn with_phone_policy(
        &self,
        info: crate::auth::SessionInfo,
    ) -> Result<crate::auth::SessionInfo, StoreError> {
        Ok(crate::auth::SessionInfo {
            seal_key: crate::b64::encode(&self.seal_key().await?.public()),
            lock_minutes: self.settings.phone_lock_minutes,
            wipe_days: self.settings.phone_wipe_days,
            ..info
        })
    }
}

/// A source of road travel times between points (`[lon, lat]`), as the planner's table.
#[async_trait::async_trait]
pub trait RoadTimes: Send + Sync {
    async fn table(&self, points: &[[f64; 2]]) -> Result<monalisa_planner::travel::MatrixTravel, String>;
}

/// The request's server context (provided by the server for every page and server function).
pub fn server_context() -> Result<ServerContext, ApiError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("server context missing from the request");
        ApiError::Unavailable
    })
}

/// Logs a storage failure and turns it into the error the client sees.
pub fn internal(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::NotFound,
        e => {
            tracing::error!(error = %e, "storage failure");
            ApiError::Unavailable
        }
    }
}

/// The HTTP status of an error answer (the status rule: 401 not logged in, 403 role not
/// allowed, 404 outside the caller's scope or absent).
pub fn status_of(e: &ApiError) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    match e {
        ApiError::NotLoggedIn | ApiError::DeviceRevoked | ApiError::AccountDisabled => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden | ApiError::CrossOrigin => StatusCode::FORBIDDEN,
        ApiError::NotFound => StatusCode::NOT_FOUND,
        ApiError::InvalidCredentials | ApiError::LinkInvalid => StatusCode::UNAUTHORIZED,
        ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::BadRequest(_) | ApiError::Invalid { .. } => StatusCode::BAD_REQUEST,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::UpgradeRequired => StatusCode::UPGRADE_REQUIRED,
        ApiError::Unavailable | ApiError::Network | ApiError::Protocol => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Ends a server function: on error, the response gets the error's HTTP status.
pub fn reply<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(e) = &result {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_of(e));
        }
    }
    result
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Orders names as a French reader expects (accents fold onto their letter, case ignored).
pub fn collate_fr(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'î' | 'ï' | 'Î' | 'Ï' => 'i',
                'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
                'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
                'ç' | 'Ç' => 'c',
                '-' | '\'' | '’' => ' ',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// The Content-Security-Policy of an HTML page: scripts only from this origin or inline with
/// this response's nonce (Leptos' hydration script), WebAssembly compilation allowed, no
/// inline styles, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Puts the page CSP, with the nonce Leptos generated for this response, on the response.
pub fn set_page_security_headers() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = axum::http::HeaderValue::from_str(&page_csp(&nonce)) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_collation() {
        let mut names = vec!["Élan", "Champniers", "Chatain", "Château-Garnier", "Civray", "Anché"];
        names.sort_by(|a, b| collate_fr(a, b));
        assert_eq!(names, ["Anché", "Champniers", "Chatain", "Château-Garnier", "Civray", "Élan"]);
    }

    #[test]
    fn csp_has_no_unsafe_inline() {
        let csp = page_csp("abc");
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("'nonce-abc'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
