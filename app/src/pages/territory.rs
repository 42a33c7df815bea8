//! The public territory page: the 35 communes with population and area, and territory totals.
//! Census data only: no per-commune count of people followed is ever shown here.

use crate::api::{TerritoryFacts, territory};
use crate::components::device_check::DeviceCheck;
use crate::env::use_env;
use crate::i18n::{Msg, fmt_decimal, fmt_int};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TerritoryPage() -> impl IntoView {
    let env = use_env();
    let facts = Resource::new(|| (), |_| territory());
    let title = format!("{} · {}", env.t(Msg::TerritoryTitle), env.t(Msg::AppName));
    let loading = env.t(Msg::Loading);
    let failed = env.t(Msg::LoadFailed);
    view! {
        <Title text=title/>
        <h1>{env.t(Msg::TerritoryTitle)}</h1>
        <p class="lead">{crate::i18n::tr(env.lang, "Les équipes citoyennes Monalisa rendent visite aux personnes âgées isolées, \
            chez elles, dans les 35 communes de la Communauté de communes du Civraisien en Poitou. \
            Cette action fait partie de la Convention territoriale globale 2024-2027.", "The Monalisa citizen teams visit isolated elderly people at home \
            in the 35 communes of the Communauté de communes du Civraisien en Poitou. \
            This action is part of the 2024-2027 Convention territoriale globale.")}</p>
        <p class="note">{crate::i18n::tr(env.lang, "Cette page est publique : elle ne montre que des données du recensement, \
            jamais les personnes visitées.", "This page is public: it only shows census data, never the people visited.")}</p>
        <Suspense fallback=move || view! { <p>{loading}</p> }>
            {move || {
                facts
                    .get()
                    .map(|result| match result {
                        Ok(facts) => view! { {facts.first_start.then(|| first_start(env.lang))} <CommuneTable facts/> }.into_any(),
                        Err(_) => view! { <p class="error" role="alert">{failed}</p> }.into_any(),
                    })
            }}
        </Suspense>
        <DeviceCheck/>
        <section aria-labelledby="sources-title" class="sources">
            <h2 id="sources-title">{crate::i18n::tr(env.lang, "Sources", "Sources")}</h2>
            <p>{crate::i18n::tr(env.lang, "Communes et populations : INSEE (populations légales millésime 2023, COG 2026) \
            et DGCL. Contours : IGN Admin Express 2018 via france-geojson, simplifiés. \
            Licence Ouverte / Etalab.", "Communes and populations: INSEE (legal populations 2023, COG 2026) and DGCL. \
            Outlines: IGN Admin Express 2018 via france-geojson, simplified. Licence Ouverte / Etalab.")}</p>
        </section>
    }
}

/// An install without any account: how the first admin is created (on the server's command
/// line; nothing can be done from the web before that).
fn first_start(lang: crate::i18n::Lang) -> impl IntoView {
    use crate::i18n::tr;
    view! {
        <section class="card" aria-labelledby="first-start-title" data-testid="first-start">
            <h2 id="first-start-title">{tr(lang, "Première mise en service", "First start")}</h2>
            <p>{tr(lang, "Aucun compte n'existe encore. Sur le serveur, créez le premier administrateur ; la commande affiche son lien d'inscription :",
                "No account exists yet. On the server, create the first admin; the command prints their enrolment link:")}</p>
            <pre><code>"monalisa user add --login prenom.nom --role admin --name \"Prénom Nom\""</code></pre>
            <p>{tr(lang, "L'administrateur crée ensuite les secteurs, leur donne les communes et enregistre les ambassadeurs (page « Territoire »).",
                "The admin then creates the scopes, gives them their communes and records the ambassadors (\"Territory\" page).")}</p>
        </section>
    }
}

#[component]
fn CommuneTable(facts: TerritoryFacts) -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let year = facts.population_year.to_string();
    let rows = facts
        .communes
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.name.clone()}</th>
                    <td>{c.insee.clone()}</td>
                    <td class="num">{fmt_int(lang, i64::from(c.population))}</td>
                    <td class="num">{fmt_decimal(lang, c.area_km2, 1)}</td>
                    <td class="num">{fmt_decimal(lang, c.density(), 0)}</td>
                </tr>
            }
        })
        .collect_view();
    let count = env.tf(Msg::CommuneCount, &[("n", &facts.communes.len().to_string())]);
    view! {
        <div class="table-scroll" role="region" aria-labelledby="communes-caption" tabindex="0">
            <table class="communes" data-testid="communes">
                <caption id="communes-caption">
                    {crate::i18n::tr(env.lang, "Les communes du territoire, population municipale et superficie", "The communes of the territory, population and area")} " (" {year.clone()} ")"
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{env.t(Msg::ColumnCommune)}</th>
                        <th scope="col">{env.t(Msg::ColumnInsee)}</th>
                        <th scope="col" class="num">{env.t(Msg::ColumnPopulation)} " " {year}</th>
                        <th scope="col" class="num">{env.t(Msg::ColumnArea)}</th>
                        <th scope="col" class="num">{env.t(Msg::ColumnDensity)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr data-testid="territory-total">
                        <th scope="row">{env.t(Msg::TotalRow)}</th>
                        <td>{count}</td>
                        <td class="num">{fmt_int(lang, facts.total_population() as i64)}</td>
                        <td class="num">{fmt_decimal(lang, facts.total_area_km2(), 1)}</td>
                        <td class="num">{fmt_decimal(lang, facts.density(), 0)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
