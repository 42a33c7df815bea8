//! The frame of every page: skip link, header with the language switch, the session bar, the
//! "browser too old" and offline notices, main content, footer with the build.

use crate::auth::{Access, Caching};
use crate::components::session_bar::SessionBar;
use crate::env::use_env;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let env = use_env();
    let other = env.lang.other();
    // Come back to the same page after switching language.
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let switch_href = format!("/lang/{}?to={}", other.code(), crate::html::encode_path(&here));
    let route = crate::routes::find("GET", &here);
    let needs_login = route.is_some_and(|r| r.access != Access::Public);
    // A volunteer's offline page: the session bar's place is kept until it fills (no jump).
    let shell = route.is_some_and(|r| r.caching == Caching::Shell);
    view! {
        <a class="skip" href="#main">{env.t(Msg::SkipToContent)}</a>
        <header class="site">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                <span>{env.t(Msg::AppName)}</span>
            </a>
            <nav aria-label=env.t(Msg::AppName)>
                <a href="/">{env.t(Msg::NavTerritory)}</a>
                <a
                    href=switch_href
                    hreflang=other.code()
                    lang=other.code()
                    aria-label=env.t(Msg::SwitchLanguageLabel)
                    rel="nofollow"
                >
                    {env.t(Msg::SwitchLanguage)}
                </a>
            </nav>
        </header>
        <SessionBar needs_login shell/>
        // Shown by /boot.js when the browser cannot run the app (see README, minimum browsers).
        <div id="old-browser" class="notice" role="alert" hidden>
            <strong>{crate::i18n::tr(env.lang, "Navigateur trop ancien", "Browser too old")}</strong>
            " "
            {crate::i18n::tr(env.lang, "Ce navigateur est trop ancien pour faire fonctionner l'application hors connexion. \
            Vous pouvez lire cette page, mais pour noter vos visites il faut Chrome ou le navigateur Android \
            (version 96 ou plus récente), Firefox 79 ou plus, ou Safari 15 ou plus. \
            Demandez de l'aide à votre ambassadeur.", "This browser is too old to run the app offline. You can read this page, \
            but recording visits needs Chrome or the Android browser (version 96 or later), \
            Firefox 79 or later, or Safari 15 or later. Ask your ambassador for help.")}
        </div>
        <div id="offline-banner" class="notice offline" role="status" hidden>
            {crate::i18n::tr(env.lang, "Hors connexion : vous consultez la dernière version enregistrée sur cet appareil.", "Offline: you are looking at the last version saved on this device.")}
        </div>
        <main id="main" tabindex="-1" class=shell.then_some("shell")>{children()}</main>
        <footer class="site">
            <p>
                {crate::i18n::tr(env.lang, "Les visites aux personnes âgées isolées du Civraisien en Poitou", "Home visits to isolated elderly people in the Civraisien en Poitou")} " · " {env.t(Msg::VersionLabel)} " "
                <span data-testid="build">{env.build.label()}</span>
            </p>
            <p>
                <a href="/accessibilite">{crate::i18n::tr(env.lang, "Accessibilité : non conforme", "Accessibility: not compliant")}</a>
            </p>
        </footer>
    }
}
