//! The errors a server function answers, with stable codes (`ApiError`), and their wire form.

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
    /// The phone speaks a sync protocol the server no longer accepts: the app must update.
    #[error("this version of the app is too old for the server")]
    UpgradeRequired,
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
            ApiError::UpgradeRequired => code("upgrade_required"),
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
            "upgrade_required" => ApiError::UpgradeRequired,
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
}

#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for ApiError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(e: server_fn::error::ServerFnErrorErr) -> Self {
        match e {
            server_fn::error::ServerFnErrorErr::Request(_) => ApiError::Network,
            server_fn::error::ServerFnErrorErr::Args(m) | server_fn::error::ServerFnErrorErr::MissingArg(m) => {
                ApiError::BadRequest(m)
            }
            // On the server, "deserialization" can only be the request's body; on the phone it
            // is the server's answer.
            server_fn::error::ServerFnErrorErr::Deserialization(m) if cfg!(feature = "ssr") => ApiError::BadRequest(m),
            server_fn::error::ServerFnErrorErr::ServerError(_)
            | server_fn::error::ServerFnErrorErr::MiddlewareError(_)
            | server_fn::error::ServerFnErrorErr::Registration(_) => ApiError::Unavailable,
            _ => ApiError::Protocol,
        }
    }
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
            ApiError::TooLarge,
            ApiError::UpgradeRequired,
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
