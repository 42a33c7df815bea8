//! The frame of every page: skip link, header with the language switch, the "browser too
//! old" notice, main content, footer with the build.

use crate::env::use_env;
use crate::i18n::Msg;
use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let env = use_env();
    let other = env.lang.other();
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
                    href=format!("/lang/{}", other.code())
                    hreflang=other.code()
                    lang=other.code()
                    aria-label=env.t(Msg::SwitchLanguageLabel)
                    rel="nofollow"
                >
                    {env.t(Msg::SwitchLanguage)}
                </a>
            </nav>
        </header>
        // Shown by /boot.js when the browser cannot run the app (see README, minimum browsers).
        <div id="old-browser" class="notice" role="alert" hidden>
            <strong>{env.t(Msg::OldBrowserTitle)}</strong>
            " "
            {env.t(Msg::OldBrowserBody)}
        </div>
        <div id="offline-banner" class="notice offline" role="status" hidden>
            {env.t(Msg::OfflineBanner)}
        </div>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site">
            <p>
                {env.t(Msg::Tagline)} " · " {env.t(Msg::VersionLabel)} " "
                <span data-testid="build">{env.build.label()}</span>
            </p>
        </footer>
    }
}
