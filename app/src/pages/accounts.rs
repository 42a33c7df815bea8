//! "Comptes": ambassadors manage the accounts of their scope's volunteers, admins every
//! account. Create an account (which gives its enrolment link and QR code), open one to
//! disable it, give a new link, or remove a lost phone. Lists are rendered on the server;
//! only the forms and buttons are islands.

use crate::api::ErrorText as _;
use crate::api::accounts::{
    AccountDetail, AccountFor, AccountSummary, AlertAddress, Candidate, EnrolmentLink, account_candidates, alert_email,
    create_account, get_account, issue_enrolment_link, list_accounts, revoke_device, set_account_disabled,
};
use crate::auth::{Role, UserId};
use crate::client::island_ready;
use crate::domain::Timestamp;
use crate::env::use_env;
use crate::html::esc;
use crate::i18n::{Lang, Msg, role_label, t, tf, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn when(lang: Lang, ts: Option<Timestamp>) -> String {
    ts.map_or_else(|| t(lang, Msg::Never).to_owned(), |ts| ts.paris_text())
}

fn status_label(lang: Lang, a: &AccountSummary) -> &'static str {
    if a.disabled {
        t(lang, Msg::StatusDisabled)
    } else if !a.enrolled {
        t(lang, Msg::StatusNotEnrolled)
    } else {
        t(lang, Msg::StatusActive)
    }
}

