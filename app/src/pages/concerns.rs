//! "Signalements" (ambassadors): the concerns raised at visits, with a button for the next
//! step of each (take in hand, then mark resolved). A plain server-rendered page with form
//! posts, so it costs the phone's bundle nothing.

use crate::api::ErrorText as _;
use crate::api::concerns::{ConcernItem, list_concerns};
use crate::domain::ConcernStatus;
use crate::env::use_env;
use crate::i18n::{Lang, Msg, fmt_day, t, tf};
use leptos::prelude::*;
use leptos_meta::Title;

pub(crate) fn status_label(lang: Lang, status: ConcernStatus) -> &'static str {
    t(
        lang,
        match status {
            ConcernStatus::Open => Msg::ConcernReceived,
            ConcernStatus::Acknowledged => Msg::ConcernAcknowledged,
            ConcernStatus::Resolved => Msg::ConcernResolved,
        },
    )
}

#[component]
pub fn ConcernsPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let concerns = Resource::new(|| (), |_| list_concerns());
    view! {
        <Title text=format!("{} · {}", env.t(Msg::ConcernsTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::ConcernsTitle)}</h1>
        <p>{crate::i18n::tr(env.lang, "Ce que les bénévoles ont signalé après une visite. Prenez-le en charge, puis marquez-le traité : le bénévole voit l'état sur son téléphone. Une urgence passe par le 15 ou le 112, pas par ici.", "What volunteers reported after a visit. Take it in hand, then mark it resolved: the volunteer sees its state on their phone. An emergency goes through 15 or 112, not through here.")}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || concerns.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(items) if items.is_empty() => view! { <p>{crate::i18n::tr(lang, "Aucun signalement.", "No concern.")}</p> }.into_any(),
                Ok(items) => concerns_table(lang, items).into_any(),
            })}
        </Suspense>
    }
}

fn concerns_table(lang: Lang, items: Vec<ConcernItem>) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|c| {
            let mut state = status_label(lang, c.status).to_owned();
            for done in [&c.acknowledged, &c.resolved].into_iter().flatten() {
                state.push_str(" — ");
                state.push_str(&tf(lang, Msg::ConcernsBy, &[("name", &done.by), ("when", &done.at.paris_text())]));
            }
            let next = match c.status {
                ConcernStatus::Open => Some(("acknowledge", Msg::ConcernsAcknowledge)),
                ConcernStatus::Acknowledged => Some(("resolve", Msg::ConcernsResolve)),
                ConcernStatus::Resolved => None,
            };
            let action = next.map(|(step, label)| {
                view! {
                    <form method="post" action="/signalements/suivi" class="inline">
                        <input type="hidden" name="rapport" value=c.report.as_str().to_owned()/>
                        <input type="hidden" name="type" value=c.kind.code()/>
                        <input type="hidden" name="etape" value=step/>
                        <button type="submit">{t(lang, label)}</button>
                    </form>
                }
            });
            view! {
                <tr data-testid="concern">
                    <td>
                        {crate::i18n::concern_label(lang, c.kind)}
                        {(!c.note.is_empty()).then(|| view! {
                            <p class="concern-note" data-testid="concern-note">
                                <span class="visually-hidden">{crate::i18n::tr(lang, "Note du bénévole : ", "Volunteer's note: ")}</span>
                                {format!("« {} »", c.note)}
                            </p>
                        })}
                    </td>
                    <th scope="row">{c.resident_name.clone()}</th>
                    <td>{c.commune.clone()}</td>
                    <td>{fmt_day(lang, c.day)}<br/>{c.volunteer_name.clone()}</td>
                    <td>{state}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="concerns-caption" tabindex="0">
            <table data-testid="concerns">
                <caption id="concerns-caption">{t(lang, Msg::ConcernsTitle)}</caption>
                <thead><tr>
                    <th scope="col">{t(lang, Msg::ConcernsColKind)}</th>
                    <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                    <th scope="col">{t(lang, Msg::PlanningColCommune)}</th>
                    <th scope="col">{t(lang, Msg::ColWhen)}</th>
                    <th scope="col">{t(lang, Msg::ConcernsColStatus)}</th>
                    <th scope="col">{t(lang, Msg::ConcernsColAction)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
