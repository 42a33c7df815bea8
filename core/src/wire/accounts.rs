//! Accounts and devices, managed by ambassadors (the volunteers of their scope) and admins
//! (everyone): create, disable, give an enrolment or reset link (with its QR code), list and
//! revoke devices.

use crate::error::ApiError;

use crate::auth::{DeviceId, Role, UserId};

use crate::domain::{AmbassadorId, ScopeId, Timestamp, VolunteerId};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Has chosen a password.
    pub enrolled: bool,
    pub scope: Option<ScopeId>,
    /// Devices not revoked.
    pub active_devices: u32,
    pub last_seen: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    pub id: DeviceId,
    pub label: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub last_sync: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub account: AccountSummary,
    pub devices: Vec<DeviceView>,
}

/// A person who could get an account: a volunteer or an ambassador without one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Candidate {
    Volunteer { id: VolunteerId, name: String },
    Ambassador { id: AmbassadorId, name: String },
}

/// Who the new account is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountFor {
    Volunteer(VolunteerId),
    Ambassador(AmbassadorId),
    /// Coordinators and admins have no volunteer or ambassador record.
    Staff {
        role: Role,
        display_name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentLink {
    pub url: String,
    /// The URL as a QR code, an SVG drawing.
    pub qr_svg: String,
    pub expires_at: Timestamp,
    pub reset: bool,
}

/// Where an account's concern alerts go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertAddress {
    /// `None`: no alerts.
    pub email: Option<String>,
}

/// Logins: 3 to 40 lowercase letters, digits, dots and hyphens (easy to type on a phone).
pub fn check_login(login: &str) -> Result<String, ApiError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(ApiError::invalid("login", "required"));
    }
    if login.chars().count() < 3 {
        return Err(ApiError::invalid("login", "too_short"));
    }
    if login.chars().count() > 40 {
        return Err(ApiError::invalid("login", "too_long"));
    }
    if !login.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-') {
        return Err(ApiError::invalid("login", "format"));
    }
    Ok(login)
}
