//! "Se connecter": login and password, once with a signal; afterwards the app opens offline.

use crate::api::ErrorText as _;
use crate::api::auth::login;
use crate::client::{device_label, island_ready, logged_in, safe_next, use_session};
use crate::env::use_env;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let env = use_env();
    let query = use_query_map();
    let notice = match query.read_untracked().get("motif").as_deref() {
        Some("revoque") => Some(Msg::LoginRevoked),
        Some("deconnecte") => Some(Msg::LoginLoggedOut),
        Some("expire") => Some(Msg::SessionExpired),
        _ => None,
    };
    let next = safe_next(query.read_untracked().get("retour"));
    view! {
        <Title text=format!("{} · {}", env.t(Msg::LoginTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::LoginTitle)}</h1>
        {notice.map(|m| view! { <p class="notice-inline" role="status" data-testid="login-notice">{env.t(m)}</p> })}
        <p>{env.t(Msg::LoginIntro)}</p>
        <LoginForm next/>
        <p class="note">{env.t(Msg::LoginForgot)}</p>
    }
}

/// The login form (an island): enabled once the app runs, keeps the session on the phone.
#[island]
fn LoginForm(next: String) -> impl IntoView {
    island_ready();
    let env = use_env();
    let lang = env.lang;
    let session = use_session();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let next = StoredValue::new(next);
    let login_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match login(login_name.get_untracked(), password.get_untracked(), device_label()).await {
                Ok(info) => logged_in(session, info, &next.get_value()).await,
                Err(e) => {
                    error.set(Some(e.message(lang)));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <form class="card form" on:submit=submit data-testid="login-form">
            <label for="login">{env.t(Msg::FieldLogin)}</label>
            <input
                id="login"
                name="login"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                required
                bind:value=login_name
            />
            <label for="password">{env.t(Msg::FieldPassword)}</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required bind:value=password/>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="login-error">{e}</p> })}
            <button type="submit" class="primary" disabled=move || !hydrated.get() || busy.get()>
                {env.t(Msg::LoginButton)}
            </button>
        </form>
    }
}
