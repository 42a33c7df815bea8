//! The session bar under the header (an island): who is logged in on this phone, the links of
//! their role, logging out, and the "session expired" notice. Rendered empty on the server
//! (pages hold no personal data); the phone fills it from its local session, and checks that
//! session with the server at start and whenever it comes back online.

use crate::auth::Role;
use crate::client::{island_ready, log_out, start_session_guard, use_session};
use crate::env::use_env;
use crate::i18n::{Msg, t, tf};
use leptos::prelude::*;

#[island]
pub fn SessionBar(
    /// The page requires a login (the server already checked it): verify the session even if
    /// the phone has none stored.
    needs_login: bool,
) -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let session = use_session();
    // Effects run only in the browser.
    Effect::new(move |_| start_session_guard(session, needs_login));
    let logout_error = RwSignal::new(None::<String>);
    let do_logout = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = log_out(session).await {
                logout_error.set(Some(e.message(lang)));
            }
        });
    };
    view! {
        <nav class="session" aria-label=t(lang, Msg::NavHome)>
            {move || match session.info.get() {
                Some(info) => {
                    let manage = matches!(info.role, Role::Ambassador | Role::Admin);
                    let admin = info.role == Role::Admin;
                    view! {
                        <span data-testid="whoami">{tf(lang, Msg::LoggedInAs, &[("name", &info.display_name)])}</span>
                        <a href="/accueil">{t(lang, Msg::NavHome)}</a>
                        {manage.then(|| view! { <a href="/comptes">{t(lang, Msg::NavAccounts)}</a> })}
                        {admin.then(|| view! { <a href="/journal">{t(lang, Msg::NavJournal)}</a> })}
                        <button type="button" class="link" on:click=do_logout data-testid="logout">{t(lang, Msg::Logout)}</button>
                    }
                    .into_any()
                }
                None => view! { <a href="/connexion">{t(lang, Msg::NavLogin)}</a> }.into_any(),
            }}
        </nav>
        {move || session.expired.get().then(|| view! {
            <div class="notice" role="alert" data-testid="session-expired">
                {t(lang, Msg::SessionExpired)} " " <a href="/connexion">{t(lang, Msg::NavLogin)}</a>
            </div>
        })}
        {move || logout_error.get().map(|e| view! { <div class="notice" role="alert">{e}</div> })}
    }
}
