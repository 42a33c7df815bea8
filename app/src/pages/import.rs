//! "Importer un fichier" (ambassadors for their scope, admins for any): upload a spreadsheet
//! of residents or volunteers, see row by row what it would create or update and every
//! refused row with its line, column and reason, untick what should wait, then apply. A plain
//! server-rendered page whose forms post to the server: it costs the phone's bundle nothing.

use crate::api::import::{GeocodeProgress, ImportView, RowState, RunView, import_page};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, t, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Why the last upload was refused, set by the server when it renders the page again.
#[derive(Clone, Debug)]
pub struct ImportNotice(pub String);

#[component]
pub fn ImportPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let essai = query.read_untracked().get("essai").and_then(|v| v.parse::<i64>().ok());
    let changed = query.read_untracked().get("changees").unwrap_or_default();
    let notice = use_context::<ImportNotice>();
    let english = lang == Lang::En;
    let data = Resource::new(move || essai, move |essai| import_page(essai, english));
    let title = tr(lang, "Importer un fichier", "Import a file");
    let changed = (!changed.is_empty()).then(|| {
        let lines: Vec<&str> = changed.split(',').filter(|l| l.bytes().all(|b| b.is_ascii_digit())).collect();
        view! { <p class="error" role="alert" data-testid="import-changed">{format!("{} {}", tr(lang,
            "Rien n'a été importé : ces lignes ont changé depuis l'essai (une fiche modifiée ou créée entre-temps), refaites l'essai :",
            "Nothing was imported: these lines changed since the check (a record edited or created meanwhile), check the file again:"), lines.join(", "))}</p> }
    });
    view! {
        <Title text=format!("{title} · {}", env.t(Msg::AppName))/>
        <h1>{title}</h1>
        <p>{tr(lang,
            "Reprenez les listes que vous tenez déjà (tableur enregistré en CSV ou en .xlsx). Un essai montre d'abord, ligne par ligne, ce qui serait créé ou mis à jour et ce qui est refusé ; rien n'est enregistré avant « Importer ». Importer deux fois le même fichier ne change rien.",
            "Bring in the lists you already keep (a spreadsheet saved as CSV or .xlsx). A check first shows, row by row, what would be created or updated and what is refused; nothing is saved before \"Import\". Importing the same file twice changes nothing.")}</p>
        {notice.map(|n| view! { <p class="error" role="alert" data-testid="import-refused">{n.0}</p> })}
        {changed}
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Ok(v) => view! { <ImportBody view=v/> }.into_any(),
                Err(e) => {
                    use crate::api::ErrorText as _;
                    view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportBody(view: ImportView) -> impl IntoView {
    let lang = use_env().lang;
    let run = view.run.clone().map(|run| view! { <RunSection run=run/> });
    let scope_choice = (!view.scopes.is_empty()).then(|| {
        let options =
            view.scopes.iter().map(|(id, name)| view! { <option value=id.0>{name.clone()}</option> }).collect_view();
        view! {
            <label for="import-scope">{tr(lang, "Secteur", "Scope")}</label>
            <select id="import-scope" name="secteur" required>{options}</select>
        }
    });
    let columns = view
        .columns
        .iter()
        .map(|(kind, docs)| {
            let (heading, template) = kind_names(lang, kind);
            let rows = docs
                .iter()
                .map(|c| view! {
                    <tr>
                        <th scope="row">{c.header.clone()}</th>
                        <td>{if c.required { tr(lang, "obligatoire", "required") } else { tr(lang, "facultative", "optional") }}</td>
                        <td>{c.help.clone()}</td>
                    </tr>
                })
                .collect_view();
            // The table's region is named by the heading; the card itself is no landmark.
            let (id, region) = (format!("columns-{kind}"), format!("columns-{kind}"));
            view! {
                <section class="card">
                    <h2 id=id>{heading}</h2>
                    <p><a href=format!("/import/{template}") download=template>{format!("{} ({template})", tr(lang, "Télécharger le modèle", "Download the template"))}</a></p>
                    <div class="table-scroll" role="region" aria-labelledby=region tabindex="0">
                        <table>
                            <thead><tr>
                                <th scope="col">{tr(lang, "Colonne", "Column")}</th>
                                <th scope="col">{tr(lang, "Remplissage", "Filling")}</th>
                                <th scope="col">{tr(lang, "Contenu", "Content")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view();
    view! {
        {run}
        <form class="card form" method="post" action="/import/essai" enctype="multipart/form-data" data-testid="import-upload">
            <h2>{tr(lang, "Nouvel essai", "New check")}</h2>
            {scope_choice}
            <fieldset>
                <legend>{tr(lang, "Le fichier liste", "The file lists")}</legend>
                <label class="choice"><input type="radio" name="type" value="residents" checked/>{tr(lang, " des personnes suivies (résidents)", " people followed (residents)")}</label>
                <label class="choice"><input type="radio" name="type" value="volunteers"/>{tr(lang, " des bénévoles", " volunteers")}</label>
            </fieldset>
            <label for="import-file">{tr(lang, "Fichier (.csv ou .xlsx, 8 Mo au plus)", "File (.csv or .xlsx, 8 MB at most)")}</label>
            <input id="import-file" name="fichier" type="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
            <button type="submit" class="primary">{tr(lang, "Vérifier le fichier", "Check the file")}</button>
        </form>
        <p>{tr(lang,
            "Importez les bénévoles avant les résidents qui les nomment. Chaque résident doit avoir son consentement (date, forme, ambassadeur qui l'a recueilli) : une ligne sans consentement est refusée. Les positions des domiciles sont celles de la colonne Position, sinon le centre de la commune.",
            "Import the volunteers before the residents who name them. Each resident needs their consent (day, form, ambassador who collected it): a row without it is refused. Homes are placed from the Position column, else at the commune's centre.")}</p>
        {columns}
    }
}

fn kind_names(lang: Lang, kind: &str) -> (&'static str, &'static str) {
    match kind {
        "volunteers" => {
            (tr(lang, "Colonnes d'un fichier de bénévoles", "Columns of a volunteers file"), "modele-benevoles.csv")
        }
        _ => (tr(lang, "Colonnes d'un fichier de résidents", "Columns of a residents file"), "modele-residents.csv"),
    }
}

/// Where the homes an applied import asked the geocoder for stand, with a link to look again
/// while some are still to be asked.
#[component]
fn HomesProgress(homes: GeocodeProgress, run: i64) -> impl IntoView {
    let lang = use_env().lang;
    let parts: Vec<String> = [
        (homes.found, tr(lang, "trouvée(s)", "found")),
        (
            homes.not_found,
            tr(
                lang,
                "introuvable(s) : position approximative (le centre de la commune), à placer sur la fiche",
                "not found: approximate position (the commune's centre), to place on the record",
            ),
        ),
        (homes.superseded, tr(lang, "déjà donnée(s) entre-temps", "given meanwhile")),
        (
            homes.failed,
            tr(
                lang,
                "non situées (service de géocodage injoignable) : position approximative",
                "not located (geocoding service unreachable): approximate position",
            ),
        ),
        (homes.pending, tr(lang, "en cours", "in progress")),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let text = format!(
        "{} {} — {}.",
        tr(lang, "Domiciles à situer d'après leur adresse :", "Homes to locate from their address:"),
        homes.total(),
        parts.join(" · ")
    );
    let again = (homes.pending > 0).then(|| {
        view! {
            <a href=format!("/import?essai={run}")>{tr(lang, "Actualiser", "Refresh")}</a>
        }
    });
    view! { <p data-testid="import-homes">{text} " " {again}</p> }
}

#[component]
fn RunSection(run: RunView) -> impl IntoView {
    let lang = use_env().lang;
    let what = match run.kind.as_str() {
        "volunteers" => tr(lang, "bénévoles", "volunteers"),
        _ => tr(lang, "résidents", "residents"),
    };
    let heading = format!("{} {} · {}", tr(lang, "Essai d'import :", "Import check:"), what, run.scope_name);
    if let Some((at, text)) = &run.applied {
        return view! {
            <section class="card" aria-labelledby="run-title" data-testid="import-applied">
                <h2 id="run-title">{heading}</h2>
                <p role="status">{format!("{} {} — {text}", tr(lang, "Importé le", "Imported on"), at.paris_text())}</p>
                {run.homes.map(|homes| view! { <HomesProgress homes run=run.id/> })}
                <p><a href="/personnes">{tr(lang, "Voir les personnes et bénévoles", "See the people and volunteers")}</a></p>
            </section>
        }
        .into_any();
    }
    let [create, update, unchanged, refused] = run.counts;
    let summary = format!(
        "{create} {} · {update} {} · {unchanged} {} · {refused} {}",
        tr(lang, "à créer", "to create"),
        tr(lang, "à mettre à jour", "to update"),
        tr(lang, "inchangée(s)", "unchanged"),
        tr(lang, "refusée(s)", "refused"),
    );
    let ignored = (!run.ignored.is_empty()).then(|| view! {
        <p class="note">{format!("{} {}", tr(lang, "Colonnes non lues (nom inconnu) :", "Columns not read (unknown name):"), run.ignored.join(", "))}</p>
    });
    let refused_rows: Vec<_> = run.rows.iter().filter(|r| r.state == RowState::Refused).cloned().collect();
    let write_rows: Vec<_> = run.rows.iter().filter(|r| r.state != RowState::Refused).cloned().collect();
    let refused_table = (!refused_rows.is_empty()).then(|| {
        let rows = refused_rows
            .into_iter()
            .map(|r| view! { <tr data-testid="import-refused-row"><th scope="row">{r.line}</th><td>{r.label}</td><td>{r.detail}</td></tr> })
            .collect_view();
        view! {
            <h3 id="refused-title">{tr(lang, "Lignes refusées (corrigez le fichier, puis refaites un essai)", "Refused rows (correct the file, then check it again)")}</h3>
            <div class="table-scroll" role="region" aria-labelledby="refused-title" tabindex="0">
                <table>
                    <thead><tr>
                        <th scope="col">{tr(lang, "Ligne", "Line")}</th>
                        <th scope="col">{tr(lang, "Personne", "Person")}</th>
                        <th scope="col">{tr(lang, "Colonne et raison", "Column and reason")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let apply = (!write_rows.is_empty()).then(|| {
        let rows = write_rows
            .into_iter()
            .map(|r| {
                let (id, label_for) = (format!("line-{}", r.line), format!("line-{}", r.line));
                let what = match r.state {
                    RowState::Create => tr(lang, "création", "new record").to_owned(),
                    _ => format!("{} {}", tr(lang, "mise à jour :", "update:"), r.detail),
                };
                view! {
                    <tr data-testid="import-write-row">
                        <td><input type="checkbox" id=id name="ligne" value=r.line checked/>
                            <label class="visually-hidden" for=label_for>{format!("{} {}", tr(lang, "Importer la ligne", "Import line"), r.line)}</label></td>
                        <th scope="row">{r.line}</th>
                        <td>{r.label}</td>
                        <td>{what}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <form class="form" method="post" action="/import/appliquer" data-testid="import-apply">
                <input type="hidden" name="essai" value=run.id/>
                <input type="hidden" name="empreinte" value=run.file_sha256.clone()/>
                <h3 id="write-title">{tr(lang, "Lignes à importer (décochez celles qui doivent attendre)", "Rows to import (untick those that should wait)")}</h3>
                <div class="table-scroll" role="region" aria-labelledby="write-title" tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{tr(lang, "Importer", "Import")}</th>
                            <th scope="col">{tr(lang, "Ligne", "Line")}</th>
                            <th scope="col">{tr(lang, "Personne", "Person")}</th>
                            <th scope="col">{tr(lang, "Ce qui sera fait", "What will be done")}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button type="submit" class="primary">{tr(lang, "Importer les lignes cochées", "Import the ticked rows")}</button>
            </form>
        }
    });
    view! {
        <section class="card" aria-labelledby="run-title" data-testid="import-run">
            <h2 id="run-title">{heading}</h2>
            <p role="status" data-testid="import-counts">{summary}</p>
            <p class="note">{format!("{} {}", tr(lang, "Cet essai peut être appliqué jusqu'au", "This check can be applied until"), run.expires_at.paris_text())}</p>
            {ignored}
            {refused_table}
            {apply}
        </section>
    }
    .into_any()
}
