//! Accounts and devices, managed by ambassadors (the volunteers of their scope) and admins
//! (everyone): create, disable, give an enrolment or reset link (with its QR code), list and
//! revoke devices.

pub use monalisa_core::wire::accounts::*;

use super::ApiError;

use crate::auth::{DeviceId, UserId};

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "accounts/list", input = Json)]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, ApiError> {
    crate::backend::reply(ssr::list().await)
}

#[server(prefix = "/api/v1", endpoint = "accounts/candidates", input = Json)]
pub async fn account_candidates() -> Result<Vec<Candidate>, ApiError> {
    crate::backend::reply(ssr::candidates().await)
}

#[server(prefix = "/api/v1", endpoint = "accounts/create", input = Json)]
pub async fn create_account(login: String, person: AccountFor) -> Result<(AccountSummary, EnrolmentLink), ApiError> {
    crate::backend::reply(ssr::create(login, person).await)
}

#[server(prefix = "/api/v1", endpoint = "accounts/get", input = Json)]
pub async fn get_account(id: UserId) -> Result<AccountDetail, ApiError> {
    crate::backend::reply(ssr::get(id).await)
}

#[server(prefix = "/api/v1", endpoint = "accounts/set-disabled", input = Json)]
pub async fn set_account_disabled(id: UserId, disabled: bool) -> Result<AccountDetail, ApiError> {
    crate::backend::reply(ssr::set_disabled(id, disabled).await)
}

#[server(prefix = "/api/v1", endpoint = "accounts/enrolment-link", input = Json)]
pub async fn issue_enrolment_link(id: UserId) -> Result<EnrolmentLink, ApiError> {
    crate::backend::reply(ssr::link(id).await)
}

#[server(prefix = "/api/v1", endpoint = "devices/revoke", input = Json)]
pub async fn revoke_device(id: DeviceId) -> Result<AccountDetail, ApiError> {
    crate::backend::reply(ssr::revoke(id).await)
}

