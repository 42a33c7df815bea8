//! "Cet appareil" (an island): lets a volunteer check that the phone can keep data offline
//! (IndexedDB) and reach the server. It only works once the WebAssembly runs: the button is
//! disabled in the server-rendered HTML and enabled by hydration.

use crate::api::server_status;
use crate::env::use_env;
use crate::i18n::{Msg, t, tf};
use crate::local_store;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
struct CheckResult {
    /// How many checks this device has stored, including this one; `None` if storage failed.
    stored_checks: Option<u32>,
    server_reachable: bool,
}

#[island]
pub fn DeviceCheck() -> impl IntoView {
    crate::client::island_ready();
    let env = use_env();
    let hydrated = RwSignal::new(false);
    let result = RwSignal::new(None::<CheckResult>);
    let running = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));

    let run = move |_| {
        running.set(true);
        leptos::task::spawn_local(async move {
            let stored_checks = local_store::record_device_check().await.ok();
            let server_reachable = server_status().await.is_ok();
            result.set(Some(CheckResult { stored_checks, server_reachable }));
            running.set(false);
        });
    };

    // The result is drawn as HTML text (small in the phone's bundle).
    let status = move || {
        let lang = use_env().lang;
        if !hydrated.get() {
            return format!("<p>{}</p>", t(lang, Msg::DeviceWaitingForApp));
        }
        match result.get() {
            None => format!("<p data-testid=\"device-ready\">{}</p>", t(lang, Msg::DeviceReady)),
            Some(r) => {
                let storage = match r.stored_checks {
                    Some(n) => format!(
                        "<li data-testid=\"device-storage\" data-ok=\"true\">{}</li><li data-testid=\"device-count\">{}</li>",
                        t(lang, Msg::DeviceStorageOk),
                        tf(lang, Msg::DeviceCheckCount, &[("n", &n.to_string())])
                    ),
                    None => format!(
                        "<li data-testid=\"device-storage\" data-ok=\"false\">{}</li>",
                        t(lang, Msg::DeviceStorageFailed)
                    ),
                };
                let server = if r.server_reachable { Msg::DeviceServerOk } else { Msg::DeviceServerUnreachable };
                format!(
                    "<ul class=\"checks\">{storage}<li data-testid=\"device-server\" data-ok=\"{}\">{}</li></ul>",
                    r.server_reachable,
                    t(lang, server)
                )
            }
        }
    };

    view! {
        <section aria-labelledby="device-title" class="card device" data-testid="device-check">
            <h2 id="device-title">{env.t(Msg::DeviceTitle)}</h2>
            <p>{env.t(Msg::DeviceIntro)}</p>
            <button
                type="button"
                class="primary"
                on:click=run
                disabled=move || !hydrated.get() || running.get()
                data-testid="device-check-button"
            >
                {env.t(Msg::DeviceCheckButton)}
            </button>
            <div role="status" aria-live="polite" inner_html=status></div>
        </section>
    }
}
