//! "Accueil": where each role starts. Rendered without personal data on the server; the
//! user's name comes from the session the app keeps on the phone.

use crate::auth::Role;
use crate::client::{island_ready, use_session};
use crate::env::use_env;
use crate::html::esc;
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
        <SetupGaps/>
    }
}

/// An admin's home lists what the territory still lacks (no scope, a scope without
/// ambassador, communes in no scope). Server-rendered; other roles get nothing, and do not
/// even ask (a refused server function would make the whole page a 403).
#[component]
fn SetupGaps() -> impl IntoView {
    let gaps = Resource::new(
        || (),
        |_| async {
            #[cfg(feature = "ssr")]
            if crate::backend::auth::require(&[Role::Admin]).is_err() {
                return None;
            }
            crate::api::setup::territory_setup().await.ok()
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || gaps.get().flatten().filter(|v| !v.gaps().is_empty()).map(|view| {
                view! { <crate::pages::setup::GapList view/> }
            })}
        </Suspense>
    }
}

/// What the logged-in user can do, from the session kept on the phone (an island, drawn as
/// HTML text).
#[island]
fn HomeContent() -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let session = use_session();
    let html = move || {
        let Some(info) = session.info.get() else {
            return String::new();
        };
        let text = match info.role {
            Role::Volunteer => Msg::HomeVolunteer,
            Role::Ambassador => Msg::HomeAmbassador,
            Role::Coordinator => Msg::HomeCoordinator,
            Role::Admin => Msg::HomeAdmin,
        };
        let links = crate::components::session_bar::role_pages(info.role);
        let links: String = links
            .iter()
            .map(|(href, label)| format!("<li><a class=\"button\" href=\"{href}\">{}</a></li>", t(lang, *label)))
            .collect();
        format!(
            "<p data-testid=\"home-hello\">{}</p><p>{}</p><ul class=\"actions\">{links}</ul>",
            esc(&tf(lang, Msg::HomeHello, &[("name", &info.display_name)])),
            t(lang, text)
        )
    };
    view! { <div inner_html=html></div> }
}
