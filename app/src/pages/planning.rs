//! "Planification de la semaine" (ambassadors): the engine's plan for the scope's week, one
//! table per volunteer, the people left out with the reason, and a button that publishes the
//! rounds. A plain server-rendered page (a GET form for the week, a POST form to publish), so
//! it costs the phone's bundle nothing.

use crate::api::ErrorText as _;
use crate::api::planning::{
    IssueKind, PlanPreview, RoundSheet, ScopeMap, UnservedReason, VisitEntry, next_week, planning_preview,
    printable_round, visit_for_entry,
};
use crate::domain::VolunteerId;
use crate::domain::{ConcernKind, Outcome, VisitId};
use crate::domain::{Date, Timestamp};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, fmt_day, t, tf, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn reason_label(lang: Lang, reason: UnservedReason) -> &'static str {
    t(
        lang,
        match reason {
            UnservedReason::NoVolunteerInRange => Msg::ReasonNoVolunteerInRange,
            UnservedReason::NoCommonSlot => Msg::ReasonNoCommonSlot,
            UnservedReason::NoCapacity => Msg::ReasonNoCapacity,
        },
    )
}

/// Today in French local time, where the page renders (the server).
fn server_today() -> Date {
    #[cfg(feature = "ssr")]
    return Timestamp(crate::backend::now_ms()).paris_local().0;
    #[cfg_attr(feature = "ssr", expect(unreachable_code, reason = "the fallback where the server returned early"))]
    Timestamp(0).paris_local().0
}

#[component]
pub fn PlanningPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let q = |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let today = server_today();
    let week = Date::parse(&q("semaine")).map(Date::week_start).unwrap_or_else(|_| next_week(today));
    let published: Option<u32> = q("publie").parse().ok();
    let changed = q("erreur") == "change";
    let misplaced = q("erreur") == "placement";
    let selected: Option<i64> = q("deplacer").parse().ok();
    let by_day = q("vue") == "jour";
    let plan = Resource::new(move || (), move |_| planning_preview(week));
    view! {
        <Title text=format!("{} · {}", env.t(Msg::PlanningTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::PlanningTitle)}</h1>
        <p>{crate::i18n::tr(env.lang, "Le planning garde chaque personne avec son bénévole habituel quand il est disponible, sert d'abord les personnes les plus isolées et les plus en retard, puis limite les trajets. Vérifiez-le, puis publiez-le : les bénévoles le recevront sur leur téléphone.", "The plan keeps each person with their usual volunteer when that volunteer is available, serves the most isolated and most overdue people first, then keeps driving short. Check it, then publish it: volunteers get it on their phones.")}</p>
        {published.map(|n| view! {
            <p class="notice" role="status" data-testid="planning-published">
                {crate::i18n::trf(lang, "{n} visites publiées : les bénévoles les recevront à leur prochaine synchronisation.", "{n} visits published: volunteers get them at their next sync.", &[("n", &n.to_string())])}
            </p>
        })}
        {changed.then(|| view! { <p class="error" role="alert">{crate::i18n::tr(lang, "Le planning a changé depuis son affichage (une absence, un compte rendu…). Vérifiez-le, puis publiez à nouveau.", "The plan changed since it was shown (an absence, a report…). Check it, then publish again.")}</p> })}
        {misplaced.then(|| view! { <p class="error" role="alert" data-testid="placement-error">
            {tr(lang, "Pour placer une visite à la main, donnez un jour de la semaine affichée et une heure (HH:MM).",
                "To place a visit by hand, give a day of the week shown and a time (HH:MM).")}</p> })}
        <form class="card form filters" method="get" action="/planification">
            <label for="p-week">{crate::i18n::tr(env.lang, "Semaine du (lundi)", "Week starting (Monday)")}</label>
            <input id="p-week" name="semaine" type="date" value=week.to_string()/>
            <button type="submit">{env.t(Msg::PlanningShow)}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || plan.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(p) => plan_view(lang, p, selected, by_day).into_any(),
            })}
        </Suspense>
    }
}

