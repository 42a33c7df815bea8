//! "Couverture du territoire" (coordinators): for a period, per commune, whether the people
//! followed are visited on time, who is overdue, where volunteers are missing; the 35 communes
//! on a map (SVG, no tile server) with the same figures in a table; trends over twelve months;
//! the CSV export. Counts only: no name, no address; counts of 1 or 2 people show as "< 3".
//! Server-rendered, no island: nothing here reaches the phone's bundle.

use crate::api::ErrorText as _;
use crate::api::coverage::{CommuneRow, CoverageView, load_coverage};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, fmt_day, fmt_decimal, t, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const HIDDEN: &str = "< 3";

fn count(v: Option<u64>) -> String {
    v.map_or_else(|| HIDDEN.to_owned(), |n| n.to_string())
}

fn percent(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |s| format!("{}\u{a0}%", fmt_decimal(lang, s * 100.0, 0)))
}

fn legend_label(lang: Lang, class: u8) -> &'static str {
    match class {
        0 => tr(lang, "90 % ou plus vues à l'heure", "90% or more seen on time"),
        1 => tr(lang, "75 à 90 %", "75 to 90%"),
        2 => tr(lang, "50 à 75 %", "50 to 75%"),
        3 => tr(lang, "moins de 50 %", "under 50%"),
        _ => tr(lang, "pas de chiffre (personne d'attendu, ou moins de 3)", "no figure (nobody due, or fewer than 3)"),
    }
}

#[component]
pub fn CoveragePage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let q = |name: &str| query.read_untracked().get(name).filter(|v| !v.is_empty());
    let (from, to) = (q("de"), q("a"));
    let data = Resource::new(|| (), move |_| load_coverage(from.clone(), to.clone()));
    let title = tr(lang, "Couverture du territoire", "Coverage of the territory");
    view! {
        <Title text=format!("{title} · {}", env.t(Msg::AppName))/>
        <h1>{title}</h1>
        <p>{tr(lang,
            "Pour chaque commune : les personnes suivies, les visites faites, la part des personnes vues à l'heure selon leur rythme, les retards, les bénévoles, et ce que le dernier planning publié n'a pas pu couvrir. Aucun nom n'apparaît ; un nombre de 1 ou 2 personnes s'affiche « < 3 », et un autre chiffre est alors masqué pour qu'il ne se retrouve pas par soustraction.",
            "For each commune: the people followed, the visits done, the share of people seen on time for their rhythm, lateness, volunteers, and what the last published plan could not cover. No name appears; a count of 1 or 2 people shows as \"< 3\", and another figure is then hidden so that it cannot be found by subtraction.")}</p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(v) => coverage_view(lang, v).into_any(),
            })}
        </Suspense>
    }
}

fn coverage_view(lang: Lang, v: CoverageView) -> impl IntoView {
    let csv = format!("/coordination/indicateurs.csv?de={}&a={}", v.from, v.to);
    view! {
        <form class="card form filters" method="get" action="/coordination" data-testid="period-form">
            <label for="c-from">{tr(lang, "Du mois", "From month")}</label>
            <input id="c-from" name="de" type="month" value=v.from.to_string()/>
            <label for="c-to">{tr(lang, "au mois", "to month")}</label>
            <input id="c-to" name="a" type="month" value=v.to.to_string()/>
            <button type="submit">{tr(lang, "Afficher", "Show")}</button>
        </form>
        <p><a class="button" href=csv download="" data-testid="csv-link">
            {tr(lang, "Télécharger les indicateurs par commune et par mois (CSV)", "Download the indicators by commune and month (CSV)")}
        </a></p>
        <h2 id="map-title">{tr(lang, "Carte : part des personnes vues à l'heure", "Map: share of people seen on time")}</h2>
        <div class="side-by-side">
            <div>
                <div class="coverage-map" inner_html=map_svg(lang, &v)></div>
                {legend(lang)}
            </div>
            {table(lang, &v)}
        </div>
        {trends(lang, &v)}
    }
}

fn esc(text: &str) -> String {
    crate::html::esc(text)
}

/// The 35 communes as SVG: filled by on-time class, white zones hatched and marked, labelled.
fn map_svg(lang: Lang, v: &CoverageView) -> String {
    let mut shapes = String::new();
    let mut labels = String::new();
    for c in &v.map {
        let name = esc(&c.name);
        shapes.push_str(&format!(
            "<path class=\"c{}\" d=\"{}\" data-insee=\"{}\"><title>{name}</title></path>",
            c.class, c.path, c.insee
        ));
        if c.white_zone {
            shapes.push_str(&format!("<path class=\"white-zone\" d=\"{}\" data-white-zone=\"{}\"/>", c.path, c.insee));
        }
        let [x, y] = c.label;
        let mark = if c.white_zone { "⚠ " } else { "" };
        labels.push_str(&format!("<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\">{mark}{name}</text>"));
    }
    let label = esc(tr(
        lang,
        "Carte des 35 communes colorées selon la part des personnes vues à l'heure ; les zones blanches sont hachurées. Les mêmes chiffres sont dans le tableau qui suit.",
        "Map of the 35 communes coloured by the share of people seen on time; white zones are hatched. The same figures are in the table below.",
    ));
    format!(
        "<svg role=\"img\" aria-labelledby=\"map-title map-desc\" viewBox=\"-10 -10 {} {}\" data-testid=\"coverage-map\">\
         <desc id=\"map-desc\">{label}</desc>\
         <defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/></pattern></defs>{shapes}<g class=\"labels\">{labels}</g></svg>",
        v.map_width + 20,
        v.map_height + 20
    )
}

