//! "Journal des accès" (admins): the audit trail, most recent first, filtered by account,
//! object kind and dates, paged backwards. A plain server-rendered page: the filters are a
//! GET form, so it costs the phone's bundle nothing.

use crate::api::ErrorText as _;
use crate::api::audit::{AuditEntry, AuditFilter, OBJECT_KINDS, audit_log};
use crate::auth::UserId;
use crate::domain::Date;
use crate::env::use_env;
use crate::i18n::{Msg, t};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PAGE: u32 = 100;

#[component]
pub fn JournalPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let q = |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let (actor, kind, since, until) = (q("compte"), q("type"), q("depuis"), q("jusqu"));
    let filter = AuditFilter {
        actor: actor.trim().parse().ok().map(UserId),
        object_kind: Some(kind.clone()).filter(|k| !k.is_empty()),
        object_id: None,
        since: Date::parse(&since).ok(),
        until: Date::parse(&until).ok(),
        before_id: q("avant").parse().ok(),
        limit: PAGE,
    };
    let next_base = format!(
        "/journal?compte={}&type={}&depuis={}&jusqu={}",
        filter.actor.map(|a| a.0.to_string()).unwrap_or_default(),
        filter.object_kind.clone().unwrap_or_default(),
        filter.since.map(|d| d.to_string()).unwrap_or_default(),
        filter.until.map(|d| d.to_string()).unwrap_or_default(),
    );
    let entries = Resource::new(move || (), move |_| audit_log(filter.clone()));
    let kinds =
        OBJECT_KINDS.iter().map(|k| view! { <option value=*k selected=kind == *k>{*k}</option> }).collect_view();
    view! {
        <Title text=format!("{} · {}", env.t(Msg::JournalTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::JournalTitle)}</h1>
        <p>{crate::i18n::tr(env.lang, "Qui a consulté ou modifié quoi, et quand. Le journal ne contient aucune donnée personnelle des personnes visitées, seulement des références.", "Who read or changed what, and when. The log holds no personal data of the people visited, only references.")}</p>
        <form class="card form filters" method="get" action="/journal">
            <label for="f-actor">{env.t(Msg::FilterActor)}</label>
            <input id="f-actor" name="compte" type="text" inputmode="numeric" value=actor/>
            <label for="f-kind">{env.t(Msg::FilterKind)}</label>
            <select id="f-kind" name="type">
                <option value="">{env.t(Msg::FilterAll)}</option>
                {kinds}
            </select>
            <label for="f-since">{env.t(Msg::FilterSince)}</label>
            <input id="f-since" name="depuis" type="date" value=since/>
            <label for="f-until">{env.t(Msg::FilterUntil)}</label>
            <input id="f-until" name="jusqu" type="date" value=until/>
            <button type="submit" class="primary">{env.t(Msg::FilterApply)}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || entries.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p>{crate::i18n::tr(lang, "Aucune entrée pour ces critères.", "No entries for these filters.")}</p> }.into_any(),
                Ok(list) => {
                    let older = (list.len() as u32 >= PAGE).then(|| list.last().map(|e| format!("{next_base}&avant={}", e.id))).flatten();
                    view! {
                        <EntryTable list/>
                        {older.map(|href| view! { <p><a href=href>{t(lang, Msg::LoadMore)}</a></p> })}
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn EntryTable(list: Vec<AuditEntry>) -> impl IntoView {
    let env = use_env();
    let rows = list
        .into_iter()
        .map(|e| {
            let who = match (&e.actor_login, e.actor) {
                (Some(login), Some(id)) => format!("{login} (#{id})"),
                (None, Some(id)) => format!("#{id}"),
                _ => "—".to_owned(),
            };
            view! {
                <tr>
                    <td>{e.at.paris_text()}</td>
                    <td>{who}</td>
                    <td>{e.device.map(|d| format!("#{d}")).unwrap_or_default()}</td>
                    <td>{e.action.clone()}</td>
                    <td>{format!("{} #{}", e.object_kind, e.object_id)}</td>
                    <td>{e.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="journal-caption" tabindex="0">
            <table data-testid="journal">
                <caption id="journal-caption">{env.t(Msg::JournalTitle)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{env.t(Msg::ColWhen)}</th>
                        <th scope="col">{env.t(Msg::ColWho)}</th>
                        <th scope="col">{env.t(Msg::ColDevice)}</th>
                        <th scope="col">{env.t(Msg::ColAction)}</th>
                        <th scope="col">{env.t(Msg::ColObject)}</th>
                        <th scope="col">{env.t(Msg::ColDetail)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
