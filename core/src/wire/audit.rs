//! The audit trail: who read or changed what, from which device, when. Entries reference
//! objects by kind and id and never copy personal data. Admins browse and filter it.

use crate::auth::{DeviceId, UserId};

use crate::domain::{Date, Timestamp};

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    /// The actor's login, joined when reading (not stored in the entry).
    pub actor_login: Option<String>,
    pub device: Option<DeviceId>,
    /// What happened: `resident.read`, `account.create`, `device.revoke`, ...
    pub action: String,
    /// `resident`, `visit`, `report`, `account`, `device`.
    pub object_kind: String,
    pub object_id: String,
    /// A short, non-personal detail (a role, a purpose, the kind of read).
    pub detail: String,
}

/// Object kinds an entry can be about (for the filter).
pub const OBJECT_KINDS: &[&str] =
    &["resident", "visit", "report", "account", "device", "volunteer", "ambassador", "scope", "territory"];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<UserId>,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    /// First day included (UTC).
    pub since: Option<Date>,
    /// Last day included (UTC).
    pub until: Option<Date>,
    /// Only entries older than this id (paging backwards).
    pub before_id: Option<i64>,
    pub limit: u32,
}
