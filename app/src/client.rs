//! The app's knowledge of its user on this phone, shared by every page: the session kept in
//! IndexedDB (so the app opens offline), checked with the server at start and whenever the
//! phone comes back online. A revoked device or a disabled account wipes what the phone
//! stored; an expired session keeps everything until the same user logs in again.

use crate::api::ApiError;
use crate::api::auth::{logout, session};
use crate::auth::SessionInfo;
use crate::local_store;
use leptos::prelude::*;

/// The session state every island can read.
#[derive(Clone, Copy)]
pub struct SessionState {
    /// Who is logged in on this phone (from IndexedDB, confirmed by the server when online).
    pub info: RwSignal<Option<SessionInfo>>,
    /// The server said the session expired: the user must log in again.
    pub expired: RwSignal<bool>,
}

impl SessionState {
    fn new() -> SessionState {
        SessionState { info: RwSignal::new(None), expired: RwSignal::new(false) }
    }
}

/// The session state. In the browser, one for the page, shared by all its islands (they are
/// hydrated separately, so it cannot travel by context). On the server, always empty: pages
/// never render who is logged in, so their HTML holds no personal data and can be cached.
pub fn use_session() -> SessionState {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        thread_local! {
            static STATE: SessionState = SessionState::new();
        }
        STATE.with(|s| *s)
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    SessionState::new()
}

/// Called by every island: once it runs in the browser, it counts itself on `<html>`
/// (`data-islands-ready`); when all the page's islands are live, `data-hydrated="true"` is
/// set. Tests wait for that marker, which only the WebAssembly can set.
pub fn island_ready() {
    Effect::new(move |_| {
        #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
        {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let Some(root) = doc.document_element() else {
                return;
            };
            let ready = root.get_attribute("data-islands-ready").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0) + 1;
            let _ = root.set_attribute("data-islands-ready", &ready.to_string());
            let total = doc.query_selector_all("leptos-island").map(|l| l.length()).unwrap_or(0);
            if ready >= total {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        }
    });
}

/// Loads the local session, then checks it with the server (at start and on `online`).
/// Runs only in the browser (from an effect).
pub fn start_session_guard(state: SessionState, must_be_logged_in: bool) {
    let check = move || {
        leptos::task::spawn_local(async move {
            let _ = local_store::finish_pending_wipe().await;
            let local = local_store::load_session().await.ok().flatten();
            if local.is_some() {
                state.info.set(local.clone());
            }
            if local.is_some() || must_be_logged_in {
                verify(state).await;
            }
        })
    };
    check();
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        let handle = window_event_listener(leptos::ev::online, move |_| check());
        on_cleanup(move || handle.remove());
    }
}

async fn verify(state: SessionState) {
    match session().await {
        Ok(info) => {
            let _ = local_store::save_session(&info).await;
            state.expired.set(false);
            state.info.set(Some(info));
        }
        Err(ApiError::DeviceRevoked | ApiError::AccountDisabled) => {
            // Deliver what waits first (the server keeps it in quarantine), then wipe.
            if let Some(info) = state.info.get_untracked() {
                let store = crate::local_store::UserStore::new(info.user);
                let _ = crate::sync::engine::push_outbox(
                    &store,
                    &crate::sync::runner::HttpTransport,
                    crate::sync::runner::now(),
                )
                .await;
            }
            wipe_and_leave(state, "revoque").await;
        }
        Err(ApiError::NotLoggedIn) => {
            if state.info.get_untracked().is_some() {
                state.expired.set(true);
            }
        }
        // Offline or server trouble: keep working from local data.
        Err(_) => {}
    }
}

/// Erases this user's data from the phone and goes to the login page (once: the session check
/// and a sync may both learn of a revocation).
pub async fn wipe_and_leave(state: SessionState, reason: &str) {
    thread_local! {
        static WIPING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if WIPING.with(|w| w.replace(true)) {
        return;
    }
    if let Some(info) = state.info.get_untracked() {
        let _ = local_store::wipe_user(info.user).await;
    } else if let Ok(Some(info)) = local_store::load_session().await {
        let _ = local_store::wipe_user(info.user).await;
    }
    let _ = local_store::wipe_caches().await;
    state.info.set(None);
    go_to(&format!("/connexion?motif={reason}"));
}

/// Logs out: sends what waits in the outbox, ends the session on the server, then wipes the
/// phone's data for this user. Needs the network; offline it says so and keeps everything. If
/// reports could not be sent, it says how many would be lost and asks first.
pub async fn log_out(state: SessionState) -> Result<(), ApiError> {
    if let Some(info) = state.info.get_untracked() {
        let store = crate::local_store::UserStore::new(info.user);
        let pushed =
            crate::sync::engine::push_outbox(&store, &crate::sync::runner::HttpTransport, crate::sync::runner::now())
                .await;
        if matches!(pushed, Err(crate::sync::engine::SyncError::Offline)) {
            return Err(ApiError::Network);
        }
        let waiting = store.view().await.map(|v| v.waiting.len()).unwrap_or(0);
        if waiting > 0
            && !confirm(&crate::i18n::tf(
                crate::env::PageEnv::current().lang,
                crate::i18n::Msg::LogoutLoses,
                &[("n", &waiting.to_string())],
            ))
        {
            return Ok(());
        }
    }
    logout().await?;
    wipe_and_leave(state, "deconnecte").await;
    Ok(())
}

/// Asks the user a yes/no question.
fn confirm(question: &str) -> bool {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    return web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false);
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = question;
        false
    }
}

