//! Running sync in the browser: when (at start, when the network comes back, when the app is
//! shown again, on a timer with back-off and jitter), over HTTP, and what the screens show of it.

use super::engine::{self, SyncError, Transport};
use super::{PullRequest, PullResponse, PushRequest, PushResponse};
use crate::api::ApiError;
use crate::api::sync::{sync_pull, sync_push};
use crate::auth::UserId;
use crate::domain::Timestamp;
use crate::local_store::{SyncMeta, UserStore};
use leptos::prelude::*;

/// The server over HTTP (the sync server functions).
pub struct HttpTransport;

fn sync_error(e: ApiError) -> SyncError {
    match e {
        ApiError::Network => SyncError::Offline,
        ApiError::NotLoggedIn => SyncError::NotLoggedIn,
        ApiError::DeviceRevoked | ApiError::AccountDisabled => SyncError::DeviceRevoked,
        ApiError::UpgradeRequired => SyncError::UpgradeRequired,
        other => SyncError::Server(other.to_string()),
    }
}

impl Transport for HttpTransport {
    async fn push(&self, request: PushRequest) -> Result<PushResponse, SyncError> {
        sync_push(request).await.map_err(sync_error)
    }

    async fn pull(&self, request: PullRequest) -> Result<PullResponse, SyncError> {
        sync_pull(request).await.map_err(sync_error)
    }
}

/// What the sync bar shows, shared by the page's islands.
#[derive(Clone, Copy)]
pub struct SyncState {
    pub online: RwSignal<bool>,
    pub running: RwSignal<bool>,
    /// Mutations waiting on the phone.
    pub pending: RwSignal<usize>,
    /// Of those, how many waited more than 3 days.
    pub stale: RwSignal<usize>,
    pub last_success: RwSignal<Option<Timestamp>>,
    /// The last failure, as a message key (`offline`, `server`, `session`, `storage`, `update`).
    pub error: RwSignal<Option<&'static str>>,
    /// Bumped after each change to the local data (the screens reload).
    pub generation: RwSignal<u32>,
    failures: RwSignal<u32>,
    /// A sync was asked for while one ran (e.g. the data opened during a push-only sync): one
    /// more runs after it.
    again: RwSignal<bool>,
}

pub fn use_sync() -> SyncState {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        thread_local! {
            static STATE: SyncState = SyncState::new();
        }
        STATE.with(|s| *s)
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    SyncState::new()
}

impl SyncState {
    fn new() -> SyncState {
        SyncState {
            online: RwSignal::new(true),
            running: RwSignal::new(false),
            pending: RwSignal::new(0),
            stale: RwSignal::new(0),
            last_success: RwSignal::new(None),
            error: RwSignal::new(None),
            generation: RwSignal::new(0),
            failures: RwSignal::new(0),
            again: RwSignal::new(false),
        }
    }
}

/// The phone's clock.
pub fn now() -> Timestamp {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    return Timestamp(js_sys::Date::now() as i64);
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    Timestamp(0)
}

/// After the local data changed: the counters, and the screens read the data again.
pub async fn refresh(state: SyncState, user: UserId) {
    counters(state, user).await;
    state.generation.update(|g| *g += 1);
}

/// Refreshes the counters from what the phone knows without the PIN (nothing decrypted).
pub async fn counters(state: SyncState, user: UserId) {
    if let Ok((waiting, sync)) = UserStore::new(user).status().await {
        state.pending.set(waiting.len());
        state.stale.set(engine::stale_count(&waiting, now()));
        state.last_success.set(sync.last_success);
        if state.error.get_untracked().is_none() {
            state.error.set(sync.last_error.as_deref().and_then(error_key));
        }
    }
}

fn error_key(code: &str) -> Option<&'static str> {
    ["offline", "server", "session", "storage", "update"].into_iter().find(|k| *k == code)
}

/// What to do after a sync.
pub enum AfterSync {
    Done,
    /// The session expired: log in again (the data stays).
    LogIn,
    /// The device was revoked: its pending data went to quarantine; wipe.
    Wipe,
}

