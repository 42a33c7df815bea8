//! The session bar under the header (an island): who is logged in on this phone, the links of
//! their role, logging out, and the "session expired" notice. Rendered empty on the server
//! (pages hold no personal data); the phone fills it from its local session, and checks that
//! session with the server at start and whenever it comes back online.

use crate::api::ErrorText as _;
use crate::auth::{Role, UserId};
use crate::client::{island_ready, log_out, start_session_guard, use_session, wipe_and_leave};
use crate::env::use_env;
use crate::html::esc;
use crate::i18n::{Lang, Msg, t, tf};
use crate::sync::runner::{AfterSync, SyncState, counters, run, use_sync};
use leptos::prelude::*;

/// The pages of each role, reached in one click from the session bar and the home page.
pub fn role_pages(role: Role) -> &'static [(&'static str, Msg)] {
    match role {
        Role::Volunteer => {
            &[("/tournee", Msg::NavRound), ("/personne", Msg::NavMyPeople), ("/absences", Msg::NavAbsences)]
        }
        Role::Ambassador => &[
            ("/planification", Msg::NavPlanning),
            ("/signalements", Msg::NavConcerns),
            ("/personnes", Msg::NavPeople),
            ("/comptes", Msg::NavAccounts),
            ("/a-verifier", Msg::NavReview),
            ("/import", Msg::NavImport),
        ],
        Role::Coordinator => &[("/coordination", Msg::NavCoverage)],
        Role::Admin => &[
            ("/territoire", Msg::NavSetup),
            ("/import", Msg::NavImport),
            ("/comptes", Msg::NavAccounts),
            ("/journal", Msg::NavJournal),
        ],
    }
}

#[island]
pub fn SessionBar(
    /// The page requires a login (the server already checked it): verify the session even if
    /// the phone has none stored.
    needs_login: bool,
    /// A volunteer's offline page: the bar keeps its place (CSS) until it is drawn.
    shell: bool,
) -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let session = use_session();
    let sync = use_sync();
    // Effects run only in the browser.
    Effect::new(move |_| start_session_guard(session, needs_login));
    // A volunteer's phone syncs: now, when the network returns, when the app is shown again,
    // and on a timer (with back-off after failures).
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(info) = session.info.get() {
            if info.role == Role::Volunteer && !started.get_value() {
                started.set_value(true);
                if crate::client::volunteer_start() {
                    return;
                }
                start_sync(sync, info.user);
                crate::client::keep_offline_pages();
            }
        }
    });
    let logout_error = RwSignal::new(None::<String>);
    // Drawn as HTML text, buttons handled by delegation: small in the phone's bundle.
    let html = move || {
        let mut out = String::from("<nav class=\"session\" aria-label=\"");
        out.push_str(t(lang, Msg::NavHome));
        out.push_str("\">");
        match session.info.get() {
            Some(info) => {
                out.push_str(&format!(
                    "<span data-testid=\"whoami\">{}</span> ",
                    esc(&tf(lang, Msg::LoggedInAs, &[("name", &info.display_name)]))
                ));
                // A volunteer's pages are in the bar at the bottom of each of them.
                if info.role != Role::Volunteer {
                    out.push_str(&format!("<a href=\"/accueil\">{}</a> ", t(lang, Msg::NavHome)));
                    for (href, label) in role_pages(info.role) {
                        out.push_str(&format!("<a href=\"{href}\">{}</a> ", t(lang, *label)));
                    }
                }
                out.push_str(&format!("<button type=\"button\" class=\"link\" data-action=\"logout\" data-testid=\"logout\">{}</button></nav>", t(lang, Msg::Logout)));
                if info.role == Role::Volunteer {
                    out.push_str(&sync_bar(lang, sync));
                }
            }
            None => out.push_str(&format!("<a href=\"/connexion\">{}</a></nav>", t(lang, Msg::NavLogin))),
        }
        if session.expired.get() {
            out.push_str(&format!(
                "<div class=\"notice\" role=\"alert\" data-testid=\"session-expired\">{} <a href=\"/connexion\">{}</a></div>",
                t(lang, Msg::SessionExpired),
                t(lang, Msg::NavLogin)
            ));
        }
        if let Some(e) = logout_error.get() {
            out.push_str(&format!("<div class=\"notice\" role=\"alert\">{}</div>", esc(&e)));
        }
        out
    };
    let on_click = move |ev: leptos::ev::MouseEvent| match crate::client::clicked_action(&ev).as_deref() {
        Some("logout") => leptos::task::spawn_local(async move {
            if let Err(e) = log_out(session).await {
                logout_error.set(Some(e.message(lang)));
            }
        }),
        Some("update-app") => crate::client::reload(),
        Some("sync") => {
            if let Some(info) = session.info.get_untracked() {
                sync_now(sync, info.user);
            }
        }
        _ => {}
    };
    view! { <div class=if shell { "sessionbar shell" } else { "sessionbar" } inner_html=html on:click=on_click></div> }
}