/// An enrolment link with its QR code (the SVG is drawn by our server from the URL).
fn render_link(lang: Lang, link: &EnrolmentLink) -> String {
    let until = link.expires_at.paris_text();
    format!(
        "<section class=\"card link\" aria-labelledby=\"link-title\" data-testid=\"enrolment-link\"><h2 id=\"link-title\">{title}</h2>\
         <p>{intro}</p><figure class=\"qr\" role=\"img\" aria-label=\"{qr_label}\">{svg}</figure>\
         <p class=\"url\"><a href=\"{url}\" data-testid=\"link-url\">{url}</a></p></section>",
        title = t(lang, Msg::LinkTitle),
        intro = esc(&tf(lang, Msg::LinkIntro, &[("until", &until)])),
        qr_label = t(lang, Msg::QrLabel),
        svg = link.qr_svg,
        url = esc(&link.url),
    )
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let accounts = Resource::new(|| (), |_| list_accounts());
    let candidates = Resource::new(|| (), |_| account_candidates());
    let is_admin = crate::client::server_role() == Some(Role::Admin);
    view! {
        <Title text=format!("{} · {}", env.t(Msg::AccountsTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::AccountsTitle)}</h1>
        <p>{env.t(Msg::AccountsIntro)}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || accounts.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p>{t(lang, Msg::AccountsEmpty)}</p> }.into_any(),
                Ok(list) => view! { <AccountTable list/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || candidates.get().map(|r| match r {
                Ok(list) => view! { <CreateAccount candidates=list is_admin/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AccountTable(list: Vec<AccountSummary>) -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let rows = list
        .into_iter()
        .map(|a| {
            let status = status_label(lang, &a);
            view! {
                <tr>
                    <th scope="row"><a href=format!("/comptes/{}", a.id)>{a.display_name.clone()}</a></th>
                    <td>{a.login.clone()}</td>
                    <td>{role_label(lang, a.role)}</td>
                    <td>{status}</td>
                    <td class="num">{a.active_devices}</td>
                    <td>{when(lang, a.last_seen)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="accounts-caption" tabindex="0">
            <table data-testid="accounts">
                <caption id="accounts-caption">{env.t(Msg::AccountsTitle)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{env.t(Msg::ColName)}</th>
                        <th scope="col">{env.t(Msg::ColLogin)}</th>
                        <th scope="col">{env.t(Msg::ColRole)}</th>
                        <th scope="col">{env.t(Msg::ColStatus)}</th>
                        <th scope="col" class="num">{env.t(Msg::ColDevices)}</th>
                        <th scope="col">{env.t(Msg::ColLastSeen)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The creation form (an island, drawn as HTML text with delegated events to keep the phone's
/// bundle small); shows the new account's enrolment link once created.
#[island]
fn CreateAccount(candidates: Vec<Candidate>, is_admin: bool) -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let outcome = RwSignal::new(None::<Result<(AccountSummary, EnrolmentLink), String>>);
    let busy = RwSignal::new(false);
    let form = {
        let mut options = format!("<option value=\"\">{}</option>", t(lang, Msg::ChoosePerson));
        for c in &candidates {
            let (value, label) = match c {
                Candidate::Volunteer { id, name } => {
                    (format!("v{}", id.0), format!("{name} ({})", role_label(lang, Role::Volunteer)))
                }
                Candidate::Ambassador { id, name } => {
                    (format!("a{}", id.0), format!("{name} ({})", role_label(lang, Role::Ambassador)))
                }
            };
            options.push_str(&format!("<option value=\"{value}\">{}</option>", esc(&label)));
        }
        if is_admin {
            options.push_str(&format!(
                "<option value=\"c\">{}</option><option value=\"d\">{}</option>",
                role_label(lang, Role::Coordinator),
                role_label(lang, Role::Admin)
            ));
        }
        let none = if candidates.is_empty() {
            format!("<p class=\"note\">{}</p>", t(lang, Msg::NoCandidates))
        } else {
            String::new()
        };
        format!(
            "<section class=\"card\" aria-labelledby=\"create-title\"><h2 id=\"create-title\">{title}</h2>{none}\
             <form class=\"form\" data-testid=\"create-account\"><label for=\"person\">{person}</label>\
             <select id=\"person\" name=\"person\" required>{options}</select>\
             <div class=\"staff-only\" hidden><label for=\"staff-name\">{name}</label><input id=\"staff-name\" name=\"name\" type=\"text\" maxlength=\"80\"></div>\
             <label for=\"new-login\">{login}</label><input id=\"new-login\" name=\"login\" type=\"text\" autocapitalize=\"none\" spellcheck=\"false\" minlength=\"3\" maxlength=\"40\" required>\
             <button type=\"submit\" class=\"primary\">{create}</button></form></section>",
            title = t(lang, Msg::CreateAccountTitle),
            person = t(lang, Msg::FieldPerson),
            name = t(lang, Msg::FieldDisplayName),
            login = t(lang, Msg::FieldLogin),
            create = t(lang, Msg::CreateAccountButton),
        )
    };
    let result = move || match outcome.get() {
        None => String::new(),
        Some(Err(e)) => format!("<p class=\"error\" role=\"alert\">{}</p>", esc(&e)),
        Some(Ok((account, link))) => format!(
            "<p role=\"status\" data-testid=\"account-created\"><a href=\"/comptes/{}\">{}</a> ({})</p>{}",
            account.id,
            esc(&account.display_name),
            esc(&account.login),
            render_link(lang, &link)
        ),
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(f) = read_form(&ev) {
            show_in_form(&ev, ".staff-only", matches!(f.get("person").as_str(), "c" | "d"));
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(f) = read_form(&ev) else { return };
        let choice = f.get("person");
        let target = match choice.split_at(choice.len().min(1)) {
            ("v", id) => id.parse().ok().map(|id| AccountFor::Volunteer(crate::domain::VolunteerId(id))),
            ("a", id) => id.parse().ok().map(|id| AccountFor::Ambassador(crate::domain::AmbassadorId(id))),
            ("c", _) => Some(AccountFor::Staff { role: Role::Coordinator, display_name: f.get("name") }),
            ("d", _) => Some(AccountFor::Staff { role: Role::Admin, display_name: f.get("name") }),
            _ => None,
        };
        let Some(target) = target else {
            outcome.set(Some(Err(crate::api::ApiError::invalid("person", "required").message(lang))));
            return;
        };
        busy.set(true);
        let login = f.get("login");
        leptos::task::spawn_local(async move {
            outcome.set(Some(create_account(login, target).await.map_err(|e| e.message(lang))));
            busy.set(false);
        });
    };
    view! {
        <div inner_html=form on:change=on_change on:submit=on_submit></div>
        <div inner_html=result></div>
    }
}

/// The fields of the form an event happened in.
struct FormFields(Vec<(String, String)>);

impl FormFields {
    fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
}

fn read_form(ev: &leptos::ev::Event) -> Option<FormFields> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let form: web_sys::HtmlFormElement = target.closest("form").ok()??.dyn_into().ok()?;
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        let mut fields = Vec::new();
        for name in ["person", "name", "login"] {
            fields.push((name.to_owned(), data.get(name).as_string().unwrap_or_default()));
        }
        return Some(FormFields(fields));
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = ev;
        None
    }
}

fn show_in_form(ev: &leptos::ev::Event, selector: &str, shown: bool) {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
        else {
            return;
        };
        if let Ok(Some(el)) = form.query_selector(selector) {
            let _ = if shown { el.remove_attribute("hidden") } else { el.set_attribute("hidden", "") };
        }
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    let _ = (ev, selector, shown);
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).map(UserId);
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_account(id).await,
            None => Err(crate::api::ApiError::NotFound),
        }
    });
    let email = Resource::new(id, |id| async move {
        match id {
            Some(id) => alert_email(id).await,
            None => Err(crate::api::ApiError::NotFound),
        }
    });
    let notice = use_query_map().read_untracked().get("courriel");
    view! {
        <Title text=format!("{} · {}", env.t(Msg::AccountTitle), env.t(Msg::AppName))/>
        <p><a href="/comptes">{env.t(Msg::BackToAccounts)}</a></p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => {
                    let (id, role) = (d.account.id, d.account.role);
                    view! {
                        <AccountView initial=d/>
                        {alert_email_notice(lang, role, notice.clone())}
                        <Suspense>{move || email.get().map(|e| alert_email_field(lang, id, e))}</Suspense>
                    }
                    .into_any()
                }
                Err(e) => view! { <h1>{t(lang, Msg::AccountTitle)}</h1><p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// The outcome of the last change of the alert address, for ambassador and coordinator accounts.
fn alert_email_notice(lang: Lang, role: Role, notice: Option<String>) -> Option<AnyView> {
    if !matches!(role, Role::Ambassador | Role::Coordinator) {
        return None;
    }
    notice.map(|n| match n.as_str() {
        "ok" => view! { <p class="notice" role="status" data-testid="email-saved">
        {tr(lang, "Adresse d'alerte enregistrée.", "Alert address saved.")}</p> }
        .into_any(),
        _ => view! { <p class="error" role="alert" data-testid="email-error">
        {tr(lang, "Cette adresse e-mail n'est pas valide.", "This e-mail address is not valid.")}</p> }
        .into_any(),
    })
}

/// The address concern alerts go to (admins only: the server function refuses other callers,
/// and then nothing is shown). Server-rendered, a plain form post.
fn alert_email_field(
    lang: Lang,
    id: UserId,
    address: Result<Option<AlertAddress>, crate::api::ApiError>,
) -> Option<AnyView> {
    let email = address.ok()??.email;
    Some(
        view! {
            <form class="card form" method="post" action="/comptes/courriel" data-testid="email-form">
                <h2>{tr(lang, "Alertes par e-mail", "E-mail alerts")}</h2>
                <p>{tr(lang,
                    "Ambassadeurs : chaque nouveau signalement de leur secteur. Coordination : les signalements restés sans prise en charge. Les messages ne contiennent aucun nom. Vide : pas d'alerte.",
                    "Ambassadors: each new concern of their area. Coordinators: concerns nobody took in hand. Messages hold no names. Empty: no alerts.")}</p>
                <input type="hidden" name="compte" value=id.0/>
                <label for="alert-email">{tr(lang, "Adresse e-mail", "E-mail address")}</label>
                <input id="alert-email" name="courriel" type="email" autocomplete="off" value=email.unwrap_or_default()/>
                <button type="submit">{tr(lang, "Enregistrer l'adresse", "Save the address")}</button>
            </form>
        }
        .into_any(),
    )
}

/// One account with its actions (an island, drawn as HTML text with delegated events)./// One account with its actions (an island, drawn as HTML text with delegated events).
#[island]
fn AccountView(initial: AccountDetail) -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let detail = RwSignal::new(initial);
    let link = RwSignal::new(None::<EnrolmentLink>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let html = move || {
        let d = detail.get();
        let a = &d.account;
        let busy_attr = if busy.get() { " disabled" } else { "" };
        let link_disabled = if busy.get() || a.disabled { " disabled" } else { "" };
        let devices = if d.devices.is_empty() {
            format!("<p>{}</p>", t(lang, Msg::NoDevices))
        } else {
            let rows: String = d
                .devices
                .iter()
                .map(|dv| {
                    let state = match dv.revoked_at {
                        Some(at) => esc(&tf(lang, Msg::RevokedOn, &[("when", &at.paris_text())])),
                        None => format!(
                            "<button type=\"button\" class=\"danger\" data-action=\"revoke\" data-device=\"{}\" data-testid=\"revoke-{}\"{busy_attr}>{}</button>",
                            dv.id, dv.id, t(lang, Msg::Revoke)
                        ),
                    };
                    format!(
                        "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{state}</td></tr>",
                        esc(&dv.label),
                        dv.first_seen.paris_text(),
                        dv.last_seen.paris_text(),
                        when(lang, dv.last_sync)
                    )
                })
                .collect();
            format!(
                "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"devices-title\" tabindex=\"0\"><table data-testid=\"devices\">\
                 <thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\
                 <tbody>{rows}</tbody></table></div>",
                t(lang, Msg::ColDevice),
                t(lang, Msg::ColFirstSeen),
                t(lang, Msg::ColLastSeen),
                t(lang, Msg::ColLastSync),
                t(lang, Msg::ColStatus)
            )
        };
        format!(
            "<h1>{name}</h1><dl class=\"facts\"><dt>{l_login}</dt><dd data-testid=\"account-login\">{login}</dd><dt>{l_role}</dt><dd>{role}</dd>\
             <dt>{l_status}</dt><dd data-testid=\"account-status\">{status}</dd></dl>\
             <p class=\"actions\"><button type=\"button\" data-action=\"link\" data-testid=\"give-link\"{link_disabled}>{give}</button> \
             <button type=\"button\" data-action=\"toggle\" data-testid=\"toggle-disabled\"{busy_attr}>{toggle}</button></p>{error}{link}\
             <div class=\"devices\"><h2 id=\"devices-title\">{l_devices}</h2>{devices}</div>",
            name = esc(&a.display_name),
            l_login = t(lang, Msg::ColLogin),
            login = esc(&a.login),
            l_role = t(lang, Msg::ColRole),
            role = role_label(lang, a.role),
            l_status = t(lang, Msg::ColStatus),
            status = status_label(lang, a),
            give = t(lang, Msg::IssueLink),
            toggle = t(lang, if a.disabled { Msg::Enable } else { Msg::Disable }),
            error =
                error.get().map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(&e))).unwrap_or_default(),
            link = link.get().map(|l| render_link(lang, &l)).unwrap_or_default(),
            l_devices = t(lang, Msg::DevicesTitle),
        )
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, device)) = clicked(&ev) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        let d = detail.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match action.as_str() {
                "toggle" => set_account_disabled(d.account.id, !d.account.disabled).await.map(Some),
                "revoke" => match device {
                    Some(id) => revoke_device(crate::auth::DeviceId(id)).await.map(Some),
                    None => Ok(None),
                },
                "link" => issue_enrolment_link(d.account.id).await.map(|l| {
                    link.set(Some(l));
                    None
                }),
                _ => Ok(None),
            };
            match result {
                Ok(Some(new)) => detail.set(new),
                Ok(None) => {}
                Err(e) => error.set(Some(e.message(lang))),
            }
            busy.set(false);
        });
    };
    view! { <div inner_html=html on:click=on_click></div> }
}

/// The `data-action` of the clicked button, and its `data-device` if any.
fn clicked(ev: &leptos::ev::MouseEvent) -> Option<(String, Option<i64>)> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let el = target.closest("[data-action]").ok()??;
        let device = el.get_attribute("data-device").and_then(|d| d.parse().ok());
        return Some((el.get_attribute("data-action")?, device));
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = ev;
        None
    }
}
