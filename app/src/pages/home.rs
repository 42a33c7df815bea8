//! "Accueil": where each role starts. Rendered without personal data on the server; the
//! user's name comes from the session the app keeps on the phone.

use crate::auth::Role;
use crate::client::{island_ready, use_session};
use crate::env::use_env;
use crate::i18n::{Msg, t, tf};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let env = use_env();
    view! {
        <Title text=format!("{} · {}", env.t(Msg::HomeTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::HomeTitle)}</h1>
        <HomeContent/>
    }
}

/// What the logged-in user can do, from the session kept on the phone (an island).
#[island]
fn HomeContent() -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let session = use_session();
    view! {
        {move || {
            session
                .info
                .get()
                .map(|info| {
                    let (text, links): (Msg, Vec<(&str, Msg)>) = match info.role {
                        Role::Volunteer => (Msg::HomeVolunteer, vec![]),
                        Role::Ambassador => (Msg::HomeAmbassador, vec![("/comptes", Msg::NavAccounts)]),
                        Role::Coordinator => (Msg::HomeCoordinator, vec![]),
                        Role::Admin => (Msg::HomeAdmin, vec![("/comptes", Msg::NavAccounts), ("/journal", Msg::NavJournal)]),
                    };
                    view! {
                        <p data-testid="home-hello">{tf(lang, Msg::HomeHello, &[("name", &info.display_name)])}</p>
                        <p>{t(lang, text)}</p>
                        <ul class="actions">
                            {links
                                .into_iter()
                                .map(|(href, label)| view! { <li><a class="button" href=href>{t(lang, label)}</a></li> })
                                .collect_view()}
                        </ul>
                    }
                })
        }}
    }
}
