//! Authentication on the server: passwords (argon2id), random tokens (sessions, devices,
//! enrolment links: only their SHA-256 is stored), the caller of a request, sessions and
//! devices, and login throttling.
//!
//! Throttling is designed so that an attacker cannot lock a volunteer out: failures are
//! counted per client address and per account, but a device that already logged in to the
//! account (it presents its device cookie) is held only to its own count, with a higher cap
//! (10 per 15 minutes): what others do cannot block it, and its cookie gives no unlimited
//! guesses at the password.

use super::{EnrolmentPurpose, LoginFailures, ServerContext, Settings, StoreError, UserRecord, internal, now_ms};
use crate::auth::{DeviceId, Role, SessionInfo, UserId};
use crate::domain::{ScopeId, Timestamp};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use leptos::prelude::*;
use monalisa_core::error::ApiError;
use monalisa_core::wire::audit::AuditEntry;
use sha2::{Digest, Sha256};
use std::net::IpAddr;

pub const SESSION_COOKIE: &str = "monalisa_session";
pub const DEVICE_COOKIE: &str = "monalisa_device";
/// Device cookies outlive sessions (Chromium caps cookie lifetime at 400 days).
const DEVICE_COOKIE_DAYS: u32 = 400;
const DAY_MS: i64 = 86_400_000;
/// A session is extended at most once an hour (not on every request).
const REFRESH_EVERY_MS: i64 = 3_600_000;
pub const MIN_PASSWORD_LEN: usize = 8;
const MAX_PASSWORD_LEN: usize = 200;

// ---- passwords and tokens ----------------------------------------------------------------

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        ApiError::Unavailable
    })
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Verifies against a fixed hash, so that an unknown login costs as much time as a known one.
fn burn_verification_time(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

pub fn check_new_password(password: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    if len == 0 {
        Err(ApiError::invalid("password", "required"))
    } else if len < MIN_PASSWORD_LEN {
        Err(ApiError::invalid("password", "too_short"))
    } else if len > MAX_PASSWORD_LEN {
        Err(ApiError::invalid("password", "too_long"))
    } else {
        Ok(())
    }
}

/// A new random token (256 bits, URL-safe).
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token: its SHA-256, so a leaked database opens no session.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- the caller of a request -------------------------------------------------------------

/// Facts about the request set by the HTTP layer (from the connection and trusted proxies).
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub client_ip: IpAddr,
    /// Came over HTTPS (directly or through a trusted proxy): cookies get `Secure`.
    pub secure: bool,
}

/// The logged-in caller, set by the HTTP layer from the session cookie.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: UserRecord,
    pub device: DeviceId,
    pub session_hash: String,
}

impl CurrentUser {
    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            user: self.user.id,
            display_name: self.user.display_name.clone(),
            role: self.user.role,
            device: self.device,
            seal_key: String::new(),
            lock_minutes: 0,
            wipe_days: 0,
        }
    }
}

/// The caller of a request from a revoked device (only sync push accepts it).
#[derive(Clone, Debug)]
pub struct RevokedDevice {
    pub user: UserRecord,
    pub device: DeviceId,
}

/// The outcome of looking at a request's session cookie.
#[derive(Clone, Debug)]
pub enum Authentication {
    Anonymous,
    User(CurrentUser),
    /// The session's device was revoked: the app must wipe its local data (after its last push,
    /// which goes to quarantine).
    DeviceRevoked(RevokedDevice),
    AccountDisabled,
}

/// Reads one cookie from request headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Finds who is calling from the session cookie; extends a session in use.
pub async fn authenticate(ctx: &ServerContext, headers: &axum::http::HeaderMap) -> Result<Authentication, StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(Authentication::Anonymous);
    };
    let hash = token_hash(token);
    let Some(session) = ctx.store.session(&hash).await? else {
        return Ok(Authentication::Anonymous);
    };
    let now = now_ms();
    // Revoked and disabled come first: their sessions were ended too, but the phone must
    // learn why, to wipe its data rather than ask to log in again.
    if session.device.revoked_at.is_some() {
        return Ok(Authentication::DeviceRevoked(RevokedDevice { user: session.user, device: session.device.id }));
    }
    if session.user.disabled {
        return Ok(Authentication::AccountDisabled);
    }
    if session.ended_at.is_some() || session.expires_at.0 <= now {
        return Ok(Authentication::Anonymous);
    }
    if now - session.refreshed_at.0 > REFRESH_EVERY_MS {
        ctx.store.refresh_session(&hash, Timestamp(now), Timestamp(now + session_ms(&ctx.settings))).await?;
    }
    Ok(Authentication::User(CurrentUser { user: session.user, device: session.device.id, session_hash: hash }))
}

