//! The page for unknown addresses (HTTP 404).

use crate::env::use_env;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let env = use_env();
    view! {
        <Title text=format!("{} · {}", env.t(Msg::NotFoundTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::NotFoundTitle)}</h1>
        <p>{crate::i18n::tr(env.lang, "Cette page n'existe pas ou plus.", "This page does not exist, or no longer does.")}</p>
        <p><a href="/">{env.t(Msg::BackHome)}</a></p>
    }
}