/// The ambassador's locks: assign a person to a volunteer, see and remove the choices made.
fn adjust_view(lang: Lang, p: &PlanPreview, selected: Option<i64>) -> AnyView {
    let week = p.week.to_string();
    let people = p
        .residents
        .iter()
        .map(|c| {
            let chosen = Some(c.id) == selected;
            view! { <option value=c.id selected=chosen>{c.name.clone()}</option> }
        })
        .collect_view();
    let volunteers = p.volunteers.iter().map(|c| view! { <option value=c.id>{c.name.clone()}</option> }).collect_view();
    let locks = p
        .locks
        .iter()
        .map(|l| {
            let week = week.clone();
            view! {
                <li>
                    <form method="post" action="/planification/verrou" class="inline">
                        {match l.at {
                            Some((day, time)) => format!("{} → {}, {} {time} ", l.resident_name, l.volunteer_name, fmt_day(lang, day)),
                            None => format!("{} → {} ", l.resident_name, l.volunteer_name),
                        }}
                        <input type="hidden" name="semaine" value=week/>
                        <input type="hidden" name="personne" value=l.resident.0/>
                        <input type="hidden" name="benevole" value=""/>
                        <button type="submit">{t(lang, Msg::PlanningUnlock)}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t(lang, Msg::PlanningAdjust)}</h2>
        <p>{crate::i18n::tr(lang, "Confiez une personne à un bénévole pour cette semaine : le planning est recalculé autour de ce choix (s'il est impossible, la personne apparaît parmi les non prévues, avec la raison).", "Assign a person to a volunteer for this week: the plan is recomputed around that choice (if it cannot be done, the person appears among those not planned, with the reason).")}</p>
        {(!p.locks.is_empty()).then(|| view! {
            <h3>{crate::i18n::tr(lang, "Vos choix pour cette semaine", "Your choices for this week")}</h3>
            <ul data-testid="planning-locks">{locks}</ul>
        })}
        {(!p.residents.is_empty()).then(|| view! {
            <form class="card form" method="post" action="/planification/verrou" data-testid="lock-form" id="lock-form">
                <input type="hidden" name="semaine" value=week.clone()/>
                <label for="lock-person">{t(lang, Msg::FieldPerson)}</label>
                <select id="lock-person" name="personne">{people}</select>
                <label for="lock-volunteer">{t(lang, Msg::RoleVolunteer)}</label>
                <select id="lock-volunteer" name="benevole">{volunteers}</select>
                <p class="hint" id="lock-at-hint">{tr(lang,
                    "Facultatif : un jour et une heure pour placer la visite à la main. Le planning est refait autour, puis vérifié.",
                    "Optional: a day and a time to place the visit by hand. The plan is redone around it, then checked.")}</p>
                <label for="lock-day">{tr(lang, "Jour", "Day")}</label>
                <input id="lock-day" name="jour" type="date" min=week.clone() max=p.week.add_days(6).to_string()
                    aria-describedby="lock-at-hint"/>
                <label for="lock-time">{tr(lang, "Heure", "Time")}</label>
                <input id="lock-time" name="heure" type="time" aria-describedby="lock-at-hint"/>
                <button type="submit">{t(lang, Msg::PlanningLockSubmit)}</button>
            </form>
        })}
    }
    .into_any()
}

/// One round on the scope's map, as SVG markup (numbers only, and the escaped label).
fn round_map(lang: Lang, map: &ScopeMap, volunteer: &str, route: &[[i32; 2]]) -> String {
    let label = crate::html::esc(&crate::i18n::trf(
        lang,
        "Carte de la tournée de {name} : domicile (carré) puis visites numérotées dans l'ordre ; le tableau ci-dessous donne les mêmes informations.",
        "Map of {name}'s round: home (square) then the visits numbered in order; the table below gives the same information.",
        &[("name", volunteer)],
    ));
    let line: Vec<String> = route.iter().map(|[x, y]| format!("{x},{y}")).collect();
    let mut marks = String::new();
    if let Some([x, y]) = route.first() {
        marks.push_str(&format!("<rect class=\"home\" x=\"{}\" y=\"{}\" width=\"8\" height=\"8\"/>", x - 4, y - 4));
    }
    for (i, [x, y]) in route.iter().enumerate().skip(1) {
        marks.push_str(&format!(
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"6\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{i}</text>",
            y + 3
        ));
    }
    format!(
        "<svg role=\"img\" aria-label=\"{label}\" viewBox=\"-8 -8 {} {}\" data-testid=\"round-map\">\
         <use href=\"#scope-communes\" class=\"communes\"/><polyline class=\"route\" points=\"{}\"/>{marks}</svg>",
        map.width + 16,
        map.height + 16,
        line.join(" ")
    )
}

/// What the check mode found once visits were placed by hand.
fn check_view(lang: Lang, p: &PlanPreview) -> AnyView {
    let items = p
        .issues
        .iter()
        .map(|i| {
            let who = i.volunteer_name.as_str();
            let person = i.resident_name.clone().unwrap_or_default();
            let day = i.day.map(|d| fmt_day(lang, d)).unwrap_or_default();
            let text = match i.kind {
                IssueKind::NoSlot => format!(
                    "{who} : {}",
                    tr(lang, "aucun créneau de disponibilité à cette heure-là", "no availability slot at that time")
                ),
                IssueKind::Absent => format!("{who} : {} {day}", tr(lang, "absent·e ce jour-là,", "away that day,")),
                IssueKind::NotAllowed => format!(
                    "{person} : {} {who}",
                    tr(
                        lang,
                        "hors des communes ou de la distance acceptées par",
                        "outside the communes or distance accepted by"
                    )
                ),
                IssueKind::TooManyInSlot => format!(
                    "{who} : {} {day}",
                    tr(lang, "trop de visites dans le créneau du", "too many visits in the slot of")
                ),
                IssueKind::OverCapacity => format!(
                    "{who} : {}",
                    tr(
                        lang,
                        "plus de visites cette semaine que sa capacité",
                        "more visits this week than their capacity"
                    )
                ),
                IssueKind::OutsideHours => format!(
                    "{person} : {}",
                    tr(lang, "en dehors de ses jours et heures préférés", "outside their preferred days and times")
                ),
                IssueKind::LateReturn => format!(
                    "{who} : {} {day}",
                    tr(lang, "rentre après la fin de son créneau,", "gets home after the end of the slot,")
                ),
                IssueKind::Other => tr(lang, "le planning est incohérent", "the plan is inconsistent").to_owned(),
            };
            view! { <li>{text}</li> }
        })
        .collect_view();
    view! {
        <h2>{tr(lang, "Vérification des visites placées à la main", "Check of the visits placed by hand")}</h2>
        {if p.issues.is_empty() {
            view! { <p data-testid="plan-checked">{tr(lang, "Le planning respecte toutes les règles.", "The plan keeps every rule.")}</p> }.into_any()
        } else {
            view! {
                <p>{tr(lang, "Ce planning peut être publié, mais il ne respecte pas :", "This plan can be published, but it breaks:")}</p>
                <ul class="error" data-testid="plan-issues">{items}</ul>
            }.into_any()
        }}
    }
    .into_any()
}

/// The week's visits day by day, every volunteer together.
fn days_view(lang: Lang, p: &PlanPreview) -> AnyView {
    let mut visits: Vec<(Date, crate::domain::Minute, &str, &str, &str)> = p
        .rounds
        .iter()
        .flat_map(|r| {
            r.visits
                .iter()
                .map(|v| (v.day, v.start, r.volunteer_name.as_str(), v.resident_name.as_str(), v.commune.as_str()))
        })
        .collect();
    visits.sort();
    let days = (0..7)
        .map(|i| p.week.add_days(i))
        .filter(|day| visits.iter().any(|v| v.0 == *day))
        .map(|day| {
            let title = format!("day-{day}");
            let rows = visits
                .iter()
                .filter(|v| v.0 == day)
                .map(|&(_, start, volunteer, person, commune)| {
                    view! {
                        <tr>
                            <td>{start.to_string()}</td>
                            <th scope="row">{person.to_owned()}</th>
                            <td>{commune.to_owned()}</td>
                            <td>{volunteer.to_owned()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h2 id=title.clone()>{crate::i18n::fmt_day_long(lang, day)}</h2>
                <div class="table-scroll" role="region" aria-labelledby=title tabindex="0">
                    <table data-testid="planned-day">
                        <thead><tr>
                            <th scope="col">{t(lang, Msg::PlanningColTime)}</th>
                            <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColCommune)}</th>
                            <th scope="col">{t(lang, Msg::RoleVolunteer)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })
        .collect_view();
    days.into_any()
}

/// The visits volunteers declined from this week on, with their words: each was taken off its
/// round, so the person is planned again here.
fn declined_view(lang: Lang, declined: &[crate::api::planning::DeclinedVisit]) -> Option<AnyView> {
    if declined.is_empty() {
        return None;
    }
    let rows = declined
        .iter()
        .map(|d| {
            view! {
                <tr data-testid="declined-visit">
                    <td>{fmt_day(lang, d.day)}</td>
                    <th scope="row">{d.resident_name.clone()}</th>
                    <td>{d.volunteer_name.clone()}</td>
                    <td>{if d.reason.trim().is_empty() { "—".to_owned() } else { d.reason.clone() }}</td>
                </tr>
            }
        })
        .collect_view();
    Some(crate::components::card_table::card_table(
        "declined-title",
        "declined-visits",
        tr(lang, "Visites déclinées par les bénévoles", "Visits declined by volunteers"),
        tr(
            lang,
            "Chaque visite déclinée a été retirée de la tournée du bénévole : la personne revient parmi les visites à planifier (ci-dessous, ou la semaine de la visite). Publiez à nouveau pour la confier à quelqu'un.",
            "Each declined visit was taken off the volunteer's round: the person is back among the visits to plan (below, or in the visit's week). Publish again to give it to someone.",
        ),
        &[
            tr(lang, "Jour prévu", "Day planned"),
            tr(lang, "Personne", "Person"),
            tr(lang, "Bénévole", "Volunteer"),
            tr(lang, "Raison donnée", "Reason given"),
        ],
        rows.into_any(),
    ))
}

/// Published visits that fall in an absence of their volunteer: publishing the week again
/// gives them to someone else (the planner leaves absent volunteers out).
fn absent_view(lang: Lang, absent: &[crate::api::planning::AbsentVisit]) -> Option<AnyView> {
    if absent.is_empty() {
        return None;
    }
    let rows = absent
        .iter()
        .map(|a| {
            view! {
                <tr data-testid="absent-visit">
                    <td>{fmt_day(lang, a.day)}</td>
                    <th scope="row">{a.resident_name.clone()}</th>
                    <td>{a.volunteer_name.clone()}</td>
                    <td>{format!("{} → {}", fmt_day(lang, a.absence.first), fmt_day(lang, a.absence.last))}</td>
                </tr>
            }
        })
        .collect_view();
    Some(crate::components::card_table::card_table(
        "absent-title",
        "absent-visits",
        tr(lang, "Visites prévues pendant une absence du bénévole", "Visits planned while their volunteer is away"),
        tr(
            lang,
            "Ces visites publiées tombent pendant une absence déclarée après la publication. Planifiez et publiez à nouveau la semaine concernée : le planning les confie à un bénévole présent.",
            "These published visits fall in an absence declared after publishing. Plan and publish the week again: planning gives them to a volunteer who is there.",
        ),
        &[
            tr(lang, "Jour prévu", "Day planned"),
            tr(lang, "Personne", "Person"),
            tr(lang, "Bénévole", "Volunteer"),
            tr(lang, "Absence", "Absence"),
        ],
        rows.into_any(),
    ))
}

fn plan_view(lang: Lang, p: PlanPreview, selected: Option<i64>, by_day: bool) -> impl IntoView {
    let planned: usize = p.rounds.iter().map(|r| r.visits.len()).sum();
    let summary = crate::i18n::trf(
        lang,
        "{due} personnes à voir cette semaine, {planned} prévues.",
        "{due} people due this week, {planned} planned.",
        &[("due", &p.due.to_string()), ("planned", &planned.to_string())],
    );
    let rounds = p
        .rounds
        .iter()
        .enumerate()
        .map(|(i, round)| {
            let title = format!("round-{i}");
            let rows = round
                .visits
                .iter()
                .map(|v| {
                    let pair = if v.placed {
                        tr(lang, "Placée à la main", "Placed by hand")
                    } else if v.locked {
                        t(lang, Msg::PlanningLocked)
                    } else {
                        t(lang, if v.usual { Msg::PlanningUsual } else { Msg::PlanningSubstitute })
                    };
                    let move_to = format!("/planification?semaine={}&deplacer={}#lock-form", p.week, v.resident.0);
                    let move_label =
                        format!("{} {}", tr(lang, "Déplacer la visite de", "Move the visit of"), v.resident_name);
                    view! {
                        <tr data-resident=v.resident.0>
                            <td>{fmt_day(lang, v.day)}</td>
                            <td>{v.start.to_string()}</td>
                            <th scope="row">{v.resident_name.clone()}</th>
                            <td>
                                {v.commune.clone()}
                                {v.approximate.then(|| view! { <br/><span class="badge" data-testid="approximate-position"
                                    title=tr(lang, "Domicile non indiqué : les trajets sont comptés depuis le centre de la commune.", "Home not given: trips are counted from the commune's centre.")>
                                    {tr(lang, "position approximative", "approximate position")}</span> })}
                            </td>
                            <td>{pair}</td>
                            <td><a href=move_to aria-label=move_label>{tr(lang, "Déplacer", "Move")}</a></td>
                        </tr>
                    }
                })
                .collect_view();
            let sheet = format!("/planification/feuille?semaine={}&benevole={}", p.week, round.volunteer.0);
            let map = round_map(lang, &p.map, &round.volunteer_name, &round.route);
            view! {
                <h2 id=title.clone()>{round.volunteer_name.clone()}</h2>
                <div class="side-by-side">
                <div>
                    <div class="round-map" inner_html=map></div>
                    <p><a href=sheet data-testid="round-sheet-link">{crate::i18n::tr(lang, "Feuille à imprimer (tournée publiée)", "Printable sheet (published round)")}</a></p>
                </div>
                <div class="table-scroll" role="region" aria-labelledby=title tabindex="0">
                    <table data-testid="planned-round">
                        <thead><tr>
                            <th scope="col">{t(lang, Msg::PlanningColDay)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColTime)}</th>
                            <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColCommune)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColPair)}</th>
                            <th scope="col">{tr(lang, "Changer", "Change")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                </div>
            }
        })
        .collect_view();
    let unserved_rows = p
        .unserved
        .iter()
        .map(|u| {
            view! {
                <tr>
                    <th scope="row">{u.resident_name.clone()}</th>
                    <td>{u.commune.clone()}</td>
                    <td>
                        {reason_label(lang, u.reason)}
                        {u.locked_to.as_ref().map(|name| format!(" ({})", tf(lang, Msg::PlanningLockedTo, &[("name", name)])))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let nothing = p.due == 0;
    let declined = declined_view(lang, &p.declined);
    let absent = absent_view(lang, &p.absent);
    // The communes are drawn once and reused by every round's map.
    let communes = format!(
        "<svg width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\" class=\"svg-defs\"><defs><g id=\"scope-communes\">{}</g></defs></svg>",
        p.map.communes.iter().map(|d| format!("<path d=\"{d}\"/>")).collect::<String>()
    );
    view! {
        <div inner_html=communes></div>
        <p data-testid="planning-summary">{summary}</p>
        {declined}
        {absent}
        <p class="hint" data-testid="travel-model">{if p.road_times {
            tr(lang, "Temps de trajet : par la route (service d'itinéraires).", "Travel times: by road (routing service).")
        } else {
            tr(lang, "Temps de trajet : estimés à vol d'oiseau, avec un détour de 30 % à 40 km/h.",
                "Travel times: estimated as the crow flies, with a 30% detour at 40 km/h.")
        }}</p>
        {if nothing { Some(view! { <p>{crate::i18n::tr(lang, "Aucune visite à prévoir cette semaine.", "No visit to plan this week.")}</p> }) } else { None }}
        <p class="views">
            {if by_day {
                view! { <a href=format!("/planification?semaine={}", p.week)>{tr(lang, "Par bénévole", "By volunteer")}</a>
                    " · " <strong aria-current="page">{tr(lang, "Par jour", "By day")}</strong> }.into_any()
            } else {
                view! { <strong aria-current="page">{tr(lang, "Par bénévole", "By volunteer")}</strong> " · "
                    <a href=format!("/planification?semaine={}&vue=jour", p.week) data-testid="by-day">{tr(lang, "Par jour", "By day")}</a> }.into_any()
            }}
        </p>
        {if by_day { days_view(lang, &p) } else { rounds.into_any() }}
        <h2 id="unserved-title">{crate::i18n::tr(lang, "Personnes non prévues", "People not planned")}</h2>
        {if p.unserved.is_empty() {
            view! { <p>{crate::i18n::tr(lang, "Toutes les personnes à voir sont prévues.", "Everyone due is planned.")}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll" role="region" aria-labelledby="unserved-title" tabindex="0">
                    <table data-testid="unserved">
                        <thead><tr>
                            <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColCommune)}</th>
                            <th scope="col">{t(lang, Msg::PlanningColReason)}</th>
                        </tr></thead>
                        <tbody>{unserved_rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {p.checked.then(|| check_view(lang, &p))}
        {adjust_view(lang, &p, selected)}
        {(planned > 0).then(|| view! {
            <form class="card form" method="post" action="/planification/publier" data-testid="publish-form">
                <input type="hidden" name="semaine" value=p.week.to_string()/>
                <input type="hidden" name="empreinte" value=p.fingerprint.clone()/>
                <button type="submit" class="primary">{crate::i18n::tr(lang, "Publier ces tournées", "Publish these rounds")}</button>
            </form>
        })}
    }
}

/// A volunteer's published round for the week, laid out to be printed (A4, large type, a box
/// to tick per visit) for volunteers without a smartphone.
#[component]
pub fn RoundSheetPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let q = |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let week = Date::parse(&q("semaine")).map(Date::week_start).unwrap_or_else(|_| next_week(server_today()));
    let Ok(volunteer) = q("benevole").parse().map(VolunteerId) else {
        return view! {
            <Title text=format!("{} · {}", env.t(Msg::SheetTitle), env.t(Msg::AppName))/>
            <h1>{env.t(Msg::SheetTitle)}</h1>
            <p><a href="/planification">{crate::i18n::tr(env.lang, "Choisissez la tournée à imprimer sur la page de planification, sous le nom du bénévole.", "Choose the round to print on the planning page, under the volunteer's name.")}</a></p>
        }
        .into_any();
    };
    let saved = q("saisi") == "1";
    let sheet = Resource::new(move || (), move |_| printable_round(volunteer, week));
    view! {
        <Title text=format!("{} · {}", env.t(Msg::SheetTitle), env.t(Msg::AppName))/>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || sheet.get().map(|r| match r {
                Err(e) => view! {
                    <h1>{t(lang, Msg::SheetTitle)}</h1>
                    <p class="error" role="alert">{e.message(lang)}</p>
                }.into_any(),
                Ok(s) => sheet_view(lang, s, saved).into_any(),
            })}
        </Suspense>
    }
    .into_any()
}

fn sheet_view(lang: Lang, s: RoundSheet, saved: bool) -> impl IntoView {
    let heading = crate::i18n::trf(
        lang,
        "Tournée de {name}, semaine du {week}",
        "{name}'s round, week of {week}",
        &[("name", &s.volunteer_name), ("week", &fmt_day(lang, s.week))],
    );
    let rows = s
        .visits
        .iter()
        .map(|v| {
            view! {
                <tr>
                    <td class="tick"><span class="box" aria-hidden="true"></span></td>
                    <td>{fmt_day(lang, v.day)}<br/>{v.start.to_string()}</td>
                    <th scope="row">{v.resident_name.clone()}</th>
                    <td>{v.address.clone()}<br/>{v.commune.clone()}</td>
                    <td>{v.phone.clone().unwrap_or_default()}</td>
                    <td>
                        {v.access_notes.clone()}
                        <a class="no-print" href=format!("/planification/saisie?visite={}", v.visit.0)>{t(lang, Msg::EntryLink)}</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="round-sheet">
            <h1>{heading}</h1>
            {saved.then(|| view! { <p class="notice no-print" role="status" data-testid="entry-saved">{t(lang, Msg::EntrySaved)}</p> })}
            <p class="no-print">{crate::i18n::tr(lang, "Pour un bénévole sans smartphone : imprimez cette page (menu du navigateur, Imprimer) ; il coche chaque visite faite, et ses comptes rendus sont saisis pour lui.", "For a volunteer without a smartphone: print this page (browser menu, Print); they tick each visit done, and their reports are entered for them.")}</p>
            {if s.visits.is_empty() {
                view! { <p data-testid="sheet-empty">{crate::i18n::tr(lang, "Aucune visite publiée pour ce bénévole cette semaine.", "No published visit for this volunteer this week.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" role="region" aria-labelledby="sheet-title" tabindex="0">
                        <table data-testid="round-sheet">
                            <caption id="sheet-title">{t(lang, Msg::SheetTitle)}</caption>
                            <thead><tr>
                                <th scope="col">{t(lang, Msg::SheetDone)}</th>
                                <th scope="col">{t(lang, Msg::PlanningColDay)}</th>
                                <th scope="col">{t(lang, Msg::FieldPerson)}</th>
                                <th scope="col">{t(lang, Msg::SheetAddress)}</th>
                                <th scope="col">{t(lang, Msg::SheetPhone)}</th>
                                <th scope="col">{t(lang, Msg::SheetAccess)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

/// An ambassador enters the report of a visit for a volunteer without a smartphone: the same
/// fields as on the phone, recorded through the same sync path (once, whatever the resends),
/// with the ambassador as its author in the audit trail.
#[component]
pub fn EntryPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let visit = VisitId(query.read_untracked().get("visite").unwrap_or_default().parse().unwrap_or(0));
    let entry = Resource::new(move || (), move |_| visit_for_entry(visit));
    view! {
        <Title text=format!("{} · {}", env.t(Msg::EntryTitle), env.t(Msg::AppName))/>
        <h1>{env.t(Msg::EntryTitle)}</h1>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || entry.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(e) => entry_form(lang, e).into_any(),
            })}
        </Suspense>
    }
}

fn entry_form(lang: Lang, e: VisitEntry) -> impl IntoView {
    let when = format!("{} {}", fmt_day(lang, e.day), e.start);
    // The day it happened: the planned day, or today for a visit planned later that was made
    // earlier (a report of a visit still to come is refused).
    let today = server_today();
    let day = e.day.min(today).to_string();
    let latest = today.add_days(crate::domain::windows::REPORT_FUTURE_DAYS).to_string();
    let intro = crate::i18n::trf(
        lang,
        "Pour un bénévole sans smartphone : saisissez ce qu'il vous a rapporté de la visite de {person} ({when}). Le journal garde que c'est vous qui l'avez saisi pour {volunteer}.",
        "For a volunteer without a smartphone: enter what they told you about the visit to {person} ({when}). The audit trail keeps that you entered it for {volunteer}.",
        &[("person", &e.resident_name), ("when", &when), ("volunteer", &e.volunteer_name)],
    );
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| view! { <option value=o.code()>{crate::i18n::outcome_label(lang, *o)}</option> })
        .collect_view();
    let moods = [(1, Msg::Mood1), (2, Msg::Mood2), (3, Msg::Mood3), (4, Msg::Mood4)]
        .iter()
        .map(|(v, m)| view! { <option value=*v>{t(lang, *m)}</option> })
        .collect_view();
    let concerns = ConcernKind::ALL
        .iter()
        .map(|k| {
            let id = format!("souci-{}", k.code());
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone() name=format!("souci_{}", k.code()) value="1"/>
                    <label for=id>{crate::i18n::concern_label(lang, *k)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <p>{intro}</p>
        <form class="card form" method="post" action="/planification/saisir" data-testid="entry-form">
            <input type="hidden" name="id" value=e.report_id.as_str().to_owned()/>
            <input type="hidden" name="visite" value=e.visit.0/>
            <label for="e-day">{tr(lang, "Jour de la visite", "Day of the visit")}</label>
            <input id="e-day" name="jour" type="date" value=day max=latest required/>
            <label for="e-outcome">{t(lang, Msg::FieldOutcome)}</label>
            <select id="e-outcome" name="issue">{outcomes}</select>
            <label for="e-duration">{t(lang, Msg::FieldDuration)}</label>
            <input id="e-duration" name="duree" type="number" min="1" max="600" inputmode="numeric"/>
            <label for="e-mood">{t(lang, Msg::FieldMood)}</label>
            <select id="e-mood" name="humeur">
                <option value="">{t(lang, Msg::EntryNone)}</option>
                {moods}
            </select>
            <fieldset>
                <legend>{t(lang, Msg::FieldConcerns)}</legend>
                <p>{t(lang, Msg::EmergencyReminder)}</p>
                {concerns}
            </fieldset>
            <label for="e-note">{t(lang, Msg::FieldNote)}</label>
            <textarea id="e-note" name="note" maxlength="2000"></textarea>
            <button type="submit" class="primary">{t(lang, Msg::SaveReport)}</button>
        </form>
    }
}