fn session_ms(settings: &Settings) -> i64 {
    i64::from(settings.session_days) * DAY_MS
}

fn request_parts() -> Option<axum::http::request::Parts> {
    use_context::<axum::http::request::Parts>()
}

/// The logged-in caller of the current server function (the HTTP layer already refused
/// anonymous calls to routes that need a login).
pub fn current_user() -> Result<CurrentUser, ApiError> {
    request_parts().and_then(|p| p.extensions.get::<CurrentUser>().cloned()).ok_or(ApiError::NotLoggedIn)
}

/// The caller if logged in (for public routes that behave differently when logged in).
pub fn optional_user() -> Option<CurrentUser> {
    request_parts().and_then(|p| p.extensions.get::<CurrentUser>().cloned())
}

/// The revoked device calling (sync push only).
pub fn revoked_device() -> Option<RevokedDevice> {
    request_parts().and_then(|p| p.extensions.get::<RevokedDevice>().cloned())
}

pub fn request_meta() -> RequestMeta {
    request_parts()
        .and_then(|p| p.extensions.get::<RequestMeta>().cloned())
        .unwrap_or(RequestMeta { client_ip: IpAddr::from([127, 0, 0, 1]), secure: false })
}

/// Requires one of `roles` (the route table already checks; this guards reuse elsewhere).
pub fn require(roles: &[Role]) -> Result<CurrentUser, ApiError> {
    let me = current_user()?;
    if roles.contains(&me.role()) { Ok(me) } else { Err(ApiError::Forbidden) }
}

/// An ambassador calling, with the scope they work for: the one check every ambassador-only
/// function starts with (an ambassador account without a scope may do nothing).
#[derive(Clone, Debug)]
pub struct Ambassador {
    pub me: CurrentUser,
    pub scope: ScopeId,
}

