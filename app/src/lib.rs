//! Monalisa Visites: the pages and components, the domain model and rules, and the wire
//! types shared by server and phone.
//!
//! Pages are rendered on the server; only *islands* (`#[island]` components: the forms, the
//! device check, the session bar, later the offline round) hydrate in the browser. That keeps
//! the phone's WebAssembly to what is interactive: a page an ambassador reads costs the
//! volunteer's phone nothing.
//!
//! Features: `ssr` (server side: rendering, server-function bodies, the storage trait) and
//! `hydrate` (browser side: the WebAssembly entry point, IndexedDB). The domain and i18n
//! modules compile everywhere and do no I/O.

// Deeply nested views (the volunteer screens) exceed the default type-query depth.
#![recursion_limit = "256"]

pub mod api;
pub use monalisa_core::{auth, b64, coverage, domain, people, seal};
#[cfg(feature = "ssr")]
pub mod backend;
pub mod client;
pub mod components;
pub mod env;
pub mod html;
pub mod i18n;
pub mod local_store;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod planning;
pub mod routes;
pub mod sync;
pub mod vault;

use components::layout::Layout;
use env::PageEnv;
use leptos::prelude::*;
use leptos_meta::{MetaTags, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let env = PageEnv::current();
    #[cfg(feature = "ssr")]
    backend::set_page_security_headers();
    let nonce = leptos::nonce::use_nonce();
    let stylesheet = format!("/style.css?v={}", env.build.assets);
    let boot = format!("/boot.js?v={}", env.build.assets);
    let vault = format!("/vault.js?v={}", env.build.assets);
    view! {
        <!DOCTYPE html>
        <html lang=env.lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d5c57"/>
                <meta name="monalisa-build" content=env.build.label()/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=stylesheet/>
                <script src=boot nonce=nonce.clone() defer></script>
                <script src=vault nonce=nonce defer></script>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: every page, in one router. The route list is also what the server
/// serves (`leptos_axum::generate_route_list(App)`).
#[component]
pub fn App() -> impl IntoView {
    use pages::*;
    provide_meta_context();
    let env = PageEnv::current();
    provide_context(env);
    // Every page renders in full before it is sent (`Async`): headers (status, CSP) are set
    // by then, and a page is never cached half-drawn.
    view! {
        <Router>
            <Layout>
                <Routes fallback=not_found::NotFound>
                    <Route path=StaticSegment("") view=territory::TerritoryPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("accessibilite") view=accessibility::AccessibilityPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("connexion") view=login::LoginPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("inscription") view=enrol::EnrolPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("accueil") view=home::HomePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("comptes") view=accounts::AccountsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("comptes"), ParamSegment("id")) view=accounts::AccountPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("journal") view=journal::JournalPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("territoire") view=setup::SetupPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("import") view=import::ImportPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("a-verifier") view=review::ReviewPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("planification") view=planning::PlanningPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("signalements") view=concerns::ConcernsPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("planification"), StaticSegment("feuille")) view=planning::RoundSheetPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("planification"), StaticSegment("saisie")) view=planning::EntryPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("personnes") view=people::PeoplePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("personnes"), StaticSegment("fiche")) view=people::ResidentPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("personnes"), StaticSegment("dossier")) view=people::DossierPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("benevoles"), StaticSegment("fiche")) view=people::VolunteerPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("benevoles"), StaticSegment("relais")) view=people::HandoverPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("coordination") view=coverage::CoveragePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("tournee") view=volunteer::RoundPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("personne") view=volunteer::CardPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("compte-rendu") view=volunteer::ReportPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("absences") view=volunteer::AbsencesPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// The WebAssembly entry point: prepares island hydration (the loader script then hydrates
/// each island; each marks itself when live, see [`client::island_ready`]).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