/// After a successful login or enrolment: keep the session on the phone; for a volunteer, ask
/// the browser to keep the data (persistent storage) and the service worker to keep the
/// offline pages; open the app.
pub async fn logged_in(state: SessionState, info: SessionInfo, next: &str) {
    let _ = local_store::save_session(&info).await;
    // A login with the password ends a wipe (a new PIN is chosen next).
    let _ = crate::local_store::UserStore::new(info.user).clear_wiped().await;
    if info.role == crate::auth::Role::Volunteer {
        prepare_offline().await;
    }
    state.expired.set(false);
    state.info.set(Some(info));
    go_to(next);
}

/// Persistent storage (the browser will not evict the outbox under pressure) and the offline
/// page shells in the service worker's cache.
async fn prepare_offline() {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(window) = web_sys::window() {
        if let Ok(promise) = window.navigator().storage().persist() {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        if let Some(worker) = window.navigator().service_worker().controller() {
            let _ = worker.post_message(&keep_message(false));
        }
    }
}

/// The message asking the service worker to keep the volunteer's offline pages (all of them
/// again, or only those it does not hold yet).
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
fn keep_message(if_missing: bool) -> js_sys::Object {
    let urls = js_sys::Array::new();
    for path in crate::routes::VOLUNTEER_SHELLS {
        urls.push(&wasm_bindgen::JsValue::from_str(path));
    }
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"keep".into(), &urls);
    let _ = js_sys::Reflect::set(&message, &"ifMissing".into(), &if_missing.into());
    message
}

/// On every volunteer page: once the service worker is active (on a first visit it may not
/// control the page yet when the volunteer logs in, and then the login could not ask it), ask
/// it to keep the offline pages it does not hold yet. Does not wait.
pub fn keep_offline_pages() {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(window) = web_sys::window() {
        use wasm_bindgen::JsCast;
        let Ok(ready) = window.navigator().service_worker().ready() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else { return };
            let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
            if let Some(worker) = registration.active() {
                let _ = worker.post_message(&keep_message(true));
            }
        });
    }
}

/// A full page load (the server renders the next page for the new session).
pub fn go_to(path: &str) {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    let _ = path;
}

/// Where a volunteer's phone starts: the installed app opens "/" (the public territory page),
/// and a volunteer goes straight on to the round, online or offline (the page and the round
/// are both kept by the service worker; the session is the phone's own). Replaces the entry,
/// so "back" does not return to the census table. Whether the page is being left.
pub fn volunteer_start() -> bool {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(w) = web_sys::window() {
        if w.location().pathname().is_ok_and(|p| p == "/") {
            return w.location().replace("/tournee").is_ok();
        }
    }
    false
}

/// Loads the page again: the app's new version comes with it (pages are network first, and
/// the browser looks for a new service worker at each start); drafts are kept as typed.
pub fn reload() {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// The caller's role while rendering on the server (pages use it to choose what to offer;
/// the server functions check again). Always `None` in the browser.
pub fn server_role() -> Option<crate::auth::Role> {
    #[cfg(feature = "ssr")]
    return crate::backend::auth::optional_user().map(|u| u.role());
    #[cfg(not(feature = "ssr"))]
    None
}

/// The `data-action` of the clicked element (islands drawn as HTML text delegate clicks).
pub fn clicked_action(ev: &leptos::ev::MouseEvent) -> Option<String> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        return target.closest("[data-action]").ok()??.get_attribute("data-action");
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = ev;
        None
    }
}

/// A short description of this browser for the device list ("Android · Chrome").
pub fn device_label() -> String {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        let ua = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
        return describe_user_agent(&ua);
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    String::new()
}

pub fn describe_user_agent(ua: &str) -> String {
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "Appareil"
    };
    let browser = if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("SamsungBrowser/") {
        "Samsung Internet"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "Navigateur"
    };
    format!("{system} · {browser}")
}

/// A query parameter of the current URL, read in the browser (`None` on the server).
pub fn query_param(name: &str) -> Option<String> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        let search = web_sys::window()?.location().search().ok()?;
        return search.trim_start_matches('?').split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| js_sys::decode_uri_component(v).ok().and_then(|s| s.as_string()).unwrap_or_default())
        });
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = name;
        None
    }
}

/// Only a path on this site (no other host): where to go after logging in.
pub fn safe_next(next: Option<String>) -> String {
    next.as_deref().and_then(crate::routes::safe_return_path).unwrap_or("/accueil").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            describe_user_agent(
                "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
            ),
            "Android · Chrome"
        );
        assert_eq!(
            describe_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) Version/15.0 Safari/604.1"),
            "iOS · Safari"
        );
    }

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/comptes".into())), "/comptes");
        assert_eq!(safe_next(Some("//evil".into())), "/accueil");
        assert_eq!(safe_next(Some("/\t/evil.example/".into())), "/accueil");
        assert_eq!(safe_next(None), "/accueil");
    }
}
