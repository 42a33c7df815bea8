//! "Organisation du territoire" (admins): the scopes, the communes each covers, their
//! ambassadors, and what is still missing. A plain server-rendered page whose forms post to
//! the server and come back here with what was done or why it was refused: it costs the
//! phone's bundle nothing.

use crate::api::ApiError;
use crate::api::setup::{ScopeView, SetupView, gap_text, refusal_text, territory_setup};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, t, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetupPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let done = query.read_untracked().get("fait").unwrap_or_default();
    let refused = query.read_untracked().get("erreur").unwrap_or_default();
    let view_data = Resource::new(|| (), |_| territory_setup());
    let title = tr(lang, "Organisation du territoire", "Territory set-up");
    view! {
        <Title text=format!("{title} · {}", env.t(Msg::AppName))/>
        <h1>{title}</h1>
        <p>{tr(lang,
            "Chaque commune appartient à un secteur au plus ; chaque secteur a ses ambassadeurs. Une commune sans secteur ne peut accueillir aucune inscription.",
            "Each commune belongs to one scope at most; each scope has its ambassadors. Nobody can be registered in a commune without a scope.")}</p>
        {outcome(lang, &done, &refused)}
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || view_data.get().map(|r| match r {
                Ok(v) => view! { <GapList view=v.clone()/> <SetupBody view=v/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{refusal_text(lang, &e)}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// What the last form post did, or why it was refused.
fn outcome(lang: Lang, done: &str, refused: &str) -> Option<AnyView> {
    if let Some((field, reason)) = refused.split_once('.') {
        let text = refusal_text(lang, &ApiError::invalid(field, reason));
        return Some(view! { <p class="error" role="alert" data-testid="setup-refused">{text}</p> }.into_any());
    }
    let text = match done {
        "secteur-cree" => tr(lang, "Secteur créé.", "Scope created."),
        "secteur-renomme" => tr(lang, "Secteur renommé.", "Scope renamed."),
        "commune" => tr(lang, "Commune rattachée au secteur.", "Commune given to the scope."),
        "ambassadeur-cree" => tr(
            lang,
            "Ambassadeur enregistré. Ouvrez-lui un compte depuis la page Comptes.",
            "Ambassador recorded. Open their account from the Accounts page.",
        ),
        "rattachement" => tr(lang, "Rattachement enregistré.", "Scope of the ambassador saved."),
        _ => return None,
    };
    Some(view! { <p class="notice" role="status" data-testid="setup-done">{text}</p> }.into_any())
}

/// What is still missing before the territory works (also on the admin's home).
#[component]
pub fn GapList(view: SetupView) -> impl IntoView {
    let lang = use_env().lang;
    let gaps = view.gaps();
    if gaps.is_empty() {
        return view! { <p data-testid="setup-complete">{tr(lang, "Le territoire est organisé : chaque commune a son secteur, chaque secteur ses ambassadeurs.", "The territory is set up: every commune has its scope, every scope its ambassadors.")}</p> }.into_any();
    }
    let items = gaps.into_iter().map(|g| view! { <li>{gap_text(lang, &g)}</li> }).collect_view();
    view! {
        <section class="card" aria-labelledby="gaps-title" data-testid="setup-gaps">
            <h2 id="gaps-title">{tr(lang, "À compléter", "Still missing")}</h2>
            <ul>{items}</ul>
            <p><a href="/territoire">{tr(lang, "Organiser le territoire", "Set up the territory")}</a></p>
        </section>
    }
    .into_any()
}

/// The scope choices of a select: every scope, and "none" first when `none` is given.
fn scope_options(
    scopes: &[ScopeView],
    selected: Option<crate::domain::ScopeId>,
    none: Option<&'static str>,
) -> impl IntoView + use<> {
    let none = none.map(|label| view! { <option value="" selected=selected.is_none()>{label}</option> });
    let rest = scopes
        .iter()
        .map(|s| view! { <option value=s.id.0 selected=selected == Some(s.id)>{s.name.clone()}</option> })
        .collect_view();
    view! { {none} {rest} }
}

#[component]
fn SetupBody(view: SetupView) -> impl IntoView {
    let lang = use_env().lang;
    let all_communes: Vec<(String, String, Option<String>)> = {
        let mut all: Vec<_> = view.free_communes.iter().map(|c| (c.insee.clone(), c.name.clone(), None)).collect();
        for s in &view.scopes {
            all.extend(s.communes.iter().map(|c| (c.insee.clone(), c.name.clone(), Some(s.name.clone()))));
        }
        all
    };
    let scopes = view
        .scopes
        .iter()
        .map(|s| {
            let id = s.id.0;
            let communes = if s.communes.is_empty() {
                tr(lang, "Aucune commune.", "No commune.").to_owned()
            } else {
                s.communes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
            };
            let ambassadors = if s.ambassadors.is_empty() {
                tr(lang, "Aucun ambassadeur.", "No ambassador.").to_owned()
            } else {
                s.ambassadors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            };
            let split = (s.split_pairs > 0).then(|| view! {
                <p class="note">{format!("{} {}", s.split_pairs, tr(lang,
                    "binôme(s) à cheval sur deux secteurs (la personne et son bénévole ne sont plus dans le même secteur) : ils sont gardés, à revoir avec les ambassadeurs.",
                    "binôme(s) split between two scopes (the person and their volunteer are no longer in the same scope): they are kept, to review with the ambassadors."))}</p>
            });
            let options = all_communes
                .iter()
                .filter(|(_, _, owner)| owner.as_deref() != Some(s.name.as_str()))
                .map(|(insee, name, owner)| {
                    let label = match owner {
                        Some(o) => format!("{name} ({} {o})", tr(lang, "secteur", "scope")),
                        None => format!("{name} ({})", tr(lang, "sans secteur", "no scope")),
                    };
                    view! { <option value=insee.clone()>{label}</option> }
                })
                .collect_view();
            view! {
                <section class="card" aria-labelledby=format!("scope-{id}") data-testid="setup-scope">
                    <h2 id=format!("scope-{id}")>{s.name.clone()}</h2>
                    <p><strong>{tr(lang, "Communes : ", "Communes: ")}</strong>{communes}</p>
                    <p><strong>{tr(lang, "Ambassadeurs : ", "Ambassadors: ")}</strong>{ambassadors}</p>
                    {split}
                    <form class="form" method="post" action="/territoire/commune">
                        <input type="hidden" name="secteur" value=id/>
                        <label for=format!("commune-{id}")>{tr(lang, "Ajouter une commune", "Add a commune")}</label>
                        <select id=format!("commune-{id}") name="commune" required>{options}</select>
                        <label class="choice"><input type="checkbox" name="deplacer" value="1"/>
                            {tr(lang, " déplacer si elle est dans un autre secteur (ses personnes, visites et historique la suivent)", " move it if it is in another scope (its people, visits and history follow it)")}</label>
                        <button type="submit">{tr(lang, "Rattacher la commune", "Add the commune")}</button>
                    </form>
                    <form class="form" method="post" action="/territoire/secteur">
                        <input type="hidden" name="secteur" value=id/>
                        <label for=format!("rename-{id}")>{tr(lang, "Nouveau nom du secteur", "New name of the scope")}</label>
                        <input id=format!("rename-{id}") name="nom" type="text" required maxlength="60" value=s.name.clone()/>
                        <button type="submit">{tr(lang, "Renommer", "Rename")}</button>
                    </form>
                </section>
            }
        })
        .collect_view();
    let free = (!view.free_communes.is_empty()).then(|| {
        let names = view.free_communes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ");
        view! {
            <section class="card" aria-labelledby="free-title" data-testid="setup-free">
                <h2 id="free-title">{tr(lang, "Communes sans secteur", "Communes in no scope")}</h2>
                <p>{names}</p>
            </section>
        }
    });
    let ambassadors: Vec<_> = view
        .scopes
        .iter()
        .flat_map(|s| s.ambassadors.iter().map(move |a| (a.clone(), Some(s.id))))
        .chain(view.detached.iter().map(|a| (a.clone(), None)))
        .collect();
    let rows = ambassadors
        .into_iter()
        .map(|(a, scope)| {
            let field = format!("attach-{}", a.id.0);
            view! {
                <tr>
                    <th scope="row">{a.name.clone()}</th>
                    <td>
                        <form class="inline" method="post" action="/territoire/rattachement">
                            <input type="hidden" name="ambassadeur" value=a.id.0/>
                            <label class="visually-hidden" for=field.clone()>{format!("{} {}", tr(lang, "Secteur de", "Scope of"), a.name)}</label>
                            <select id=field name="secteur">{scope_options(&view.scopes, scope, Some(tr(lang, "Sans secteur", "No scope")))}</select>
                            <button type="submit">{tr(lang, "Enregistrer", "Save")}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {scopes}
        {free}
        <form class="card form" method="post" action="/territoire/secteur" data-testid="new-scope">
            <h2>{tr(lang, "Nouveau secteur", "New scope")}</h2>
            <label for="new-scope-name">{tr(lang, "Nom du secteur", "Name of the scope")}</label>
            <input id="new-scope-name" name="nom" type="text" required maxlength="60"/>
            <button type="submit" class="primary">{tr(lang, "Créer le secteur", "Create the scope")}</button>
        </form>
        <section class="card">
            <h2 id="amb-title">{tr(lang, "Ambassadeurs", "Ambassadors")}</h2>
            <div class="table-scroll" role="region" aria-labelledby="amb-title" tabindex="0">
                <table data-testid="setup-ambassadors">
                    <thead><tr>
                        <th scope="col">{tr(lang, "Nom", "Name")}</th>
                        <th scope="col">{tr(lang, "Secteur", "Scope")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <form class="card form" method="post" action="/territoire/ambassadeur" data-testid="new-ambassador">
            <h2>{tr(lang, "Nouvel ambassadeur", "New ambassador")}</h2>
            <p class="note">{tr(lang, "Son compte s'ouvre ensuite depuis la page Comptes (lien d'inscription).", "Their account is then opened from the Accounts page (enrolment link).")}</p>
            <label for="amb-first">{tr(lang, "Prénom", "First name")}</label>
            <input id="amb-first" name="prenom" type="text" required maxlength="60" autocomplete="off"/>
            <label for="amb-last">{tr(lang, "Nom", "Last name")}</label>
            <input id="amb-last" name="nom" type="text" required maxlength="60" autocomplete="off"/>
            <label for="amb-phone">{tr(lang, "Téléphone", "Phone")}</label>
            <input id="amb-phone" name="telephone" type="tel" required autocomplete="off"/>
            <label for="amb-scope">{tr(lang, "Secteur", "Scope")}</label>
            <select id="amb-scope" name="secteur">{scope_options(&view.scopes, None, Some(tr(lang, "Sans secteur pour l'instant", "No scope for now")))}</select>
            <button type="submit" class="primary">{tr(lang, "Enregistrer l'ambassadeur", "Save the ambassador")}</button>
        </form>
    }
}
