//! "Comptes": ambassadors manage the accounts of their scope's volunteers, admins every
//! account. Create an account (which gives its enrolment link and QR code), open one to
//! disable it, give a new link, or remove a lost phone. Lists are rendered on the server;
//! only the forms and buttons are islands.

use crate::api::accounts::{
    AccountDetail, AccountFor, AccountSummary, Candidate, EnrolmentLink, account_candidates, create_account, issue_enrolment_link,
    get_account, list_accounts, revoke_device, set_account_disabled,
};
use crate::auth::{Role, UserId};
use crate::client::island_ready;
use crate::domain::Timestamp;
use crate::env::use_env;
use crate::i18n::{Lang, Msg, role_label, t, tf};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

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

/// An enrolment link with its QR code (drawn by the server).
#[component]
fn LinkView(link: EnrolmentLink) -> impl IntoView {
    let env = use_env();
    let until = link.expires_at.paris_text();
    view! {
        <section class="card link" aria-labelledby="link-title" data-testid="enrolment-link">
            <h2 id="link-title">{env.t(Msg::LinkTitle)}</h2>
            <p>{env.tf(Msg::LinkIntro, &[("until", &until)])}</p>
            <figure class="qr" role="img" aria-label=env.t(Msg::QrLabel) inner_html=link.qr_svg></figure>
            <p class="url"><a href=link.url.clone() data-testid="link-url">{link.url.clone()}</a></p>
        </section>
    }
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

/// The creation form (an island); shows the new account's enrolment link once created.
#[island]
fn CreateAccount(candidates: Vec<Candidate>, is_admin: bool) -> impl IntoView {
    island_ready();
    let env = use_env();
    let lang = env.lang;
    let created = RwSignal::new(None::<(AccountSummary, EnrolmentLink)>);
    let person = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let staff_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let options = candidates
        .iter()
        .map(|c| {
            let (value, label) = match c {
                Candidate::Volunteer { id, name } => (format!("v{}", id.0), format!("{name} ({})", role_label(lang, Role::Volunteer))),
                Candidate::Ambassador { id, name } => (format!("a{}", id.0), format!("{name} ({})", role_label(lang, Role::Ambassador))),
            };
            view! { <option value=value>{label}</option> }
        })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choice = person.get_untracked();
        let target = match choice.split_at(choice.len().min(1)) {
            ("v", id) => id.parse().ok().map(|id| AccountFor::Volunteer(crate::domain::VolunteerId(id))),
            ("a", id) => id.parse().ok().map(|id| AccountFor::Ambassador(crate::domain::AmbassadorId(id))),
            ("c", _) => Some(AccountFor::Staff { role: Role::Coordinator, display_name: staff_name.get_untracked() }),
            ("d", _) => Some(AccountFor::Staff { role: Role::Admin, display_name: staff_name.get_untracked() }),
            _ => None,
        };
        let Some(target) = target else {
            error.set(Some(crate::api::ApiError::invalid("person", "required").message(lang)));
            return;
        };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match create_account(login.get_untracked(), target).await {
                Ok(done) => {
                    login.set(String::new());
                    person.set(String::new());
                    created.set(Some(done));
                }
                Err(e) => error.set(Some(e.message(lang))),
            }
            busy.set(false);
        });
    };
    let needs_name = move || matches!(person.get().as_str(), "c" | "d");
    view! {
        <section class="card" aria-labelledby="create-title">
            <h2 id="create-title">{env.t(Msg::CreateAccountTitle)}</h2>
            {candidates.is_empty().then(|| view! { <p class="note">{t(lang, Msg::NoCandidates)}</p> })}
            <form class="form" on:submit=submit data-testid="create-account">
                <label for="person">{env.t(Msg::FieldPerson)}</label>
                <select id="person" bind:value=person required>
                    <option value="">{env.t(Msg::ChoosePerson)}</option>
                    {options}
                    {is_admin.then(|| view! {
                        <option value="c">{role_label(lang, Role::Coordinator)}</option>
                        <option value="d">{role_label(lang, Role::Admin)}</option>
                    })}
                </select>
                <Show when=needs_name>
                    <label for="staff-name">{t(lang, Msg::FieldDisplayName)}</label>
                    <input id="staff-name" type="text" maxlength="80" bind:value=staff_name/>
                </Show>
                <label for="new-login">{env.t(Msg::FieldLogin)}</label>
                <input id="new-login" type="text" autocapitalize="none" spellcheck="false" minlength="3" maxlength="40" required bind:value=login/>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>{env.t(Msg::CreateAccountButton)}</button>
            </form>
        </section>
        {move || created.get().map(|(account, link)| view! {
            <p role="status" data-testid="account-created">
                <a href=format!("/comptes/{}", account.id)>{account.display_name}</a> " (" {account.login} ")"
            </p>
            <LinkView link/>
        })}
    }
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
    view! {
        <Title text=format!("{} · {}", env.t(Msg::AccountTitle), env.t(Msg::AppName))/>
        <p><a href="/comptes">{env.t(Msg::BackToAccounts)}</a></p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || detail.get().map(|r| match r {
                Ok(d) => view! { <AccountView initial=d/> }.into_any(),
                Err(e) => view! { <h1>{t(lang, Msg::AccountTitle)}</h1><p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// One account with its actions (an island).
#[island]
fn AccountView(initial: AccountDetail) -> impl IntoView {
    island_ready();
    let env = use_env();
    let lang = env.lang;
    let detail = RwSignal::new(initial);
    let link = RwSignal::new(None::<EnrolmentLink>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<AccountDetail>, crate::api::ApiError>>>>| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match job.await {
                Ok(Some(d)) => detail.set(d),
                Ok(None) => {}
                Err(e) => error.set(Some(e.message(lang))),
            }
            busy.set(false);
        });
    };
    let toggle = move |_| {
        let d = detail.get_untracked();
        run(Box::pin(async move { set_account_disabled(d.account.id, !d.account.disabled).await.map(Some) }));
    };
    let give_link = move |_| {
        let id = detail.get_untracked().account.id;
        run(Box::pin(async move {
            let l = issue_enrolment_link(id).await?;
            link.set(Some(l));
            Ok(None)
        }));
    };
    view! {
        {move || {
            let d = detail.get();
            let a = d.account.clone();
            view! {
                <h1>{a.display_name.clone()}</h1>
                <dl class="facts">
                    <dt>{t(lang, Msg::ColLogin)}</dt><dd data-testid="account-login">{a.login.clone()}</dd>
                    <dt>{t(lang, Msg::ColRole)}</dt><dd>{role_label(lang, a.role)}</dd>
                    <dt>{t(lang, Msg::ColStatus)}</dt><dd data-testid="account-status">{status_label(lang, &a)}</dd>
                </dl>
            }
        }}
        <p class="actions">
            <button type="button" on:click=give_link disabled=move || busy.get() || detail.get().account.disabled data-testid="give-link">
                {env.t(Msg::IssueLink)}
            </button>
            <button type="button" on:click=toggle disabled=move || busy.get() data-testid="toggle-disabled">
                {move || if detail.get().account.disabled { t(lang, Msg::Enable) } else { t(lang, Msg::Disable) }}
            </button>
        </p>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || link.get().map(|link| view! { <LinkView link/> })}
        <div class="devices">
            <h2 id="devices-title">{env.t(Msg::DevicesTitle)}</h2>
            {move || {
                let devices = detail.get().devices;
                if devices.is_empty() {
                    return view! { <p>{t(lang, Msg::NoDevices)}</p> }.into_any();
                }
                let rows = devices
                    .into_iter()
                    .map(|dv| {
                        let revoke = move |_| {
                            run(Box::pin(async move { revoke_device(dv.id).await.map(Some) }));
                        };
                        let state = match dv.revoked_at {
                            Some(at) => view! { <span>{tf(lang, Msg::RevokedOn, &[("when", &at.paris_text())])}</span> }.into_any(),
                            None => view! {
                                <button type="button" class="danger" on:click=revoke disabled=move || busy.get()
                                    data-testid=format!("revoke-{}", dv.id)>{t(lang, Msg::Revoke)}</button>
                            }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{dv.label.clone()}</th>
                                <td>{dv.first_seen.paris_text()}</td>
                                <td>{dv.last_seen.paris_text()}</td>
                                <td>{when(lang, dv.last_sync)}</td>
                                <td>{state}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll" role="region" aria-labelledby="devices-title" tabindex="0">
                        <table data-testid="devices">
                            <thead>
                                <tr>
                                    <th scope="col">{t(lang, Msg::ColDevice)}</th>
                                    <th scope="col">{t(lang, Msg::ColFirstSeen)}</th>
                                    <th scope="col">{t(lang, Msg::ColLastSeen)}</th>
                                    <th scope="col">{t(lang, Msg::ColLastSync)}</th>
                                    <th scope="col">{t(lang, Msg::ColStatus)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </div>
    }
}
