//! "À vérifier" (ambassadors): reports kept but flagged at sync, and pushes set aside from
//! revoked devices. Server-rendered, no island.

use crate::api::review::list_review;
use crate::env::use_env;
use crate::i18n::{Msg, fmt_day, t};
use crate::sync::Flag;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let queue = Resource::new(|| (), |_| list_review());
    view! {
        <Title text=format!("{} · {}", env.t(Msg::ReviewTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::ReviewTitle)}</h1>
        <p>{env.t(Msg::ReviewIntro)}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || queue.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(q) => {
                    let flagged = q.flagged.iter().map(|f| {
                        let why = t(lang, match f.flag {
                            Flag::VisitReassigned => Msg::FlagReassigned,
                            Flag::VisitCancelled => Msg::FlagCancelled,
                            Flag::NotAssigned => Msg::FlagNotAssigned,
                        });
                        view! {
                            <tr>
                                <td>{fmt_day(lang, f.day)}</td>
                                <th scope="row">{f.resident_name.clone()}</th>
                                <td>{f.volunteer_name.clone()}</td>
                                <td>{why}</td>
                                <td>{f.received_at.paris_text()}</td>
                            </tr>
                        }
                    }).collect_view();
                    let quarantined = q.quarantined.iter().map(|x| view! {
                        <tr>
                            <th scope="row">{x.volunteer_name.clone()}</th>
                            <td>{x.reason.clone()}</td>
                            <td>{x.received_at.paris_text()}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <h2 id="flagged-title">{t(lang, Msg::ReviewFlagged)}</h2>
                        {if q.flagged.is_empty() {
                            view! { <p>{t(lang, Msg::ReviewNothing)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll" role="region" aria-labelledby="flagged-title" tabindex="0">
                                    <table data-testid="flagged">
                                        <thead><tr>
                                            <th scope="col">{t(lang, Msg::ColWhen)}</th>
                                            <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                                            <th scope="col">{t(lang, Msg::RoleVolunteer)}</th>
                                            <th scope="col">{t(lang, Msg::ColDetail)}</th>
                                            <th scope="col">{t(lang, Msg::ColReceived)}</th>
                                        </tr></thead>
                                        <tbody>{flagged}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                        <h2 id="quarantine-title">{t(lang, Msg::ReviewQuarantine)}</h2>
                        {if q.quarantined.is_empty() {
                            view! { <p>{t(lang, Msg::ReviewNothing)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll" role="region" aria-labelledby="quarantine-title" tabindex="0">
                                    <table data-testid="quarantined">
                                        <thead><tr>
                                            <th scope="col">{t(lang, Msg::RoleVolunteer)}</th>
                                            <th scope="col">{t(lang, Msg::ColDetail)}</th>
                                            <th scope="col">{t(lang, Msg::ColReceived)}</th>
                                        </tr></thead>
                                        <tbody>{quarantined}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Suspense>
    }
}
