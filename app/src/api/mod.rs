//! Server functions the pages call, with the wire types they exchange. Every endpoint has an
//! explicit, versioned path (`/api/v1/...`, listed with its access rule in `crate::routes`):
//! a phone running an old cached build keeps calling the paths it knows, so they never move.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod concerns;
pub mod coverage;
pub mod dossier;
pub mod import;
pub mod people;
pub mod planning;
pub mod residents;
pub mod review;
pub mod setup;
pub mod sync;

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

pub use monalisa_core::error::{ApiError, WireError};
pub use monalisa_core::wire::territory::*;

/// An [`ApiError`] in the user's words (the texts live in the app's translations).
pub trait ErrorText {
    fn message(&self, lang: crate::i18n::Lang) -> String;
}

impl ErrorText for ApiError {
    /// What to tell the user, in their language.
    fn message(&self, lang: crate::i18n::Lang) -> String {
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
            ApiError::UpgradeRequired => Msg::SyncErrUpdate,
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

/// The communes of the territory, sorted by name.
#[server(prefix = "/api/v1", endpoint = "territory", input = GetUrl)]
pub async fn territory() -> Result<TerritoryFacts, ApiError> {
    crate::backend::reply(ssr::territory().await)
}

#[server(prefix = "/api/v1", endpoint = "status", input = Json)]
pub async fn server_status() -> Result<ServerInfo, ApiError> {
    crate::backend::reply(ssr::status().await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{collate_fr, internal, now_ms, server_context};

    pub async fn territory() -> Result<TerritoryFacts, ApiError> {
        let ctx = server_context()?;
        let mut communes = ctx.store.communes().await.map_err(internal)?;
        communes.sort_by(|a, b| collate_fr(&a.name, &b.name));
        let population_year = communes.iter().map(|c| c.population_year).max().unwrap_or(0);
        let first_start = ctx.store.counts().await.map_err(internal)?.accounts == 0;
        Ok(TerritoryFacts {
            first_start,
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

    pub async fn status() -> Result<ServerInfo, ApiError> {
        let ctx = server_context()?;
        ctx.store.ping().await.map_err(internal)?;
        Ok(ServerInfo { build: ctx.build.label(), server_time_ms: now_ms() })
    }
}
