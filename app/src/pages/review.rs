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
        <p>{crate::i18n::tr(env.lang, "Ce qui est arrivé des téléphones et demande votre regard : des comptes rendus gardés mais signalés (la visite avait changé entre-temps), et ce qu'un téléphone retiré a envoyé, mis de côté. Rien n'est perdu.", "What came from the phones and needs your eye: reports kept but flagged (the visit had changed meanwhile), and what a removed phone sent, set aside. Nothing is lost.")}</p>
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
                        <h2 id="flagged-title">{crate::i18n::tr(lang, "Comptes rendus signalés", "Flagged reports")}</h2>
                        {if q.flagged.is_empty() {
                            view! { <p>{crate::i18n::tr(lang, "Rien pour le moment.", "Nothing for now.")}</p> }.into_any()
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
                        <h2 id="quarantine-title">{crate::i18n::tr(lang, "Mis de côté (téléphone retiré)", "Set aside (removed phone)")}</h2>
                        {if q.quarantined.is_empty() {
                            view! { <p>{crate::i18n::tr(lang, "Rien pour le moment.", "Nothing for now.")}</p> }.into_any()
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
