//! Server functions the pages call, with the wire types they exchange. Every endpoint has an
//! explicit, versioned path (`/api/v1/...`, listed with its access rule in `crate::routes`):
//! a phone running an old cached build keeps calling the paths it knows, so they never move.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod concerns;
pub mod coverage;
pub mod dossier;
pub mod people;
pub mod planning;
pub mod residents;
pub mod review;
pub mod sync;

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The errors a page can get back from the server, with stable codes. The JSON is flat:
/// `{"code": "invalid", "field": "login", "reason": "taken"}` (see [`WireError`]). Internal
/// details are logged on the server, never sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(from = "WireError", into = "WireError")]
pub enum ApiError {
    #[error("the service is temporarily unavailable")]
    Unavailable,
    #[error("the server could not be reached")]
    Network,
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("unexpected answer from the server")]
    Protocol,
    #[error("not logged in")]
    NotLoggedIn,
    #[error("this device was revoked")]
    DeviceRevoked,
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("cross-origin request refused")]
    CrossOrigin,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("this link is invalid, expired or already used")]
    LinkInvalid,
    #[error("too many attempts; retry in {retry_after_minutes} minutes")]
    TooManyAttempts { retry_after_minutes: u32 },
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the request is too large")]
    TooLarge,
}

/// [`ApiError`] on the wire: a plain struct, which (unlike a tagged enum) serde reads without
/// buffering, keeping the phone's bundle small.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_minutes: Option<u32>,
}

impl From<ApiError> for WireError {
    fn from(e: ApiError) -> WireError {
        let code = |c: &str| WireError { code: c.to_owned(), ..WireError::default() };
        match e {
            ApiError::Unavailable => code("unavailable"),
            ApiError::Network => code("network"),
            ApiError::BadRequest(m) => WireError { message: Some(m), ..code("bad_request") },
            ApiError::Protocol => code("protocol"),
            ApiError::NotLoggedIn => code("not_logged_in"),
            ApiError::DeviceRevoked => code("device_revoked"),
            ApiError::AccountDisabled => code("account_disabled"),
            ApiError::Forbidden => code("forbidden"),
            ApiError::NotFound => code("not_found"),
            ApiError::CrossOrigin => code("cross_origin"),
            ApiError::InvalidCredentials => code("invalid_credentials"),
            ApiError::LinkInvalid => code("link_invalid"),
            ApiError::TooManyAttempts { retry_after_minutes } => {
                WireError { retry_after_minutes: Some(retry_after_minutes), ..code("too_many_attempts") }
            }
            ApiError::Invalid { field, reason } => {
                WireError { field: Some(field), reason: Some(reason), ..code("invalid") }
            }
            ApiError::Conflict(m) => WireError { message: Some(m), ..code("conflict") },
            ApiError::TooLarge => code("too_large"),
        }
    }
}

impl From<WireError> for ApiError {
    fn from(w: WireError) -> ApiError {
        match w.code.as_str() {
            "unavailable" => ApiError::Unavailable,
            "network" => ApiError::Network,
            "bad_request" => ApiError::BadRequest(w.message.unwrap_or_default()),
            "not_logged_in" => ApiError::NotLoggedIn,
            "device_revoked" => ApiError::DeviceRevoked,
            "account_disabled" => ApiError::AccountDisabled,
            "forbidden" => ApiError::Forbidden,
            "not_found" => ApiError::NotFound,
            "cross_origin" => ApiError::CrossOrigin,
            "invalid_credentials" => ApiError::InvalidCredentials,
            "link_invalid" => ApiError::LinkInvalid,
            "too_many_attempts" => {
                ApiError::TooManyAttempts { retry_after_minutes: w.retry_after_minutes.unwrap_or(15) }
            }
            "invalid" => ApiError::Invalid { field: w.field.unwrap_or_default(), reason: w.reason.unwrap_or_default() },
            "conflict" => ApiError::Conflict(w.message.unwrap_or_default()),
            "too_large" => ApiError::TooLarge,
            // An answer this build does not know (a newer server): say "unexpected".
            _ => ApiError::Protocol,
        }
    }
}

impl ApiError {
    /// A field failed validation; `reason` is a stable code (`required`, `too_short`, ...).
    pub fn invalid(field: &str, reason: &str) -> ApiError {
        ApiError::Invalid { field: field.to_owned(), reason: reason.to_owned() }
    }

    /// What to tell the user, in their language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{Msg, t, tf};
        let msg = match self {
            ApiError::Network => Msg::ErrNetwork,
            ApiError::NotLoggedIn => Msg::ErrNotLoggedIn,
            ApiError::DeviceRevoked => Msg::ErrDeviceRevoked,
            ApiError::AccountDisabled => Msg::ErrAccountDisabled,
            ApiError::Forbidden | ApiError::CrossOrigin => Msg::ErrForbidden,
            ApiError::NotFound => Msg::ErrNotFound,
            ApiError::InvalidCredentials => Msg::ErrInvalidCredentials,
            ApiError::LinkInvalid => Msg::ErrLinkInvalid,
            ApiError::TooManyAttempts { retry_after_minutes } => {
                return tf(lang, Msg::ErrTooManyAttempts, &[("n", &retry_after_minutes.to_string())]);
            }
            ApiError::Invalid { field, reason } => {
                let reason = match reason.as_str() {
                    "required" => Msg::ErrRequired,
                    "too_short" => Msg::ErrTooShort,
                    "too_long" => Msg::ErrTooLong,
                    "taken" => Msg::ErrTaken,
                    "mismatch" => Msg::ErrMismatch,
                    "format" => Msg::ErrFormat,
                    _ => Msg::ErrInvalid,
                };
                // French puts a space before the colon.
                let sep = if lang == crate::i18n::Lang::Fr { " : " } else { ": " };
                return format!("{}{sep}{}", field_label(lang, field), t(lang, reason));
            }
            ApiError::Conflict(_) => Msg::ErrConflict,
            ApiError::Unavailable | ApiError::BadRequest(_) | ApiError::Protocol | ApiError::TooLarge => {
                Msg::ErrUnavailable
            }
        };
        t(lang, msg).to_owned()
    }
}