/// The calling ambassador and their scope; `Forbidden` for any other caller.
pub fn ambassador() -> Result<Ambassador, ApiError> {
    let me = require(&[Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    Ok(Ambassador { me, scope })
}

// ---- cookies -------------------------------------------------------------------------------

fn cookie_header(name: &str, value: &str, max_age_s: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

fn set_cookie(header: String) {
    if let (Some(response), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), axum::http::HeaderValue::from_str(&header))
    {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
}

fn secure_cookies(ctx: &ServerContext) -> bool {
    ctx.settings.secure_cookies || request_meta().secure
}

/// Clears the session cookie (logout, revoked device).
pub fn clear_session_cookie(ctx: &ServerContext) {
    set_cookie(cookie_header(SESSION_COOKIE, "", 0, secure_cookies(ctx)));
}

// ---- audit ---------------------------------------------------------------------------------

/// Records an action in the audit trail (who, which device, what, when: never the personal
/// data itself). A failure to record fails the request: nothing is read or changed unlogged.
pub async fn audit(
    ctx: &ServerContext,
    actor: Option<&CurrentUser>,
    action: &str,
    object_kind: &str,
    object_id: &str,
    detail: &str,
) -> Result<(), ApiError> {
    let entry = AuditEntry {
        id: 0,
        at: Timestamp(now_ms()),
        actor: actor.map(|a| a.user.id),
        actor_login: None,
        device: actor.map(|a| a.device),
        action: action.to_owned(),
        object_kind: object_kind.to_owned(),
        object_id: object_id.to_owned(),
        detail: detail.to_owned(),
    };
    ctx.store.append_audit(&entry).await.map_err(internal)
}

// ---- login ---------------------------------------------------------------------------------

/// Logs in: checks throttling and the password, registers (or reuses) this browser's device,
/// opens a session and sets the cookies.
pub async fn login(
    ctx: &ServerContext,
    login: &str,
    password: &str,
    device_label: &str,
) -> Result<SessionInfo, ApiError> {
    let login = login.trim().to_lowercase();
    if login.is_empty() {
        return Err(ApiError::invalid("login", "required"));
    }
    if password.is_empty() {
        return Err(ApiError::invalid("password", "required"));
    }
    let meta = request_meta();
    let now = now_ms();
    let user = ctx.store.user_by_login(&login).await.map_err(internal)?;
    let device_token = request_parts().and_then(|p| cookie(&p.headers, DEVICE_COOKIE).map(str::to_owned));
    let known_device = match (&user, &device_token) {
        (Some(u), Some(t)) => {
            ctx.store.device_by_token(&token_hash(t), u.id).await.map_err(internal)?.filter(|d| d.revoked_at.is_none())
        }
        _ => None,
    };
    let device = known_device.as_ref().map(|d| d.id);
    throttle_check(ctx, meta.client_ip, &login, device, now).await?;

    let verified = match &user {
        Some(u) => u.password_hash.as_deref().is_some_and(|h| verify_password(h, password)),
        None => {
            burn_verification_time(password);
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        throttle_failure(ctx, meta.client_ip, &login, device, now).await?;
        tracing::info!(client = %meta.client_ip, "login failed");
        return Err(ApiError::InvalidCredentials);
    };
    if user.disabled {
        return Err(ApiError::AccountDisabled);
    }
    throttle_success(ctx, &login, device).await?;
    // A login in a browser that still had a session ends that one: one session per login.
    if let Some(previous) = request_parts().and_then(|p| cookie(&p.headers, SESSION_COOKIE).map(str::to_owned)) {
        ctx.store.end_session(&token_hash(&previous), Timestamp(now)).await.map_err(internal)?;
    }
    open_session(ctx, &user, known_device.map(|d| d.id), device_label, now).await
}

/// Registers the device if needed, creates the session and sets both cookies.
async fn open_session(
    ctx: &ServerContext,
    user: &UserRecord,
    known_device: Option<DeviceId>,
    device_label: &str,
    now: i64,
) -> Result<SessionInfo, ApiError> {
    let secure = secure_cookies(ctx);
    let device = match known_device {
        Some(d) => d,
        None => {
            let token = new_token();
            let label: String = device_label.trim().chars().take(80).collect();
            let label = if label.is_empty() { "Navigateur".to_owned() } else { label };
            let id = ctx
                .store
                .create_device(user.id, &token_hash(&token), &label, Timestamp(now))
                .await
                .map_err(internal)?;
            set_cookie(cookie_header(DEVICE_COOKIE, &token, i64::from(DEVICE_COOKIE_DAYS) * 86_400, secure));
            id
        }
    };
    let token = new_token();
    let expires = now + session_ms(&ctx.settings);
    ctx.store
        .create_session(&token_hash(&token), user.id, device, Timestamp(now), Timestamp(expires))
        .await
        .map_err(internal)?;
    set_cookie(cookie_header(SESSION_COOKIE, &token, session_ms(&ctx.settings) / 1000, secure));
    let info = SessionInfo {
        user: user.id,
        display_name: user.display_name.clone(),
        role: user.role,
        device,
        seal_key: String::new(),
        lock_minutes: 0,
        wipe_days: 0,
    };
    let info = ctx.with_phone_policy(info).await.map_err(internal)?;
    let actor = CurrentUser { user: user.clone(), device, session_hash: String::new() };
    audit(ctx, Some(&actor), "account.login", "account", &user.id.to_string(), "").await?;
    Ok(info)
}

/// Ends the caller's session (if any) and clears the cookie.
pub async fn logout(ctx: &ServerContext) -> Result<(), ApiError> {
    if let Some(me) = optional_user() {
        ctx.store.end_session(&me.session_hash, Timestamp(now_ms())).await.map_err(internal)?;
        audit(ctx, Some(&me), "account.logout", "account", &me.user.id.to_string(), "").await?;
    }
    clear_session_cookie(ctx);
    Ok(())
}

// ---- enrolment and reset links -------------------------------------------------------------

/// A new single-use link for `user`; returns the token (only its hash is stored).
pub async fn issue_link(
    ctx: &ServerContext,
    user: &UserRecord,
    by: Option<&CurrentUser>,
) -> Result<(String, EnrolmentPurpose, Timestamp), ApiError> {
    let purpose = if user.password_hash.is_some() { EnrolmentPurpose::Reset } else { EnrolmentPurpose::Enrol };
    let now = now_ms();
    let expires = Timestamp(now + i64::from(ctx.settings.enrolment_hours) * 3_600_000);
    let token = new_token();
    ctx.store
        .create_enrolment(&token_hash(&token), user.id, purpose, by.map(|b| b.user.id), Timestamp(now), expires)
        .await
        .map_err(internal)?;
    audit(ctx, by, "account.link_issued", "account", &user.id.to_string(), purpose.code()).await?;
    Ok((token, purpose, expires))
}

/// The link's address: the token travels in the fragment, which browsers never send to a
/// server, so it appears in no request log or referrer.
pub fn link_url(settings: &Settings, token: &str) -> String {
    format!("{}/inscription#{token}", settings.public_url.trim_end_matches('/'))
}

/// The account a still-valid link is for.
pub async fn link_user(ctx: &ServerContext, token: &str) -> Result<(UserRecord, EnrolmentPurpose), ApiError> {
    let record =
        ctx.store.enrolment(&token_hash(token.trim())).await.map_err(internal)?.ok_or(ApiError::LinkInvalid)?;
    if record.used_at.is_some() || record.expires_at.0 <= now_ms() {
        return Err(ApiError::LinkInvalid);
    }
    let user = ctx.store.user(record.user).await.map_err(internal)?.ok_or(ApiError::LinkInvalid)?;
    if user.disabled {
        return Err(ApiError::AccountDisabled);
    }
    Ok((user, record.purpose))
}

/// Sets the password from a link (once) and logs in on this browser.
pub async fn complete_link(
    ctx: &ServerContext,
    token: &str,
    password: &str,
    device_label: &str,
) -> Result<SessionInfo, ApiError> {
    check_new_password(password)?;
    let (user, _) = link_user(ctx, token).await?;
    let hash = hash_password(password)?;
    let now = now_ms();
    let id = ctx.store.use_enrolment(&token_hash(token.trim()), &hash, Timestamp(now)).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::LinkInvalid,
        e => internal(e),
    })?;
    debug_assert_eq!(id, user.id);
    let user = ctx.store.user(id).await.map_err(internal)?.ok_or(ApiError::LinkInvalid)?;
    let actor = CurrentUser { user: user.clone(), device: DeviceId(0), session_hash: String::new() };
    audit(ctx, Some(&actor), "account.password_set", "account", &id.to_string(), "").await?;
    open_session(ctx, &user, None, device_label, now).await
}

// ---- throttling ----------------------------------------------------------------------------

const WINDOW_MS: i64 = 15 * 60_000;
/// Failures from one address within a window before it must wait.
const IP_LIMIT: u32 = 20;
/// Failures on one account (from devices it does not know) within a window.
const ACCOUNT_LIMIT: u32 = 5;
/// Failures from one device the account knows, within a window. Such a device is exempt from
/// the address and account limits (an attacker elsewhere cannot lock its owner out), but its
/// cookie must not give unlimited guesses at the password either (a phone lost, a copied
/// profile): it gets a higher cap of its own.
const KNOWN_DEVICE_LIMIT: u32 = 10;

/// The keys failed logins are counted under: the address, the account, and the device when
/// the account knows it.
struct Keys {
    ip: String,
    login: String,
    device: Option<String>,
}

impl Keys {
    fn new(ip: IpAddr, login: &str, known_device: Option<DeviceId>) -> Keys {
        Keys {
            ip: format!("ip:{ip}"),
            login: format!("login:{login}"),
            device: known_device.map(|d| format!("device:{}", d.0)),
        }
    }

    fn all(&self) -> Vec<String> {
        [Some(&self.ip), Some(&self.login), self.device.as_ref()].into_iter().flatten().cloned().collect()
    }
}

/// How long an attempt must wait (ms), given the counts found: a device the account already
/// knows is held only to its own, higher cap (that is what keeps its owner in, without giving
/// its cookie unlimited guesses); anyone else to the address's and the account's.
fn wait(keys: &Keys, found: &[LoginFailures], now: i64) -> Option<i64> {
    let blocked = |key: &str, limit: u32| {
        found
            .iter()
            .find(|f| f.key == key && f.failures >= limit && now - f.since.0 < WINDOW_MS)
            .map(|f| f.since.0 + WINDOW_MS - now)
    };
    match &keys.device {
        Some(device) => blocked(device, KNOWN_DEVICE_LIMIT),
        None => blocked(&keys.ip, IP_LIMIT).into_iter().chain(blocked(&keys.login, ACCOUNT_LIMIT)).max(),
    }
}

/// Refuses an attempt from an address or on an account that failed too often (counted in
/// the database: every server process sees the same counts).
pub async fn throttle_check(
    ctx: &ServerContext,
    ip: IpAddr,
    login: &str,
    known_device: Option<DeviceId>,
    now: i64,
) -> Result<(), ApiError> {
    let keys = Keys::new(ip, login, known_device);
    let found = ctx.store.login_failures(&keys.all(), Timestamp(now), WINDOW_MS).await.map_err(internal)?;
    match wait(&keys, &found, now) {
        Some(ms) => Err(ApiError::TooManyAttempts { retry_after_minutes: ((ms + 59_999) / 60_000).max(1) as u32 }),
        None => Ok(()),
    }
}

pub async fn throttle_failure(
    ctx: &ServerContext,
    ip: IpAddr,
    login: &str,
    known_device: Option<DeviceId>,
    now: i64,
) -> Result<(), ApiError> {
    let keys = Keys::new(ip, login, known_device).all();
    ctx.store.record_login_failure(&keys, Timestamp(now), WINDOW_MS).await.map_err(internal)
}

/// A success clears the account's count and the device's (not the address's).
pub async fn throttle_success(
    ctx: &ServerContext,
    login: &str,
    known_device: Option<DeviceId>,
) -> Result<(), ApiError> {
    let keys = Keys::new(IpAddr::from([0, 0, 0, 0]), login, known_device);
    let keys: Vec<String> = [Some(keys.login), keys.device].into_iter().flatten().collect();
    ctx.store.clear_login_failures(&keys).await.map_err(internal)
}

/// The user an account id names, within what the caller may manage: ambassadors manage the
/// volunteers of their scope, admins everyone. Anything else is "not found".
pub async fn managed_user(ctx: &ServerContext, me: &CurrentUser, id: UserId) -> Result<UserRecord, ApiError> {
    let user = ctx.store.user(id).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
    let allowed = match me.role() {
        Role::Admin => true,
        Role::Ambassador => user.role == Role::Volunteer && monalisa_core::scope::same(user.scope, me.user.scope),
        _ => false,
    };
    if allowed { Ok(user) } else { Err(ApiError::NotFound) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "wrong horse"));
        assert!(!verify_password("garbage", "x"));
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn throttle_blocks_addresses_and_accounts_and_caps_known_devices() {
        let now = 1_000_000;
        let attacker: IpAddr = [10, 0, 0, 1].into();
        let count =
            |key: &str, failures: u32, since: i64| LoginFailures { key: key.into(), since: Timestamp(since), failures };
        let stranger = Keys::new(attacker, "jeannine", None);
        let phone = Keys::new(attacker, "jeannine", Some(DeviceId(7)));
        let minute = 60_000;
        // (who tries, the counts found, waits until)
        let cases: Vec<(&Keys, Vec<LoginFailures>, Option<i64>)> = vec![
            (&stranger, vec![], None),
            (&stranger, vec![count("login:jeannine", ACCOUNT_LIMIT - 1, now)], None),
            // The account refused to unknown devices, from any address...
            (&stranger, vec![count("login:jeannine", ACCOUNT_LIMIT, now - minute)], Some(WINDOW_MS - minute)),
            // ...an address that failed on many accounts, for all of them...
            (&stranger, vec![count("ip:10.0.0.1", IP_LIMIT, now)], Some(WINDOW_MS)),
            // ...the longer wait of the two.
            (
                &stranger,
                vec![count("ip:10.0.0.1", IP_LIMIT, now - 2 * minute), count("login:jeannine", ACCOUNT_LIMIT, now)],
                Some(WINDOW_MS),
            ),
            // A window over holds nothing back.
            (&stranger, vec![count("login:jeannine", ACCOUNT_LIMIT, now - WINDOW_MS)], None),
            // Her own phone is not held back by the account's or the address's count...
            (&phone, vec![count("login:jeannine", ACCOUNT_LIMIT, now), count("ip:10.0.0.1", IP_LIMIT, now)], None),
            // ...but its cookie gives no unlimited guesses: a cap of its own, higher.
            (&phone, vec![count("device:7", ACCOUNT_LIMIT, now)], None),
            (&phone, vec![count("device:7", KNOWN_DEVICE_LIMIT, now)], Some(WINDOW_MS)),
            (&stranger, vec![count("device:7", KNOWN_DEVICE_LIMIT, now)], None),
        ];
        for (n, (keys, found, expected)) in cases.iter().enumerate() {
            assert_eq!(wait(keys, found, now), *expected, "case {n}");
        }
        assert_eq!(phone.all(), ["ip:10.0.0.1", "login:jeannine", "device:7"]);
        assert_eq!(stranger.all(), ["ip:10.0.0.1", "login:jeannine"]);
    }
}