/// The address an ambassador's or coordinator's account gets concern alerts at. `None` when
/// there is nothing to show: the caller is not an admin (who alone sets them), or the account
/// gets no alerts (other roles).
#[server(prefix = "/api/v1", endpoint = "accounts/alert-email", input = Json)]
pub async fn alert_email(id: UserId) -> Result<Option<AlertAddress>, ApiError> {
    crate::backend::reply(ssr::alert_email(id).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The bodies, shared with the operator CLI (`monalisa user ...`).
    use super::*;
    use crate::auth::Role;
    use crate::backend::auth::{self, CurrentUser, require};
    use crate::backend::{NewUser, ServerContext, StoreError, UserRecord, internal, now_ms, server_context};
    use crate::domain::Timestamp;

    const MANAGERS: &[Role] = &[Role::Ambassador, Role::Admin];

    pub(super) async fn list() -> Result<Vec<AccountSummary>, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        match me.role() {
            Role::Admin => ctx.store.list_accounts(None).await.map_err(internal),
            _ => {
                let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
                let all = ctx.store.list_accounts(Some(scope)).await.map_err(internal)?;
                Ok(all.into_iter().filter(|a| a.role == Role::Volunteer).collect())
            }
        }
    }

    pub(super) async fn candidates() -> Result<Vec<Candidate>, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        let scope = match me.role() {
            Role::Admin => None,
            _ => Some(me.user.scope.ok_or(ApiError::Forbidden)?),
        };
        let (volunteers, ambassadors) = ctx.store.account_candidates(scope).await.map_err(internal)?;
        let mut out: Vec<Candidate> = volunteers
            .into_iter()
            .map(|v| Candidate::Volunteer { id: v.id, name: format!("{} {}", v.first_name, v.last_name) })
            .collect();
        out.extend(
            ambassadors
                .into_iter()
                .map(|a| Candidate::Ambassador { id: a.id, name: format!("{} {}", a.first_name, a.last_name) }),
        );
        Ok(out)
    }

    /// Creates an account for `person` and gives its enrolment link. Used by the screens
    /// (with `me`) and by the operator CLI (`me` = `None`, full rights).
    pub async fn create_for(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        login: &str,
        person: AccountFor,
    ) -> Result<(AccountSummary, EnrolmentLink), ApiError> {
        let login = check_login(login)?;
        let is_admin = me.is_none_or(|m| m.role() == Role::Admin);
        let new = match person {
            AccountFor::Volunteer(id) => {
                let v = ctx
                    .store
                    .volunteer(id)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| ApiError::invalid("person", "required"))?;
                if !is_admin && Some(v.scope) != me.and_then(|m| m.user.scope) {
                    return Err(ApiError::NotFound);
                }
                NewUser {
                    login,
                    display_name: format!("{} {}", v.first_name, v.last_name),
                    role: Role::Volunteer,
                    volunteer: Some(id),
                    ambassador: None,
                }
            }
            AccountFor::Ambassador(id) => {
                if !is_admin {
                    return Err(ApiError::Forbidden);
                }
                let a = ctx
                    .store
                    .ambassador(id)
                    .await
                    .map_err(internal)?
                    .ok_or_else(|| ApiError::invalid("person", "required"))?;
                NewUser {
                    login,
                    display_name: format!("{} {}", a.first_name, a.last_name),
                    role: Role::Ambassador,
                    volunteer: None,
                    ambassador: Some(id),
                }
            }
            AccountFor::Staff { role, display_name } => {
                if !is_admin {
                    return Err(ApiError::Forbidden);
                }
                if !matches!(role, Role::Coordinator | Role::Admin) {
                    return Err(ApiError::invalid("role", "format"));
                }
                let name = display_name.trim().to_owned();
                if name.is_empty() {
                    return Err(ApiError::invalid("display_name", "required"));
                }
                if name.chars().count() > 80 {
                    return Err(ApiError::invalid("display_name", "too_long"));
                }
                NewUser { login, display_name: name, role, volunteer: None, ambassador: None }
            }
        };
        let id = ctx.store.create_user(&new, Timestamp(now_ms())).await.map_err(|e| match e {
            StoreError::Conflict(what) if what == "login" => ApiError::invalid("login", "taken"),
            StoreError::Conflict(_) => ApiError::invalid("person", "taken"),
            e => internal(e),
        })?;
        auth::audit(ctx, me, "account.create", "account", &id.to_string(), new.role.code()).await?;
        let user = ctx.store.user(id).await.map_err(internal)?.ok_or(ApiError::Unavailable)?;
        let link = make_link(ctx, &user, me).await?;
        Ok((summary_of(ctx, &user).await?, link))
    }

    pub(super) async fn create(login: String, person: AccountFor) -> Result<(AccountSummary, EnrolmentLink), ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        create_for(&ctx, Some(&me), &login, person).await
    }

    async fn summary_of(ctx: &ServerContext, user: &UserRecord) -> Result<AccountSummary, ApiError> {
        let devices = ctx.store.devices_of(user.id).await.map_err(internal)?;
        Ok(AccountSummary {
            id: user.id,
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            disabled: user.disabled,
            enrolled: user.password_hash.is_some(),
            scope: user.scope,
            active_devices: devices.iter().filter(|d| d.revoked_at.is_none()).count() as u32,
            last_seen: devices.iter().map(|d| d.last_seen).max(),
        })
    }

    async fn detail(ctx: &ServerContext, user: &UserRecord) -> Result<AccountDetail, ApiError> {
        let devices = ctx.store.devices_of(user.id).await.map_err(internal)?;
        Ok(AccountDetail {
            account: summary_of(ctx, user).await?,
            devices: devices
                .into_iter()
                .map(|d| DeviceView {
                    id: d.id,
                    label: d.label,
                    first_seen: d.first_seen,
                    last_seen: d.last_seen,
                    last_sync: d.last_sync,
                    revoked_at: d.revoked_at,
                })
                .collect(),
        })
    }

    pub(super) async fn alert_email(id: UserId) -> Result<Option<AlertAddress>, ApiError> {
        let ctx = server_context()?;
        if require(&[Role::Admin]).is_err() {
            return Ok(None);
        }
        match ctx.store.user(id).await.map_err(internal)? {
            Some(user) if matches!(user.role, Role::Ambassador | Role::Coordinator) => {
                Ok(Some(AlertAddress { email: ctx.store.user_email(id).await.map_err(internal)? }))
            }
            _ => Ok(None),
        }
    }

    pub(super) async fn get(id: UserId) -> Result<AccountDetail, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        let user = auth::managed_user(&ctx, &me, id).await?;
        detail(&ctx, &user).await
    }

    /// Disables or enables an account (operator CLI: `me` = `None`).
    pub async fn set_disabled_for(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        user: &UserRecord,
        disabled: bool,
    ) -> Result<(), ApiError> {
        if disabled && me.is_some_and(|m| m.user.id == user.id) {
            return Err(ApiError::invalid("person", "format"));
        }
        ctx.store.set_user_disabled(user.id, disabled, Timestamp(now_ms())).await.map_err(internal)?;
        let action = if disabled { "account.disable" } else { "account.enable" };
        auth::audit(ctx, me, action, "account", &user.id.to_string(), "").await
    }

    pub(super) async fn set_disabled(id: UserId, disabled: bool) -> Result<AccountDetail, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        let user = auth::managed_user(&ctx, &me, id).await?;
        set_disabled_for(&ctx, Some(&me), &user, disabled).await?;
        let user = ctx.store.user(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        detail(&ctx, &user).await
    }

    /// A new enrolment (or reset) link with its QR code.
    pub async fn make_link(
        ctx: &ServerContext,
        user: &UserRecord,
        me: Option<&CurrentUser>,
    ) -> Result<EnrolmentLink, ApiError> {
        let (token, purpose, expires_at) = auth::issue_link(ctx, user, me).await?;
        let url = auth::link_url(&ctx.settings, &token);
        Ok(EnrolmentLink {
            qr_svg: crate::backend::qr::svg(&url),
            url,
            expires_at,
            reset: purpose == crate::backend::EnrolmentPurpose::Reset,
        })
    }

    pub(super) async fn link(id: UserId) -> Result<EnrolmentLink, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        let user = auth::managed_user(&ctx, &me, id).await?;
        if user.disabled {
            return Err(ApiError::AccountDisabled);
        }
        make_link(&ctx, &user, Some(&me)).await
    }

    pub(super) async fn revoke(id: DeviceId) -> Result<AccountDetail, ApiError> {
        let ctx = server_context()?;
        let me = require(MANAGERS)?;
        let device = ctx.store.device(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        let user = auth::managed_user(&ctx, &me, device.user).await?;
        if device.revoked_at.is_none() {
            ctx.store.revoke_device(id, Timestamp(now_ms())).await.map_err(internal)?;
            auth::audit(&ctx, Some(&me), "device.revoke", "device", &id.to_string(), "").await?;
        }
        detail(&ctx, &user).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(check_login(" Jeannine.C ").unwrap(), "jeannine.c");
        assert!(check_login("ab").is_err());
        assert!(check_login("jean nine").is_err());
        assert!(check_login("jeanne@x").is_err());
        assert!(check_login(&"a".repeat(41)).is_err());
    }
}