/// Runs `work` while no sync can start (the page's, or the service worker's Background Sync),
/// or does nothing (`None`) when the page's is running: taking something back out of the
/// outbox must not race a push that already holds it. A sync asked
/// for meanwhile runs after it.
pub async fn without_sync<T>(state: SyncState, user: UserId, work: impl std::future::Future<Output = T>) -> Option<T> {
    if state.running.get_untracked() {
        return None;
    }
    state.running.set(true);
    // Under the lock of the service worker's delivery too: it may be sending the outbox.
    let out = crate::vault::with_sync_lock(user, work).await;
    state.running.set(false);
    if state.again.get_untracked() {
        state.again.set(false);
        let _ = run(state, user).await;
    }
    Some(out)
}

/// One sync now: push the outbox, pull changes, record the outcome. Asked while one runs, it
/// runs once more after that one (what it would do may have changed: the data opened).
pub async fn run(state: SyncState, user: UserId) -> AfterSync {
    if state.running.get_untracked() {
        state.again.set(true);
        return AfterSync::Done;
    }
    loop {
        let after = run_once(state, user).await;
        if !matches!(after, AfterSync::Done) || !state.again.get_untracked() {
            return after;
        }
        state.again.set(false);
    }
}

async fn run_once(state: SyncState, user: UserId) -> AfterSync {
    state.running.set(true);
    let store = UserStore::new(user);
    // Locked (or wiped), the phone can still deliver its sealed outbox; it pulls once open.
    // Never beside the service worker's delivery (Background Sync): one lock for both.
    let result = crate::vault::with_sync_lock(user, async {
        engine::sync_with(&store, &HttpTransport, now(), crate::vault::is_open()).await
    })
    .await;
    if matches!(result, Err(SyncError::DeviceRevoked)) {
        // What waited went to quarantine; the data must go, not be written to.
        state.running.set(false);
        return AfterSync::Wipe;
    }
    let (error, after) = match &result {
        Ok(_) => (None, AfterSync::Done),
        Err(SyncError::Offline) => (Some("offline"), AfterSync::Done),
        Err(SyncError::NotLoggedIn) => (Some("session"), AfterSync::LogIn),
        Err(SyncError::DeviceRevoked) => (None, AfterSync::Wipe),
        Err(SyncError::Server(_)) => (Some("server"), AfterSync::Done),
        Err(SyncError::Local(_)) => (Some("storage"), AfterSync::Done),
        Err(SyncError::UpgradeRequired) => (Some("update"), AfterSync::Done),
    };
    let previous = store.status().await.map(|(_, sync)| sync).unwrap_or_default();
    // A success counts as contact with the server only if the server was reached: a locked
    // phone with nothing to send asks it nothing (the no-contact wipe counts from contact).
    let reached = matches!(&result, Ok(report) if report.pushed > 0 || crate::vault::is_open());
    let meta = SyncMeta {
        last_success: if reached { Some(now()) } else { previous.last_success },
        last_error: error.map(str::to_owned),
    };
    let _ = store.set_sync_meta(&meta).await;
    state.online.set(error != Some("offline"));
    state.error.set(error);
    state.failures.update(|f| if result.is_ok() { *f = 0 } else { *f += 1 });
    state.running.set(false);
    // The screens read the data again only if this sync changed it (each read decrypts it all),
    // or if it is the first that reached the server (an empty round then means "nothing").
    let unchanged = matches!(&result, Ok(report) if report.pushed + report.pulled == 0);
    if unchanged && previous.last_success.is_some() {
        counters(state, user).await;
    } else {
        refresh(state, user).await;
    }
    // Not sent for want of a network (or a server): the browser sends it when the network
    // returns, even if the app is closed by then.
    if matches!(result, Err(SyncError::Offline | SyncError::Server(_))) && state.pending.get_untracked() > 0 {
        crate::vault::deliver_later();
    }
    after
}

/// The delay before the next automatic sync.
pub fn next_delay(state: SyncState) -> u64 {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    let random = js_sys::Math::random();
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    let random = 0.5;
    match state.failures.get_untracked() {
        0 => engine::SYNC_EVERY_MS,
        n => engine::retry_delay_ms(n - 1, random),
    }
}