fn sync_now(sync: SyncState, user: UserId) {
    leptos::task::spawn_local(async move {
        match run(sync, user).await {
            AfterSync::Done => {}
            AfterSync::LogIn => use_session().expired.set(true),
            AfterSync::Wipe => wipe_and_leave(use_session(), "revoque").await,
        }
    });
}

fn start_sync(sync: SyncState, user: UserId) {
    leptos::task::spawn_local(async move { counters(sync, user).await });
    sync_now(sync, user);
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        sync.online.set(web_sys::window().is_none_or(|w| w.navigator().on_line()));
        let online = window_event_listener(leptos::ev::online, move |_| {
            sync.online.set(true);
            sync_now(sync, user);
            // The first attempt may race the connection coming back: if it failed, again soon,
            // rather than after the timer's back-off (minutes after a long time offline).
            for delay in [3_000, 10_000] {
                set_timeout(
                    move || {
                        if sync.error.get_untracked().is_some() {
                            sync_now(sync, user);
                        }
                    },
                    std::time::Duration::from_millis(delay),
                );
            }
        });
        let offline = window_event_listener(leptos::ev::offline, move |_| sync.online.set(false));
        // Locked, a sync only delivers the sealed outbox: once the data is open, it pulls too.
        let opened = window_event_listener_untyped(crate::vault::OPENED_EVENT, move |_| sync_now(sync, user));
        let visible = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
            {
                sync_now(sync, user);
            }
        });
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.add_event_listener_with_callback("visibilitychange", visible.as_ref().unchecked_ref());
        }
        visible.forget();
        std::mem::forget((online, offline, opened));
        schedule(sync, user);
    }
}

/// The timer: the next sync after the usual period, or after a back-off when it failed.
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
fn schedule(sync: SyncState, user: UserId) {
    set_timeout(
        move || {
            sync_now(sync, user);
            schedule(sync, user);
        },
        std::time::Duration::from_millis(crate::sync::runner::next_delay(sync)),
    );
}

/// The sync state of a volunteer's phone, in words.
fn sync_bar(lang: Lang, sync: SyncState) -> String {
    let online = sync.online.get();
    let pending = sync.pending.get();
    let state = t(lang, if online { Msg::SyncOnline } else { Msg::SyncOffline });
    let waiting = if pending == 0 {
        t(lang, Msg::SyncAllSent).to_owned()
    } else {
        tf(lang, Msg::SyncPending, &[("n", &pending.to_string())])
    };
    let last = match sync.last_success.get() {
        Some(ts) => tf(lang, Msg::SyncLast, &[("when", &ts.paris_text())]),
        None => t(lang, Msg::SyncNever).to_owned(),
    };
    let running = sync.running.get();
    let problem = match sync.error.get() {
        Some("offline") => Some(Msg::SyncErrOffline),
        Some("server") => Some(Msg::SyncErrServer),
        Some("session") => Some(Msg::SyncErrSession),
        Some("storage") => Some(Msg::SyncErrStorage),
        Some("update") => Some(Msg::SyncErrUpdate),
        _ => None,
    }
    .map(|m| format!("<p class=\"sync-error\" data-testid=\"sync-error\">{}</p>", t(lang, m)))
    .unwrap_or_default();
    // Reloading fetches the new version (the pages are network first); drafts are kept as typed.
    let update = if sync.error.get() == Some("update") {
        format!(
            "<p><button type=\"button\" class=\"primary\" data-action=\"update-app\" data-testid=\"update-app\">{}</button></p>",
            t(lang, Msg::UpdateApp)
        )
    } else {
        String::new()
    };
    let stale = sync.stale.get();
    let stale = if stale > 0 {
        format!(
            "<p class=\"notice\" role=\"alert\" data-testid=\"sync-stale\">{}</p>",
            tf(lang, Msg::SyncStale, &[("n", &stale.to_string())])
        )
    } else {
        String::new()
    };
    format!(
        "<div class=\"syncbar\" role=\"status\" aria-live=\"polite\" data-testid=\"sync-bar\">\
         <span data-testid=\"sync-status\" data-pending=\"{pending}\">{state} · {waiting} · {last}</span> \
         <button type=\"button\" class=\"link\" data-action=\"sync\"{disabled}>{label}</button>{problem}{update}{stale}</div>",
        disabled = if running { " disabled" } else { "" },
        label = t(lang, if running { Msg::SyncRunning } else { Msg::SyncNow }),
    )
}