fn legend(lang: Lang) -> impl IntoView {
    let items = (0..5u8)
        .map(
            |c| view! { <li><span class=format!("swatch c{c}") aria-hidden="true"></span>{legend_label(lang, c)}</li> },
        )
        .collect_view();
    view! {
        <ul class="legend" data-testid="map-legend">
            {items}
            <li><span class="swatch white-zone" aria-hidden="true"></span>
                {tr(lang, "⚠ zone blanche : des personnes suivies sans aucun bénévole à portée (communes acceptées ou rayon)",
                    "⚠ white zone: people followed with no volunteer within reach (accepted communes or radius)")}</li>
        </ul>
    }
}

fn row_cells(lang: Lang, r: &CommuneRow) -> impl IntoView + use<> {
    let hours = r.hours_to_acknowledge.map(|h| fmt_decimal(lang, h, 0)).unwrap_or_else(|| "—".into());
    let overdue = match (r.overdue, r.overdue_max_days) {
        (Some(n), Some(days)) if n > 0 => format!("{n} ({} {days} j)", tr(lang, "jusqu'à", "up to")),
        (n, _) => count(n),
    };
    let demand = r.demand.map_or_else(|| "—".to_owned(), |d| fmt_decimal(lang, d, 1));
    view! {
        <td class="num">{count(r.followed)}</td>
        <td class="num">{count(r.visits)}</td>
        <td class="num">{count(r.with_due)}</td>
        <td class="num">{percent(lang, r.on_time_share)}</td>
        <td class="num">{overdue}</td>
        <td class="num">{format!("{} / {}", r.volunteers_living, r.volunteers_serving)}</td>
        <td class="num">{format!("{} / {demand}", r.capacity)}</td>
        <td class="num">{count(r.out_of_reach)}{r.white_zone.then_some(" ⚠")}</td>
        <td class="num">{format!("{} · {} · {}", count(r.unserved_range), count(r.unserved_slot), count(r.unserved_capacity))}</td>
        <td class="num">{format!("{} / {} / {}", count(r.raised), count(r.acknowledged), count(r.resolved))}</td>
        <td class="num">{hours}</td>
        <td class="num">{r.days_to_first_visit.map_or_else(|| "—".to_owned(), |d| fmt_decimal(lang, d, 0))}</td>
        <td class="num">{r.binome_months.map_or_else(|| "—".to_owned(), |m| fmt_decimal(lang, m, 1))}</td>
    }
}

