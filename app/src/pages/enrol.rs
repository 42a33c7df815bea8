//! "Choisir mon mot de passe": the page an enrolment or reset link opens. The token is in the
//! URL fragment (never sent to the server in the request line), read here by the app, removed
//! from the address bar, and sent in the body of the calls.

use crate::api::ErrorText as _;
use crate::api::auth::{LinkInfo, complete_enrolment, enrolment_info};
use crate::client::{device_label, island_ready, logged_in, use_session};
use crate::env::use_env;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Debug, PartialEq)]
enum LinkState {
    Checking,
    NoToken,
    Invalid(String),
    Ready(LinkInfo),
}

fn take_token_from_fragment() -> Option<String> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        let window = web_sys::window()?;
        let hash = window.location().hash().ok()?;
        let token = hash.trim_start_matches('#').to_owned();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/inscription"));
        }
        return (!token.is_empty()).then_some(token);
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    None
}

#[component]
pub fn EnrolPage() -> impl IntoView {
    let env = use_env();
    view! {
        <Title text=format!("{} · {}", env.t(Msg::EnrolTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::EnrolTitle)}</h1>
        <EnrolForm/>
    }
}

/// Reads the link's token, shows whose account it is, and sets the password (an island).
#[island]
fn EnrolForm() -> impl IntoView {
    island_ready();
    let env = use_env();
    let lang = env.lang;
    let session = use_session();
    let state = RwSignal::new(LinkState::Checking);
    let token = StoredValue::new(String::new());
    Effect::new(move |_| {
        let Some(t) = take_token_from_fragment() else {
            state.set(LinkState::NoToken);
            return;
        };
        token.set_value(t.clone());
        leptos::task::spawn_local(async move {
            state.set(match enrolment_info(t).await {
                Ok(info) => LinkState::Ready(info),
                Err(e) => LinkState::Invalid(e.message(lang)),
            });
        });
    });
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password.get_untracked() != repeat.get_untracked() {
            error.set(Some(crate::api::ApiError::invalid("password", "mismatch").message(lang)));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match complete_enrolment(token.get_value(), password.get_untracked(), device_label()).await {
                Ok(info) => logged_in(session, info, "/accueil").await,
                Err(e) => {
                    error.set(Some(e.message(lang)));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        {move || match state.get() {
            LinkState::Checking => view! { <p>{crate::i18n::t(lang, Msg::EnrolChecking)}</p> }.into_any(),
            LinkState::NoToken => view! { <p class="error" role="alert">{crate::i18n::t(lang, Msg::EnrolNoToken)}</p> }.into_any(),
            LinkState::Invalid(message) => view! { <p class="error" role="alert" data-testid="link-error">{message}</p> }.into_any(),
            LinkState::Ready(info) => {
                let intro = if info.reset { Msg::EnrolReset } else { Msg::EnrolWelcome };
                let intro = crate::i18n::tf(lang, intro, &[("name", &info.display_name), ("login", &info.login)]);
                view! {
                    <p data-testid="enrol-intro">{intro}</p>
                    <form class="card form" on:submit=submit>
                        <input type="hidden" name="username" autocomplete="username" value=info.login.clone()/>
                        <label for="password">{crate::i18n::t(lang, Msg::FieldPassword)}</label>
                        <input id="password" type="password" autocomplete="new-password" minlength="8" required bind:value=password/>
                        <label for="repeat">{crate::i18n::t(lang, Msg::FieldPasswordRepeat)}</label>
                        <input id="repeat" type="password" autocomplete="new-password" minlength="8" required bind:value=repeat/>
                        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                        <button type="submit" class="primary" disabled=move || busy.get()>
                            {crate::i18n::t(lang, Msg::EnrolButton)}
                        </button>
                    </form>
                }
                .into_any()
            }
        }}
    }
}
