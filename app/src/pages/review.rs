//! "À vérifier" (ambassadors): reports kept but flagged at sync, and pushes set aside from
//! revoked devices, each with a "mark as reviewed" button (a plain form post). Server-rendered,
//! no island.

use crate::api::ErrorText as _;
use crate::api::review::{PushContent, list_review};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, fmt_day, t, tr};
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
        <p>{tr(env.lang, "Ce qui est arrivé des téléphones et demande votre regard : des comptes rendus gardés mais signalés (la visite avait changé entre-temps), et ce qu'un téléphone retiré a envoyé, mis de côté. Rien n'est perdu. Une fois lu, marquez-le comme vu : il quitte la liste (qui et quand sont gardés). Ce qu'un téléphone retiré a envoyé peut aussi être enregistré au dossier, comme si le téléphone l'avait envoyé avant son retrait.", "What came from the phones and needs your eye: reports kept but flagged (the visit had changed meanwhile), and what a removed phone sent, set aside. Nothing is lost. Once read, mark it as reviewed: it leaves the list (who and when are kept). What a removed phone sent can also be recorded, as if the phone had sent it before its removal.")}</p>
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
                                <td>{reviewed_button(lang, "rapport", f.report.as_str())}</td>
                            </tr>
                        }
                    }).collect_view();
                    let quarantined = q.quarantined.iter().map(|x| view! {
                        <tr>
                            <th scope="row">{x.volunteer_name.clone()}</th>
                            <td>{push_content(lang, &x.content)}</td>
                            <td>{reason(lang, &x.reason)}</td>
                            <td>{x.received_at.paris_text()}</td>
                            <td>
                                {(x.reason == "device_revoked").then(|| view! {
                                    <form method="post" action="/a-verifier/enregistrer" class="inline">
                                        <input type="hidden" name="type" value="envoi"/>
                                        <input type="hidden" name="id" value=x.mutation.as_str().to_owned()/>
                                        <button type="submit">{tr(lang, "Enregistrer au dossier", "Record it")}</button>
                                    </form>
                                })}
                                {reviewed_button(lang, "envoi", x.mutation.as_str())}
                            </td>
                        </tr>
                    }).collect_view();
                    view! {
                        <h2 id="flagged-title">{tr(lang, "Comptes rendus signalés", "Flagged reports")}</h2>
                        {if q.flagged.is_empty() {
                            view! { <p>{tr(lang, "Rien pour le moment.", "Nothing for now.")}</p> }.into_any()
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
                                            <th scope="col">{tr(lang, "Suite", "Action")}</th>
                                        </tr></thead>
                                        <tbody>{flagged}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                        <h2 id="quarantine-title">{tr(lang, "Mis de côté (téléphone retiré)", "Set aside (removed phone)")}</h2>
                        {if q.quarantined.is_empty() {
                            view! { <p>{tr(lang, "Rien pour le moment.", "Nothing for now.")}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-scroll" role="region" aria-labelledby="quarantine-title" tabindex="0">
                                    <table data-testid="quarantined">
                                        <thead><tr>
                                            <th scope="col">{t(lang, Msg::RoleVolunteer)}</th>
                                            <th scope="col">{tr(lang, "Contenu", "Content")}</th>
                                            <th scope="col">{t(lang, Msg::ColDetail)}</th>
                                            <th scope="col">{t(lang, Msg::ColReceived)}</th>
                                            <th scope="col">{tr(lang, "Suite", "Action")}</th>
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

/// The button that marks an item reviewed: it leaves the list, and the retention purge may take
/// its resident's record when its time comes.
fn reviewed_button(lang: Lang, kind: &'static str, id: &str) -> impl IntoView {
    view! {
        <form method="post" action="/a-verifier/vu" class="inline">
            <input type="hidden" name="type" value=kind/>
            <input type="hidden" name="id" value=id.to_owned()/>
            <button type="submit">{tr(lang, "Marquer comme vu", "Mark as reviewed")}</button>
        </form>
    }
}

fn reason(lang: Lang, code: &str) -> &'static str {
    match code {
        "device_revoked" => tr(lang, "téléphone retiré", "phone removed"),
        "unknown_resident" => tr(lang, "personne inconnue ou effacée", "unknown or erased person"),
        "not_assigned" => tr(lang, "personne jamais confiée à ce bénévole", "person never given to this volunteer"),
        c if c.starts_with("refused:") => tr(
            lang,
            "refusé (date ou contenu impossible) ; le téléphone le garde pour correction",
            "refused (impossible date or content); the phone keeps it for correction",
        ),
        _ => tr(lang, "autre", "other"),
    }
}

/// What a set-aside push held, in a line.
fn push_content(lang: Lang, content: &PushContent) -> String {
    match content {
        PushContent::Report { resident_name, day, outcome, concerns, .. } => {
            let mut text = format!(
                "{} {} — {} — {}",
                tr(lang, "Visite du", "Visit of"),
                fmt_day(lang, *day),
                resident_name.as_deref().unwrap_or(tr(
                    lang,
                    "personne hors de votre périmètre",
                    "person outside your area"
                )),
                crate::i18n::outcome_label(lang, *outcome),
            );
            for c in concerns {
                text.push_str(" — ");
                text.push_str(crate::i18n::concern_label(lang, *c));
            }
            text
        }
        PushContent::Absence { first, last } => {
            format!("{} {} → {}", tr(lang, "Absence", "Away"), fmt_day(lang, *first), fmt_day(lang, *last))
        }
        PushContent::AbsenceCancelled { first, last } => format!(
            "{} {} → {}",
            tr(lang, "Absence annulée", "Absence taken back"),
            fmt_day(lang, *first),
            fmt_day(lang, *last)
        ),
        PushContent::Decline { day } => match day {
            Some(day) => format!("{} {}", tr(lang, "Visite déclinée du", "Declined visit of"), fmt_day(lang, *day)),
            None => tr(lang, "Visite déclinée", "Declined visit").to_owned(),
        },
    }
}
