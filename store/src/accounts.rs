//! Accounts and devices: logins, enrolment and reset links, devices, sessions, alert addresses, the audit trail.

use crate::StoreError;
use crate::records::*;
use monalisa_core::auth::{DeviceId, UserId};
use monalisa_core::domain::*;
use monalisa_core::wire::accounts::AccountSummary;
use monalisa_core::wire::audit::{AuditEntry, AuditFilter};

/// Accounts and devices: logins, enrolment and reset links, devices, sessions, alert addresses, the audit trail.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account; a login already taken is `StoreError::Conflict`.
    async fn create_user(&self, user: &NewUser, now: Timestamp) -> Result<UserId, StoreError>;
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError>;
    async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Accounts, with their devices counted; `scope` limits to volunteers of that scope.
    async fn list_accounts(&self, scope: Option<ScopeId>) -> Result<Vec<AccountSummary>, StoreError>;
    /// Volunteers (of `scope`, or all) and, when `scope` is `None`, ambassadors that have no account yet.
    async fn account_candidates(&self, scope: Option<ScopeId>)
    -> Result<(Vec<Volunteer>, Vec<Ambassador>), StoreError>;
    async fn set_password(&self, user: UserId, hash: &str) -> Result<(), StoreError>;
    /// Disabling also ends every session of the account.
    async fn set_user_disabled(&self, user: UserId, disabled: bool, now: Timestamp) -> Result<(), StoreError>;
    /// The address an ambassador or coordinator gets alerts at (`None`: no alerts).
    async fn user_email(&self, user: UserId) -> Result<Option<String>, StoreError>;
    async fn set_user_email(&self, user: UserId, email: Option<&str>) -> Result<(), StoreError>;
    /// Stores a new link (by the hash of its token) and invalidates the user's unused ones.
    async fn create_enrolment(
        &self,
        token_hash: &str,
        user: UserId,
        purpose: EnrolmentPurpose,
        created_by: Option<UserId>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn enrolment(&self, token_hash: &str) -> Result<Option<EnrolmentRecord>, StoreError>;
    /// Atomically: the link is unused and unexpired, then it is marked used and the password
    /// set. `NotFound` if the link cannot be used.
    async fn use_enrolment(&self, token_hash: &str, password_hash: &str, now: Timestamp) -> Result<UserId, StoreError>;
    /// The device a device token names, if it belongs to `user`.
    async fn device_by_token(&self, token_hash: &str, user: UserId) -> Result<Option<DeviceRecord>, StoreError>;
    async fn create_device(
        &self,
        user: UserId,
        token_hash: &str,
        label: &str,
        now: Timestamp,
    ) -> Result<DeviceId, StoreError>;
    async fn device(&self, id: DeviceId) -> Result<Option<DeviceRecord>, StoreError>;
    async fn devices_of(&self, user: UserId) -> Result<Vec<DeviceRecord>, StoreError>;
    /// Revokes a device and ends its sessions.
    async fn revoke_device(&self, id: DeviceId, now: Timestamp) -> Result<(), StoreError>;
    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        device: DeviceId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Extends a session and records the device as seen.
    async fn refresh_session(&self, token_hash: &str, now: Timestamp, expires_at: Timestamp) -> Result<(), StoreError>;
    async fn end_session(&self, token_hash: &str, now: Timestamp) -> Result<(), StoreError>;
    /// The failed-login counts under `keys` whose window (`window_ms` from their first failure)
    /// is still open at `now`, shared by every server process on the database.
    async fn login_failures(
        &self,
        keys: &[String],
        now: Timestamp,
        window_ms: i64,
    ) -> Result<Vec<LoginFailures>, StoreError>;
    /// Counts one failure under each key (a window over starts again at `now`), and forgets
    /// every window over.
    async fn record_login_failure(&self, keys: &[String], now: Timestamp, window_ms: i64) -> Result<(), StoreError>;
    /// Forgets the counts under `keys` (a login that succeeded).
    async fn clear_login_failures(&self, keys: &[String]) -> Result<(), StoreError>;
    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
}