fn field_label(lang: crate::i18n::Lang, field: &str) -> &'static str {
    use crate::i18n::{Msg, t};
    match field {
        "login" => t(lang, Msg::FieldLogin),
        "password" => t(lang, Msg::FieldPassword),
        "display_name" => t(lang, Msg::FieldDisplayName),
        "person" => t(lang, Msg::FieldPerson),
        "role" => t(lang, Msg::FieldRole),
        _ => t(lang, Msg::FieldOther),
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            ServerFnErrorErr::Request(_) => ApiError::Network,
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => ApiError::BadRequest(m),
            // On the server, "deserialization" can only be the request's body; on the phone it
            // is the server's answer.
            ServerFnErrorErr::Deserialization(m) if cfg!(feature = "ssr") => ApiError::BadRequest(m),
            ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Registration(_) => ApiError::Unavailable,
            _ => ApiError::Protocol,
        }
    }
}

/// Public facts about one commune (census data only: never counts of people followed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneFacts {
    pub insee: String,
    pub name: String,
    pub population: u32,
    pub area_km2: f64,
}

impl CommuneFacts {
    pub fn density(&self) -> f64 {
        if self.area_km2 > 0.0 { f64::from(self.population) / self.area_km2 } else { 0.0 }
    }
}

/// The territory page's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TerritoryFacts {
    pub population_year: u16,
    pub communes: Vec<CommuneFacts>,
}

impl TerritoryFacts {
    pub fn total_population(&self) -> u64 {
        self.communes.iter().map(|c| u64::from(c.population)).sum()
    }

    pub fn total_area_km2(&self) -> f64 {
        self.communes.iter().map(|c| c.area_km2).sum()
    }

    pub fn density(&self) -> f64 {
        let area = self.total_area_km2();
        if area > 0.0 { self.total_population() as f64 / area } else { 0.0 }
    }
}

/// The communes of the territory, sorted by name.
#[server(prefix = "/api/v1", endpoint = "territory", input = GetUrl)]
pub async fn territory() -> Result<TerritoryFacts, ApiError> {
    crate::backend::reply(territory_facts().await)
}

#[cfg(feature = "ssr")]
async fn territory_facts() -> Result<TerritoryFacts, ApiError> {
    let ctx = crate::backend::server_context()?;
    let mut communes = ctx.store.communes().await.map_err(crate::backend::internal)?;
    communes.sort_by(|a, b| crate::backend::collate_fr(&a.name, &b.name));
    let population_year = communes.iter().map(|c| c.population_year).max().unwrap_or(0);
    Ok(TerritoryFacts {
        population_year,
        communes: communes
            .into_iter()
            .map(|c| CommuneFacts {
                insee: c.insee.to_string(),
                name: c.name,
                population: c.population,
                area_km2: c.area_km2,
            })
            .collect(),
    })
}

/// What the server says about itself when a device checks it can reach it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// The build the server runs (`version+assets`).
    pub build: String,
    /// The server's clock, ms since the epoch: lets the phone notice a wrong clock.
    pub server_time_ms: i64,
}

#[server(prefix = "/api/v1", endpoint = "status", input = Json)]
pub async fn server_status() -> Result<ServerInfo, ApiError> {
    let ctx = crate::backend::server_context()?;
    let result = ctx.store.ping().await.map_err(crate::backend::internal);
    crate::backend::reply(
        result.map(|()| ServerInfo { build: ctx.build.label(), server_time_ms: crate::backend::now_ms() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_the_wire_form() {
        let all = [
            ApiError::Unavailable,
            ApiError::Network,
            ApiError::BadRequest("x".into()),
            ApiError::Protocol,
            ApiError::NotLoggedIn,
            ApiError::DeviceRevoked,
            ApiError::AccountDisabled,
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::CrossOrigin,
            ApiError::InvalidCredentials,
            ApiError::LinkInvalid,
            ApiError::TooManyAttempts { retry_after_minutes: 7 },
            ApiError::invalid("login", "taken"),
            ApiError::Conflict("c".into()),
        ];
        for e in all {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<ApiError>(&json).unwrap(), e, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&ApiError::invalid("login", "taken")).unwrap(),
            r#"{"code":"invalid","field":"login","reason":"taken"}"#
        );
        assert_eq!(serde_json::from_str::<ApiError>(r#"{"code":"something_new"}"#).unwrap(), ApiError::Protocol);
    }
}
