//! The server's side of sync: who is syncing, protocol checks, and the calls into the store
//! (which applies pushes and serves pulls transactionally).

use super::auth::{current_user, revoked_device};
use super::{ServerContext, SyncCaller, internal, now_ms};
use crate::auth::Role;
use crate::domain::{Date, Timestamp};
use crate::sync::{
    ABSENCES_SINCE, MAX_BATCH, PullRequest, PullResponse, PushRequest, PushResponse, SUPPORTED_PROTOCOLS,
};
use monalisa_core::error::ApiError;

/// The syncing volunteer (or revoked device) of the current request.
pub fn caller() -> Result<SyncCaller, ApiError> {
    if let Ok(me) = current_user() {
        if me.role() != Role::Volunteer {
            return Err(ApiError::Forbidden);
        }
        return Ok(SyncCaller { user: me.user.id, device: me.device, volunteer: me.user.volunteer, revoked: false });
    }
    let revoked = revoked_device().ok_or(ApiError::NotLoggedIn)?;
    Ok(SyncCaller { user: revoked.user.id, device: revoked.device, volunteer: revoked.user.volunteer, revoked: true })
}

fn check_protocol(version: u16) -> Result<(), ApiError> {
    if SUPPORTED_PROTOCOLS.contains(&version) {
        Ok(())
    } else {
        // A phone too old (or a server rolled back): it says "mettez à jour l'application".
        Err(ApiError::UpgradeRequired)
    }
}

pub async fn push(ctx: &ServerContext, request: &PushRequest) -> Result<PushResponse, ApiError> {
    check_protocol(request.protocol)?;
    if request.mutations.len() + request.sealed.len() > MAX_BATCH {
        return Err(ApiError::BadRequest(format!("at most {MAX_BATCH} mutations per push")));
    }
    let caller = caller()?;
    let (ctx, request) = (ctx.clone(), request.clone());
    let response = detached(async move { push_as(&ctx, &caller, &request, Timestamp(now_ms())).await }).await?;
    #[cfg(feature = "test-hooks")]
    crash_after_commit_if_testing();
    Ok(response)
}

/// Runs a sync's store work to its end even if the phone goes away meanwhile (a lost signal, a
/// page left): cancelled mid-transaction, the request's future would leave its transaction to
/// be rolled back later and the next sync of the phone could find the database busy (503).
async fn detached<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::spawn(work).await.map_err(|_| ApiError::Unavailable)?
}

/// Whether this build has the crash tests' hooks (the `test-hooks` feature).
pub const TEST_HOOKS: bool = cfg!(feature = "test-hooks");

/// Test hook (`MONALISA_TEST_KILL_AFTER_COMMIT=1`): the process kills itself with SIGKILL right
/// after a push committed and before it answers, the worst moment for a crash. The crash test
/// uses it to check that the retried push is applied exactly once. Compiled only with the
/// `test-hooks` feature (the binary `make test` builds): a release has no such switch.
#[cfg(feature = "test-hooks")]
fn crash_after_commit_if_testing() {
    static ARMED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ARMED.get_or_init(|| std::env::var("MONALISA_TEST_KILL_AFTER_COMMIT").is_ok_and(|v| v == "1")) {
        tracing::warn!("test hook: killing the server between commit and answer");
        let _ = std::process::Command::new("kill").args(["-KILL", &std::process::id().to_string()]).status();
        std::process::abort();
    }
}

/// Applies a push for `caller` at `now` (the HTTP layer, the property tests and the
/// benchmark all come through here).
pub async fn push_as(
    ctx: &ServerContext,
    caller: &SyncCaller,
    request: &PushRequest,
    now: Timestamp,
) -> Result<PushResponse, ApiError> {
    let opened;
    let request = if request.sealed.is_empty() {
        request
    } else {
        opened = open_sealed(ctx, request).await?;
        &opened
    };
    let acks = ctx.store.apply_push(caller, request, now).await.map_err(internal)?;
    Ok(PushResponse { acks, server_time: now, device_revoked: caller.revoked })
}

/// The push with its sealed mutations opened. One that does not open (or whose content does
/// not carry the id it was sent under) is left out, unacknowledged: the phone keeps it and
/// says that sending failed; nothing is lost, nothing unreadable is recorded.
async fn open_sealed(ctx: &ServerContext, request: &PushRequest) -> Result<PushRequest, ApiError> {
    let key = ctx.seal_key().await.map_err(internal)?;
    let mut mutations = request.mutations.clone();
    for sealed in &request.sealed {
        let opened = crate::b64::decode(&sealed.sealed)
            .and_then(|bytes| key.open(&bytes).ok())
            .and_then(|json| serde_json::from_slice::<crate::sync::Mutation>(&json).ok());
        match opened {
            Some(m) if m.id == sealed.id => mutations.push(m),
            _ => tracing::warn!(id = %sealed.id, "a sealed mutation did not open; left with the phone"),
        }
    }
    Ok(PushRequest { protocol: request.protocol, sent_at: request.sent_at, mutations, sealed: vec![] })
}

pub async fn pull(ctx: &ServerContext, request: &PullRequest) -> Result<PullResponse, ApiError> {
    check_protocol(request.protocol)?;
    let caller = caller()?;
    if caller.revoked {
        return Err(ApiError::DeviceRevoked);
    }
    let now = Timestamp(now_ms());
    let (ctx, request) = (ctx.clone(), request.clone());
    detached(async move { pull_as(&ctx, &caller, &request, now, Date::from_timestamp(now)).await }).await
}

pub async fn pull_as(
    ctx: &ServerContext,
    caller: &SyncCaller,
    request: &PullRequest,
    now: Timestamp,
    today: Date,
) -> Result<PullResponse, ApiError> {
    let page = ctx.store.pull(caller, request.cursor.as_ref(), request.limit, today).await.map_err(internal)?;
    // Protocol 2: the last page lists the volunteer's absences not over yet (read after the
    // page, so the list is at least as recent as the changes).
    let absences = match caller.volunteer {
        Some(volunteer) if !page.more && !caller.revoked && request.protocol >= ABSENCES_SINCE => {
            let held = ctx.store.volunteer(volunteer).await.map_err(internal)?;
            let mut list: Vec<_> =
                held.map(|v| v.absences).unwrap_or_default().into_iter().filter(|a| a.last >= today).collect();
            list.sort();
            Some(list)
        }
        _ => None,
    };
    Ok(PullResponse { changes: page.changes, cursor: page.cursor, more: page.more, server_time: now, absences })
}