fn table(lang: Lang, v: &CoverageView) -> impl IntoView + use<> {
    let rows = v
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr data-testid="commune-row" data-insee=r.insee.clone()>
                    <th scope="row">{r.name.clone()}</th>
                    {row_cells(lang, r)}
                </tr>
            }
        })
        .collect_view();
    let caption = format!(
        "{} {} – {}",
        tr(lang, "Indicateurs par commune,", "Indicators by commune,"),
        fmt_day(lang, v.from.first_day()),
        fmt_day(lang, v.to.last_day())
    );
    view! {
        <div class="table-scroll" role="region" aria-labelledby="coverage-caption" tabindex="0">
            <table data-testid="coverage-table" class="coverage">
                <caption id="coverage-caption">{caption}</caption>
                <thead><tr>
                    <th scope="col">{tr(lang, "Commune", "Commune")}</th>
                    <th scope="col">{tr(lang, "Personnes suivies", "People followed")}</th>
                    <th scope="col">{tr(lang, "Visites faites", "Visits done")}</th>
                    <th scope="col">{tr(lang, "Échéances : personnes × mois", "Due: people × months")}</th>
                    <th scope="col">{tr(lang, "Vues à l'heure (mois par mois)", "Seen on time (month by month)")}</th>
                    <th scope="col">{tr(lang, "En retard (fin de période)", "Overdue (end of period)")}</th>
                    <th scope="col">{tr(lang, "Bénévoles : y vivant / y suivant quelqu'un", "Volunteers: living / following someone there")}</th>
                    <th scope="col">{tr(lang, "Visites par semaine : capacité / demande", "Visits per week: capacity / demand")}</th>
                    <th scope="col">{tr(lang, "Sans bénévole à portée", "No volunteer within reach")}</th>
                    <th scope="col">{tr(lang, "Non planifiées : hors de portée · pas de créneau commun · pas de capacité", "Not planned: out of range · no common slot · no capacity")}</th>
                    <th scope="col">{tr(lang, "Signalements : reçus / pris en charge / résolus", "Concerns: raised / taken in hand / resolved")}</th>
                    <th scope="col">{tr(lang, "Heures avant prise en charge (médiane)", "Hours before taken in hand (median)")}</th>
                    <th scope="col">{tr(lang, "Jours de l'orientation à la première visite (médiane)", "Days from referral to first visit (median)")}</th>
                    <th scope="col">{tr(lang, "Durée des binômes en mois (médiane)", "Length of binômes in months (median)")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr data-testid="territory-row">
                        <th scope="row">{tr(lang, "Territoire", "Territory")}</th>
                        {row_cells(lang, &v.territory)}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}

/// Visits per week and on-time share per month, as SVG charts with their figures in tables.
fn trends(lang: Lang, v: &CoverageView) -> impl IntoView + use<> {
    let (w, h) = (520, 160);
    let max = v.weekly_visits.iter().filter_map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let bar_w = w / v.weekly_visits.len().max(1) as i32;
    let bars: String = v
        .weekly_visits
        .iter()
        .enumerate()
        .filter_map(|(i, (_, n))| {
            let n = (*n)?;
            let bh = (n as i64 * i64::from(h) / max as i64) as i32;
            Some(format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bh}\"/>",
                i as i32 * bar_w,
                h - bh,
                (bar_w - 1).max(1)
            ))
        })
        .collect();
    let weekly_label =
        esc(tr(lang, "Visites faites par semaine sur 52 semaines", "Visits done per week over 52 weeks"));
    let weekly = format!(
        "<svg role=\"img\" aria-label=\"{weekly_label}\" viewBox=\"0 0 {w} {h}\" class=\"chart bars\" data-testid=\"weekly-chart\">\
         <line class=\"axis\" x1=\"0\" y1=\"{h}\" x2=\"{w}\" y2=\"{h}\"/>{bars}</svg>"
    );
    let step = w / (v.monthly_on_time.len().max(2) as i32 - 1);
    let points: Vec<String> = v
        .monthly_on_time
        .iter()
        .enumerate()
        .filter_map(|(i, (_, s))| s.map(|s| format!("{},{}", i as i32 * step, h - (s * f64::from(h)).round() as i32)))
        .collect();
    let dots: String = points
        .iter()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"3\"/>")
        })
        .collect();
    let monthly_label = esc(tr(
        lang,
        "Part des personnes vues à l'heure, mois par mois, sur 12 mois",
        "Share of people seen on time, month by month, over 12 months",
    ));
    let monthly = format!(
        "<svg role=\"img\" aria-label=\"{monthly_label}\" viewBox=\"-4 -4 {} {}\" class=\"chart line\" data-testid=\"monthly-chart\">\
         <line class=\"axis\" x1=\"0\" y1=\"{h}\" x2=\"{w}\" y2=\"{h}\"/><polyline points=\"{}\"/>{dots}</svg>",
        w + 8,
        h + 8,
        points.join(" ")
    );
    let week_rows = v
        .weekly_visits
        .iter()
        .map(|(day, n)| view! { <tr><th scope="row">{fmt_day(lang, *day)}</th><td class="num">{count(*n)}</td></tr> })
        .collect_view();
    let month_rows = v
        .monthly_on_time
        .iter()
        .map(|(m, s)| view! { <tr><th scope="row">{m.to_string()}</th><td class="num">{percent(lang, *s)}</td></tr> })
        .collect_view();
    view! {
        <h2>{tr(lang, "Tendances sur douze mois", "Trends over twelve months")}</h2>
        <h3>{tr(lang, "Visites faites par semaine", "Visits done per week")}</h3>
        <div inner_html=weekly></div>
        <details>
            <summary>{tr(lang, "Les chiffres, semaine par semaine", "The figures, week by week")}</summary>
            <table data-testid="weekly-table">
                <thead><tr><th scope="col">{tr(lang, "Semaine du", "Week of")}</th><th scope="col">{tr(lang, "Visites", "Visits")}</th></tr></thead>
                <tbody>{week_rows}</tbody>
            </table>
        </details>
        <h3>{tr(lang, "Part des personnes vues à l'heure, par mois", "Share of people seen on time, by month")}</h3>
        <div inner_html=monthly></div>
        <details>
            <summary>{tr(lang, "Les chiffres, mois par mois", "The figures, month by month")}</summary>
            <table data-testid="monthly-table">
                <thead><tr><th scope="col">{tr(lang, "Mois", "Month")}</th><th scope="col">{tr(lang, "Vues à l'heure", "Seen on time")}</th></tr></thead>
                <tbody>{month_rows}</tbody>
            </table>
        </details>
    }
}
