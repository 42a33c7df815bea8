//! Server-side pieces the app crate needs (feature `ssr`): the storage trait that server
//! functions call, the per-request context, and the page security headers.
//!
//! The store is a trait so handlers never see SQL: SQLite implements it today, PostgreSQL
//! will implement the same trait later.

use crate::api::ApiError;
use crate::domain::{Ambassador, Commune, Report, Resident, Round, Scope, Visit, Volunteer};
use crate::env::BuildInfo;
use leptos::prelude::*;
use std::sync::Arc;

/// The two things a caller can do something about: a missing record, or anything else
/// (logged, reported as "unavailable").
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("invalid data: {0}")]
    Invalid(String),
    #[error("storage failure: {0}")]
    Other(String),
}

/// A commune with its outline, as loaded from the territory file.
#[derive(Clone, Debug, PartialEq)]
pub struct CommuneRecord {
    pub commune: Commune,
    /// GeoJSON geometry (Polygon or MultiPolygon), WGS84.
    pub outline: String,
}

/// A whole population to import at once (the demo territory, test fixtures): scopes with
/// their communes, people, rounds, visits and reports, with their ids already assigned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Population {
    pub scopes: Vec<Scope>,
    pub ambassadors: Vec<Ambassador>,
    pub volunteers: Vec<Volunteer>,
    pub residents: Vec<Resident>,
    pub rounds: Vec<Round>,
    pub visits: Vec<Visit>,
    pub reports: Vec<Report>,
}

/// Counts of what a store holds, for operators (never per-person data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreCounts {
    pub communes: u64,
    pub scopes: u64,
    pub ambassadors: u64,
    pub volunteers: u64,
    pub residents: u64,
    pub visits: u64,
    pub reports: u64,
}

#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Loads the territory's communes if the store has none; returns how many were added.
    async fn ensure_communes(&self, communes: &[CommuneRecord]) -> Result<usize, StoreError>;
    async fn communes(&self) -> Result<Vec<Commune>, StoreError>;
    async fn counts(&self) -> Result<StoreCounts, StoreError>;
    /// Imports a population in one transaction: all of it or nothing.
    async fn import_population(&self, population: &Population) -> Result<(), StoreError>;
    /// Closes connections cleanly (graceful shutdown).
    async fn close(&self);
}

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct ServerContext {
    pub store: Arc<dyn Store>,
    pub build: BuildInfo,
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
    tracing::error!(error = %e, "storage failure");
    ApiError::Unavailable
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
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
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
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
