//! "Personnes et bénévoles" (ambassadors): the scope's residents and volunteers, and their
//! forms — register a resident with their consent, set rhythm, isolation and preferred times,
//! pause or end a follow-up; add or edit a volunteer, their slots, reach and capacity.
//! Server-rendered pages with plain form posts (no island): they cost the phone's bundle
//! nothing, texts included ([`tr`]).

use crate::api::ErrorText as _;
use crate::api::people::{
    FollowUpState, PeopleList, ResidentFormData, VolunteerFormData, list_people, resident_form, volunteer_form,
};
use crate::domain::{
    ConsentMethod, Date, EndReason, FollowUpMode, NotPlanned, ReferralSource, ResidentId, Rhythm, TravelMode,
    VolunteerId, WeeklySlot,
};
use crate::env::use_env;
use crate::i18n::{Lang, Msg, fmt_day, t, tr};
use crate::pages::volunteer::rhythm_label;
use crate::people::{Fields, PeopleFilter, Reason, SLOTS_PER_DAY, SubmittedForm, field, slot_names};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const DAYS: [(&str, &str); 7] = [
    ("Lundi", "Monday"),
    ("Mardi", "Tuesday"),
    ("Mercredi", "Wednesday"),
    ("Jeudi", "Thursday"),
    ("Vendredi", "Friday"),
    ("Samedi", "Saturday"),
    ("Dimanche", "Sunday"),
];

fn isolation_label(lang: Lang, level: u8) -> &'static str {
    match level {
        1 => tr(lang, "1 — entouré·e, visites de lien", "1 — has company, keeping in touch"),
        2 => tr(lang, "2 — peu de contacts", "2 — few contacts"),
        _ => tr(lang, "3 — très isolé·e", "3 — very isolated"),
    }
}

fn state_label(lang: Lang, state: FollowUpState) -> &'static str {
    match state {
        FollowUpState::Active => tr(lang, "Suivi en cours", "Followed"),
        FollowUpState::Paused => tr(lang, "En pause", "Paused"),
        FollowUpState::Ended => tr(lang, "Suivi terminé", "Ended"),
    }
}

fn consent_label(lang: Lang, method: ConsentMethod) -> &'static str {
    match method {
        ConsentMethod::Written => tr(lang, "Écrit (formulaire signé)", "Written (signed form)"),
        ConsentMethod::Oral => tr(lang, "Oral, devant témoin", "Oral, before a witness"),
        ConsentMethod::Representative => {
            tr(lang, "Par un proche ou représentant légal", "By a relative or legal representative")
        }
    }
}

fn slots_text(lang: Lang, slots: &[WeeklySlot]) -> String {
    slots
        .iter()
        .map(|s| {
            let day = DAYS[usize::from(s.weekday.index())];
            format!("{} {}–{}", &tr(lang, day.0, day.1)[..3], s.start, s.end)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The label of a form field, for error messages.
fn field_label(lang: Lang, name: &str) -> &'static str {
    match name {
        "prenom" => tr(lang, "Prénom", "First name"),
        "nom" => tr(lang, "Nom", "Last name"),
        "adresse" => tr(lang, "Adresse", "Address"),
        "commune" => tr(lang, "Commune", "Commune"),
        "position" => tr(lang, "Position (latitude, longitude)", "Position (latitude, longitude)"),
        "telephone" => tr(lang, "Téléphone", "Phone"),
        "acces" => tr(lang, "Pour entrer", "Getting in"),
        "gouts" => tr(lang, "Ce que la personne aime", "What the person likes"),
        "rythme" => tr(lang, "Rythme des visites", "Visit rhythm"),
        "isolement" => tr(lang, "Niveau d'isolement", "Isolation level"),
        "consentement_date" => tr(lang, "Date du consentement", "Consent date"),
        "consentement_mode" => tr(lang, "Forme du consentement", "How consent was given"),
        "debut_suivi" => tr(lang, "Début du suivi", "Follow-up start"),
        "suivi" => tr(lang, "Suivi", "Follow-up"),
        "pause_jusqu" => tr(lang, "En pause jusqu'au", "Paused until"),
        "benevole" => tr(lang, "Bénévole habituel", "Usual volunteer"),
        "rayon" => tr(lang, "Rayon (km)", "Radius (km)"),
        "capacite" => tr(lang, "Visites par semaine au plus", "Visits per week at most"),
        "communes" => tr(lang, "Communes acceptées", "Communes accepted"),
        "actif" => tr(lang, "Actif", "Active"),
        "deplacement" => tr(lang, "Se déplace", "Travels"),
        "oriente_par" => tr(lang, "Orientée par", "Referred by"),
        "oriente_le" => tr(lang, "Date d'orientation", "Referred on"),
        "mode_suivi" => tr(lang, "Mode de suivi", "Follow-up mode"),
        "motif_fin" => tr(lang, "Motif de fin du suivi", "Why the follow-up ended"),
        "charte" => tr(lang, "Charte du bénévole signée", "Volunteer charter signed"),
        "charte_le" => tr(lang, "Charte signée le", "Charter signed on"),
        "formation" => tr(lang, "Formation de base faite", "Base training done"),
        "formation_le" => tr(lang, "Formation faite le", "Training done on"),
        n if n.starts_with("creneau_") => tr(lang, "Créneau", "Time slot"),
        _ => tr(lang, "Formulaire", "Form"),
    }
}

fn reason_text(lang: Lang, reason: Reason) -> &'static str {
    match reason {
        Reason::Required => tr(lang, "à remplir.", "is required."),
        Reason::TooLong => tr(lang, "trop long (500 caractères au plus).", "too long (500 characters at most)."),
        Reason::Invalid => tr(lang, "valeur non valide.", "not a valid value."),
        Reason::Slot => tr(
            lang,
            "un créneau a un début et une fin (HH:MM), la fin après le début, sans chevaucher un autre créneau du même jour.",
            "a slot has a start and an end (HH:MM), the end after the start, not overlapping another slot of the day.",
        ),
        Reason::OutsideCommune => tr(
            lang,
            "ce point n'est pas dans la commune choisie (laissez vide pour prendre le centre de la commune).",
            "this point is not in the chosen commune (leave it empty to use the commune's centre).",
        ),
        Reason::OutsideScope => tr(lang, "hors de votre secteur.", "outside your area."),
        Reason::StillFollowing => tr(
            lang,
            "ce bénévole est encore le bénévole habituel de personnes suivies : passez-leur la main d'abord (« Passer la main », sur sa fiche), ce qui le rend inactif.",
            "this volunteer is still the usual volunteer of people followed: hand them over first (\"Hand over\", on their record), which makes them inactive.",
        ),
        Reason::Date => tr(
            lang,
            "date impossible ici (consentement, charte, formation : aujourd'hui au plus tard ; consentement : 20 ans au plus tôt ; début du suivi : d'ici un an au plus, 20 ans au plus tôt ; fin de pause : après aujourd'hui).",
            "impossible date here (consent, charter, training: today at the latest; consent: 20 years ago at the earliest; start of the follow-up: within a year, 20 years ago at the earliest; end of a pause: after today).",
        ),
    }
}

fn input_id(name: &str) -> String {
    format!("f-{name}")
}

/// The people page's list.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let query = use_query_map();
    let saved = query.read_untracked().get("enregistre").is_some();
    let erased = query.read_untracked().get("retire").is_some();
    let moved = query.read_untracked().get("deplace").is_some();
    let handed = query.read_untracked().get("relais").is_some();
    let people = Resource::new(|| (), |_| list_people());
    // Set when the page answers its search's post (`/personnes/recherche`).
    let filter = use_context::<PeopleFilter>().unwrap_or_default();
    let title = tr(lang, "Personnes et bénévoles", "People and volunteers");
    view! {
        <Title text=format!("{title} · {}", env.t(Msg::AppName))/>
        <h1>{title}</h1>
        {saved.then(|| view! {
            <p class="notice" role="status" data-testid="people-saved">
                {tr(lang, "Enregistré. Les téléphones concernés le recevront à leur prochaine synchronisation.",
                    "Saved. The phones concerned get it at their next sync.")}
            </p>
        })}
        {handed.then(|| view! {
            <p class="notice" role="status" data-testid="handed-over">
                {tr(lang, "La main est passée : chaque personne a son nouveau bénévole (ou reste à planifier) ; les téléphones le reçoivent à leur prochaine synchronisation.",
                    "Handed over: each person has their new volunteer (or is left to plan); phones get it at their next sync.")}
            </p>
        })}
        {moved.then(|| view! {
            <p class="notice" role="status" data-testid="volunteer-moved">
                {tr(lang, "Le bénévole a changé de secteur : son historique le suit ; ses binômes restés ici sont listés ci-dessous.",
                    "The volunteer changed scope: their history goes with them; their binômes left here are listed below.")}
            </p>
        })}
        {erased.then(|| view! {
            <p class="notice" role="status" data-testid="people-erased">
                {tr(lang, "Consentement retiré : les données personnelles sont effacées, ici et des téléphones à leur prochaine synchronisation.",
                    "Consent withdrawn: the personal data is erased, here and from phones at their next sync.")}
            </p>
        })}
        <ul class="actions">
            <li><a class="button" href="/personnes/fiche">{tr(lang, "Inscrire une personne", "Register a person")}</a></li>
            <li><a class="button" href="/benevoles/fiche">{tr(lang, "Ajouter un bénévole", "Add a volunteer")}</a></li>
            <li><a class="button" href="/import">{tr(lang, "Importer un fichier", "Import a file")}</a></li>
        </ul>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || people.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(list) => people_tables(lang, list, &filter).into_any(),
            })}
        </Suspense>
    }
}

pub(crate) fn referral_label(lang: Lang, source: ReferralSource) -> &'static str {
    match source {
        ReferralSource::Ccas => tr(lang, "le CCAS", "the CCAS"),
        ReferralSource::Family => tr(lang, "la famille", "family"),
        ReferralSource::Doctor => tr(lang, "un médecin ou soignant", "a doctor or carer"),
        ReferralSource::SelfReferred => tr(lang, "la personne elle-même", "the person themself"),
        ReferralSource::Neighbour => tr(lang, "un voisin", "a neighbour"),
        ReferralSource::Other => tr(lang, "autre", "other"),
    }
}

pub(crate) fn mode_label(lang: Lang, mode: FollowUpMode) -> &'static str {
    match mode {
        FollowUpMode::Visits => tr(lang, "visites", "visits"),
        FollowUpMode::Calls => tr(lang, "appels (pas de tournée)", "calls (no round)"),
        FollowUpMode::Both => tr(lang, "visites et appels", "visits and calls"),
    }
}

pub(crate) fn end_reason_label(lang: Lang, reason: EndReason) -> &'static str {
    match reason {
        EndReason::Moved => tr(lang, "déménagement", "moved"),
        EndReason::CareHome => tr(lang, "entrée en établissement", "moved to a care home"),
        EndReason::Deceased => tr(lang, "décès", "deceased"),
        EndReason::Declined => tr(lang, "la personne ne souhaite plus de visites", "the person no longer wants visits"),
        EndReason::Other => tr(lang, "autre", "other"),
    }
}

fn travel_label(lang: Lang, mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Car => tr(lang, "voiture", "car"),
        TravelMode::TwoWheels => tr(lang, "deux-roues", "two wheels"),
        TravelMode::OnFoot => tr(lang, "à pied", "on foot"),
    }
}

/// Where a volunteer stands, and why the planner leaves them out if it does.
fn not_planned_label(lang: Lang, reason: Option<NotPlanned>) -> &'static str {
    match reason {
        None => tr(lang, "Actif", "Active"),
        Some(NotPlanned::Inactive) => tr(lang, "Inactif", "Inactive"),
        Some(NotPlanned::NoCharter) => {
            tr(lang, "Pas encore planifié : charte à signer", "Not planned yet: charter to sign")
        }
        Some(NotPlanned::NoTraining) => {
            tr(lang, "Pas encore planifié : formation de base à faire", "Not planned yet: base training to do")
        }
    }
}

/// The search over both lists (a plain form, posted: usable without script, by keyboard, and
/// stacked on a narrow screen).
fn search_form(lang: Lang, list: &PeopleList, filter: &PeopleFilter) -> impl IntoView + use<> {
    let mut communes: Vec<String> = list
        .residents
        .iter()
        .map(|r| r.commune.clone())
        .chain(list.volunteers.iter().map(|v| v.commune.clone()))
        .collect();
    communes.sort_by_cached_key(|c| crate::domain::text::name_key(c));
    communes.dedup();
    let option = |value: String, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let communes = std::iter::once((String::new(), tr(lang, "Toutes", "All").to_owned()))
        .chain(communes.into_iter().map(|c| (c.clone(), c)))
        .map(|(v, l)| option(v, l, &filter.commune))
        .collect_view();
    let states = [
        ("", tr(lang, "Tous", "All")),
        ("active", state_label(lang, FollowUpState::Active)),
        ("waiting", tr(lang, "En attente d'un bénévole", "Waiting for a volunteer")),
        ("paused", state_label(lang, FollowUpState::Paused)),
        ("ended", state_label(lang, FollowUpState::Ended)),
    ]
    .into_iter()
    .map(|(v, l)| option(v.to_owned(), l.to_owned(), &filter.state))
    .collect_view();
    let volunteers = [
        (String::new(), tr(lang, "Tous", "All").to_owned()),
        ("none".to_owned(), tr(lang, "Sans bénévole", "Without a volunteer").to_owned()),
    ]
    .into_iter()
    .chain(list.volunteers.iter().map(|v| (v.id.0.to_string(), v.name.clone())))
    .map(|(v, l)| option(v, l, &filter.volunteer))
    .collect_view();
    view! {
        <form class="card form search" method="post" action="/personnes/recherche" role="search"
            aria-label=tr(lang, "Rechercher", "Search") data-testid="people-search">
            <div>
                <label for="s-nom">{tr(lang, "Nom (ou une partie)", "Name (or part of it)")}</label>
                <input id="s-nom" name="nom" type="search" maxlength="500" value=filter.text.clone()/>
            </div>
            <div>
                <label for="s-commune">{tr(lang, "Commune", "Commune")}</label>
                <select id="s-commune" name="commune">{communes}</select>
            </div>
            <div>
                <label for="s-suivi">{tr(lang, "Suivi", "Follow-up")}</label>
                <select id="s-suivi" name="suivi">{states}</select>
            </div>
            <div>
                <label for="s-benevole">{tr(lang, "Bénévole habituel", "Usual volunteer")}</label>
                <select id="s-benevole" name="benevole">{volunteers}</select>
            </div>
            <label class="choice"><input type="checkbox" name="en_retard" value="1" checked=filter.overdue/>
                {tr(lang, "Visite en retard seulement", "Overdue visit only")}</label>
            <div class="search-actions">
                <button type="submit">{tr(lang, "Rechercher", "Search")}</button>
                {(!filter.is_empty()).then(|| view! { <a href="/personnes">{tr(lang, "Tout afficher", "Show all")}</a> })}
            </div>
        </form>
    }
}

fn people_tables(lang: Lang, mut list: PeopleList, filter: &PeopleFilter) -> impl IntoView {
    let search = search_form(lang, &list, filter);
    let (all_residents, all_volunteers) = (list.residents.len(), list.volunteers.len());
    let day = today();
    list.residents.retain(|r| filter.keeps_resident(r, day));
    // The residents' criteria (state, volunteer, overdue) leave the volunteers' list as it is.
    list.volunteers.retain(|v| filter.keeps_volunteer(v));
    let count = (!filter.is_empty()).then(|| {
        let text = match lang {
            Lang::Fr => format!(
                "{} personne(s) sur {all_residents}, {} bénévole(s) sur {all_volunteers}.",
                list.residents.len(),
                list.volunteers.len()
            ),
            Lang::En => format!(
                "{} person(s) of {all_residents}, {} volunteer(s) of {all_volunteers}.",
                list.residents.len(),
                list.volunteers.len()
            ),
        };
        view! { <p role="status" data-testid="people-count">{text}</p> }
    });
    let split = split_table(lang, &list.split);
    let residents = list
        .residents
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="resident-row">
                    <th scope="row"><a href=format!("/personnes/fiche?id={}", r.id)>{if r.name.trim().is_empty() {
                        format!("{} (n° {})", tr(lang, "Consentement retiré", "Consent withdrawn"), r.id)
                    } else {
                        r.name
                    }}</a></th>
                    <td>{r.commune}</td>
                    <td>{rhythm_label(lang, r.rhythm)}</td>
                    <td>{r.isolation}</td>
                    <td>{match (r.state, &r.volunteer) {
                        (FollowUpState::Active, None) => tr(lang, "En attente d'un bénévole", "Waiting for a volunteer"),
                        (state, _) => state_label(lang, state),
                    }}</td>
                    <td>{r.volunteer.unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let volunteers = list
        .volunteers
        .into_iter()
        .map(|v| {
            let reach = format!("{}, {} km", travel_label(lang, v.travel), v.radius_km);
            view! {
                <tr data-testid="volunteer-row">
                    <th scope="row"><a href=format!("/benevoles/fiche?id={}", v.id)>{v.name}</a></th>
                    <td>{v.commune}</td>
                    <td>{reach}</td>
                    <td>{v.weekly_capacity}</td>
                    <td>{slots_text(lang, &v.availability)}</td>
                    <td>{v.residents}</td>
                    <td data-testid="volunteer-status">{not_planned_label(lang, v.not_planned)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="side-by-side narrow-first">
        <div>{search}</div>
        <div>
        {count}
        {split}
        <div class="table-scroll" role="region" aria-labelledby="residents-caption" tabindex="0">
            <table data-testid="residents">
                <caption id="residents-caption">{tr(lang, "Personnes suivies", "People followed")}</caption>
                <thead><tr>
                    <th scope="col">{tr(lang, "Nom", "Name")}</th>
                    <th scope="col">{tr(lang, "Commune", "Commune")}</th>
                    <th scope="col">{tr(lang, "Rythme", "Rhythm")}</th>
                    <th scope="col">{tr(lang, "Isolement", "Isolation")}</th>
                    <th scope="col">{tr(lang, "Suivi", "Follow-up")}</th>
                    <th scope="col">{tr(lang, "Bénévole habituel", "Usual volunteer")}</th>
                </tr></thead>
                <tbody>{residents}</tbody>
            </table>
        </div>
        <div class="table-scroll" role="region" aria-labelledby="volunteers-caption" tabindex="0">
            <table data-testid="volunteers">
                <caption id="volunteers-caption">{tr(lang, "Bénévoles", "Volunteers")}</caption>
                <thead><tr>
                    <th scope="col">{tr(lang, "Nom", "Name")}</th>
                    <th scope="col">{tr(lang, "Commune", "Commune")}</th>
                    <th scope="col">{tr(lang, "Déplacements", "Travel")}</th>
                    <th scope="col">{tr(lang, "Visites / semaine", "Visits / week")}</th>
                    <th scope="col">{tr(lang, "Disponibilités", "Availability")}</th>
                    <th scope="col">{tr(lang, "Personnes suivies", "People followed")}</th>
                    <th scope="col">{tr(lang, "État", "State")}</th>
                </tr></thead>
                <tbody>{volunteers}</tbody>
            </table>
        </div>
        </div>
        </div>
    }
}

/// The binômes split between this scope and another, for the ambassador to settle with the
/// other scope's: kept as they are until someone decides.
fn split_table(lang: Lang, split: &[crate::api::people::SplitRow]) -> Option<AnyView> {
    if split.is_empty() {
        return None;
    }
    let rows = split
        .iter()
        .map(|s| {
            let other = if s.other_scope.is_empty() {
                tr(lang, "sans secteur", "no scope").to_owned()
            } else {
                s.other_scope.clone()
            };
            let (person, volunteer) = match &s.resident {
                Some((id, name)) => (
                    view! { <a href=format!("/personnes/fiche?id={id}")>{name.clone()}</a> }.into_any(),
                    format!("{} ({} {other})", s.volunteer.1, tr(lang, "secteur", "scope")),
                ),
                None => (
                    format!(
                        "{} {}, {} {other}",
                        tr(lang, "une personne de", "someone in"),
                        s.commune,
                        tr(lang, "secteur", "scope")
                    )
                    .into_any(),
                    s.volunteer.1.clone(),
                ),
            };
            view! { <tr data-testid="split-row"><td>{person}</td><td>{s.commune.clone()}</td><td>{volunteer}</td></tr> }
        })
        .collect_view();
    Some(crate::components::card_table::card_table(
        "split-caption",
        "split-pairs",
        tr(lang, "Binômes à cheval sur deux secteurs", "Binômes split between two scopes"),
        tr(
            lang,
            "La personne et son bénévole habituel ne sont plus dans le même secteur (une commune ou un bénévole a changé de secteur). Le binôme est gardé tel quel : voyez avec l'ambassadeur de l'autre secteur s'il continue, puis changez le bénévole habituel sur la fiche de la personne si besoin.",
            "The person and their usual volunteer are no longer in the same scope (a commune or a volunteer changed scope). The binôme is kept as it is: see with the other scope's ambassador whether it goes on, then change the usual volunteer on the person's record if needed.",
        ),
        &[
            tr(lang, "Personne", "Person"),
            tr(lang, "Commune", "Commune"),
            tr(lang, "Bénévole habituel", "Usual volunteer"),
        ],
        rows.into_any(),
    ))
}

/// The values a form shows: what was just posted (after a refusal), else the stored record.
struct FormValues {
    fields: Fields,
    error: Option<(String, Reason)>,
}

impl FormValues {
    fn new(stored: Fields) -> FormValues {
        match use_context::<SubmittedForm>() {
            Some(s) => FormValues { fields: s.fields, error: Some((s.error.field, s.error.reason)) },
            None => FormValues { fields: stored, error: None },
        }
    }

    fn get(&self, name: &str) -> String {
        field(&self.fields, name).to_owned()
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.fields.iter().any(|(k, v)| k == name && v.trim() == value)
    }

    fn invalid(&self, name: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == name)
    }

    fn described(&self, name: &str) -> Option<&'static str> {
        self.invalid(name).then_some("form-error")
    }

    /// The error summary at the top of the form, with a link to the field.
    fn summary(&self, lang: Lang) -> Option<impl IntoView + use<>> {
        self.error.clone().map(|(name, reason)| {
            view! {
                <p class="error" role="alert" id="form-error" data-testid="form-error">
                    <a href=format!("#{}", input_id(&name))>{field_label(lang, &name)}</a>
                    {" : "}{reason_text(lang, reason)}
                </p>
            }
        })
    }
}

/// A labelled one-line input.
fn text_input(
    lang: Lang,
    v: &FormValues,
    name: &'static str,
    kind: &'static str,
    required: bool,
) -> impl IntoView + use<> {
    view! {
        <label for=input_id(name)>{field_label(lang, name)}{required.then_some(" *")}</label>
        <input id=input_id(name) name=name type=kind value=v.get(name) required=required
            aria-invalid=v.invalid(name).then_some("true") aria-describedby=v.described(name)/>
    }
}

fn text_area(lang: Lang, v: &FormValues, name: &'static str) -> impl IntoView + use<> {
    view! {
        <label for=input_id(name)>{field_label(lang, name)}</label>
        <textarea id=input_id(name) name=name rows="3" maxlength="500"
            aria-invalid=v.invalid(name).then_some("true") aria-describedby=v.described(name)
            // Leptos writes a textarea's text child as it is (raw text element): escaped here.
            inner_html=crate::html::esc(&v.get(name))></textarea>
    }
}

fn select(
    lang: Lang,
    v: &FormValues,
    name: &'static str,
    options: Vec<(String, String)>,
    empty: Option<&'static str>,
) -> impl IntoView + use<> {
    let current = v.get(name);
    let options = empty
        .map(|label| (String::new(), label.to_owned()))
        .into_iter()
        .chain(options)
        .map(|(value, label)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <label for=input_id(name)>{field_label(lang, name)}</label>
        <select id=input_id(name) name=name aria-invalid=v.invalid(name).then_some("true")
            aria-describedby=v.described(name)>{options}</select>
    }
}

/// The week's slots: per day, up to two (from, to).
fn slot_grid(lang: Lang, v: &FormValues, caption: &'static str) -> impl IntoView + use<> {
    let rows = DAYS
        .iter()
        .enumerate()
        .map(|(d, day)| {
            let day = tr(lang, day.0, day.1);
            let cells = (0..SLOTS_PER_DAY)
                .map(|k| {
                    let (from, to) = slot_names(d, k);
                    let label_from = format!("{day}, {} {}, {}", tr(lang, "créneau", "slot"), k + 1, tr(lang, "début", "start"));
                    let label_to = format!("{day}, {} {}, {}", tr(lang, "créneau", "slot"), k + 1, tr(lang, "fin", "end"));
                    view! {
                        <td>
                            <input type="time" id=input_id(&from) name=from.clone() value=v.get(&from) aria-label=label_from
                                aria-invalid=v.invalid(&from).then_some("true")/>
                            {" – "}
                            <input type="time" id=input_id(&to) name=to.clone() value=v.get(&to) aria-label=label_to
                                aria-invalid=v.invalid(&to).then_some("true")/>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{day}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label=caption tabindex="0">
            <table class="slots">
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">{tr(lang, "Jour", "Day")}</th>
                    <th scope="col">{tr(lang, "Créneau 1", "Slot 1")}</th>
                    <th scope="col">{tr(lang, "Créneau 2", "Slot 2")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn today() -> Date {
    #[cfg(feature = "ssr")]
    return crate::domain::Timestamp(crate::backend::now_ms()).paris_local().0;
    #[cfg_attr(feature = "ssr", expect(unreachable_code, reason = "the fallback where the server returned early"))]
    crate::domain::Timestamp(0).paris_local().0
}

/// The id in the page's query (`?id=N`), if any.
fn query_id() -> Option<i64> {
    use_query_map().read_untracked().get("id").and_then(|s| s.parse().ok())
}

/// A record's page: title, a link back to the list, and the form once its data is there.
fn record_page<T>(
    lang: Lang,
    title: &'static str,
    data: Resource<Result<T, crate::api::ApiError>>,
    form: fn(Lang, T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    view! {
        <Title text=format!("{title} · {}", t(lang, Msg::AppName))/>
        <h1>{title}</h1>
        <p><a href="/personnes">{tr(lang, "← Personnes et bénévoles", "← People and volunteers")}</a></p>
        <Suspense fallback=move || view! { <p>{t(lang, Msg::Loading)}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(d) => form(lang, d),
            })}
        </Suspense>
    }
}

/// A resident's form: `?id=N` edits, no id registers a new person.
#[component]
pub fn ResidentPage() -> impl IntoView {
    let lang = use_env().lang;
    let id = query_id().map(ResidentId);
    let title = match id {
        Some(_) => tr(lang, "Fiche de la personne", "Person's record"),
        None => tr(lang, "Inscrire une personne", "Register a person"),
    };
    record_page(lang, title, Resource::new(|| (), move |_| resident_form(id)), |lang, d| {
        resident_fields(lang, d).into_any()
    })
}

fn resident_fields(lang: Lang, d: ResidentFormData) -> AnyView {
    if let Some(day) = d.withdrawn_on {
        return view! {
            <p class="notice" data-testid="consent-withdrawn">
                {format!("{} {}. {}", tr(lang, "Consentement retiré le", "Consent withdrawn on"), fmt_day(lang, day),
                    tr(lang, "Les données personnelles de cette personne ont été effacées ; il ne reste qu'une fiche anonyme pour les comptages.",
                        "This person's personal data was erased; only an anonymous record remains for the counts."))}
            </p>
        }
        .into_any();
    }
    let id = field(&d.values, "id").to_owned();
    let mut stored = d.values;
    let new = stored.is_empty();
    if new {
        let today = today().to_string();
        stored = vec![
            ("rythme".into(), "two_weekly".into()),
            ("isolement".into(), "2".into()),
            ("suivi".into(), "active".into()),
            ("consentement_date".into(), today.clone()),
            ("debut_suivi".into(), today),
        ];
    }
    let v = FormValues::new(stored);
    let rhythms = [Rhythm::Weekly, Rhythm::TwoWeekly, Rhythm::Monthly]
        .into_iter()
        .map(|r| (r.code().to_owned(), rhythm_label(lang, r).to_owned()))
        .collect();
    let levels = (1..=3).map(|l: u8| (l.to_string(), isolation_label(lang, l).to_owned())).collect();
    let states =
        [("active", FollowUpState::Active), ("paused", FollowUpState::Paused), ("ended", FollowUpState::Ended)]
            .into_iter()
            .map(|(code, s)| (code.to_owned(), state_label(lang, s).to_owned()))
            .collect();
    let volunteers = d.volunteers.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
    let sources =
        ReferralSource::ALL.iter().map(|s| (s.code().to_owned(), referral_label(lang, *s).to_owned())).collect();
    let modes = FollowUpMode::ALL.iter().map(|m| (m.code().to_owned(), mode_label(lang, *m).to_owned())).collect();
    let reasons = EndReason::ALL.iter().map(|e| (e.code().to_owned(), end_reason_label(lang, *e).to_owned())).collect();
    let consent = match d.consent {
        Some((day, how, by)) => view! {
            <p data-testid="consent-on-record">
                {format!("{} {} — {} — {} {by}", tr(lang, "Consentement recueilli le", "Consent given on"),
                    fmt_day(lang, day), consent_label(lang, how), tr(lang, "enregistré par", "recorded by"))}
            </p>
        }
        .into_any(),
        None => {
            let methods = [ConsentMethod::Written, ConsentMethod::Oral, ConsentMethod::Representative]
                .into_iter()
                .map(|m| (m.code().to_owned(), consent_label(lang, m).to_owned()))
                .collect();
            view! {
                <p>{tr(lang, "Pas de suivi sans l'accord de la personne : notez quand et comment elle l'a donné.",
                    "No follow-up without the person's agreement: note when and how it was given.")}</p>
                {text_input(lang, &v, "consentement_date", "date", true)}
                {select(lang, &v, "consentement_mode", methods, Some(tr(lang, "— choisir —", "— choose —")))}
            }
            .into_any()
        }
    };
    view! {
        {v.summary(lang)}
        <form class="card form" method="post" action="/personnes/enregistrer" data-testid="resident-form">
            <input type="hidden" name="id" value=v.get("id")/>
            <fieldset>
                <legend>{tr(lang, "La personne", "The person")}</legend>
                {text_input(lang, &v, "prenom", "text", true)}
                {text_input(lang, &v, "nom", "text", true)}
                {text_input(lang, &v, "adresse", "text", true)}
                {select(lang, &v, "commune", d.communes, Some(tr(lang, "— choisir —", "— choose —")))}
                {text_input(lang, &v, "position", "text", false)}
                <p class="hint">{tr(lang, "Facultatif : « 46.4321, 0.3012 », relevé sur une carte. Vide : le centre de la commune.",
                    "Optional: \"46.4321, 0.3012\", read from a map. Empty: the commune's centre.")}</p>
                {d.approximate_position.then(|| view! {
                    <p class="notice" data-testid="approximate-position">
                        {tr(lang, "Position approximative : le domicile est placé au centre de la commune, et le planning compte les trajets depuis ce point. Placez le domicile sur la carte ci-dessous, ou indiquez sa position, pour des tournées justes.",
                            "Approximate position: the home is placed at the commune's centre, and planning counts trips from there. Place the home on the map below, or give its position, for accurate rounds.")}
                    </p>
                })}
                {text_input(lang, &v, "telephone", "tel", false)}
                {text_area(lang, &v, "acces")}
                {text_area(lang, &v, "gouts")}
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Consentement", "Consent")}</legend>
                {consent}
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Visites", "Visits")}</legend>
                {select(lang, &v, "rythme", rhythms, None)}
                {select(lang, &v, "isolement", levels, None)}
                {select(lang, &v, "benevole", volunteers, Some(tr(lang, "— aucun pour l'instant —", "— none yet —")))}
                {slot_grid(lang, &v, tr(lang, "Jours et heures préférés (vide : en semaine, 9 h – 17 h)",
                    "Preferred days and times (empty: weekdays, 9:00–17:00)"))}
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Suivi", "Follow-up")}</legend>
                {text_input(lang, &v, "debut_suivi", "date", true)}
                {select(lang, &v, "mode_suivi", modes, None)}
                {select(lang, &v, "suivi", states, None)}
                {text_input(lang, &v, "pause_jusqu", "date", false)}
                {select(lang, &v, "motif_fin", reasons, Some(tr(lang, "— si le suivi se termine —", "— if the follow-up ends —")))}
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Orientation", "Referral")}</legend>
                <p class="hint">{tr(lang, "Qui a signalé la personne à l'équipe, et quand : sert à mesurer le délai jusqu'à la première visite.",
                    "Who pointed the person to the team, and when: it measures the time to the first visit.")}</p>
                {select(lang, &v, "oriente_par", sources, Some(tr(lang, "— non renseigné —", "— not said —")))}
                {text_input(lang, &v, "oriente_le", "date", false)}
            </fieldset>
            <button type="submit">{tr(lang, "Enregistrer", "Save")}</button>
        </form>
        {d.home_map.filter(|_| !new).map(|m| home_map_form(lang, id.clone(), m))}
        {(!new).then(|| timeline_view(lang, &d.visits, &d.reports, &d.pairings, referral_line(lang, &v, &d.reports)))}
        {(!new).then(|| view! {
            <p><a href=format!("/personnes/dossier?id={id}") data-testid="dossier-link">
                {tr(lang, "Tout ce que nous détenons sur cette personne (droit d'accès)", "Everything we hold on this person (right of access)")}
            </a></p>
        })}
        {(!new).then(|| withdraw_form(lang, id))}
    }
    .into_any()
}

/// The commune's map with the home on it (a red dot): a click on the map places the home
/// there (the image input posts the click's point, `carte.x`/`carte.y`, in the map's units: the
/// map is drawn at its own size); four buttons move it 100 m, the way without a pointer.
fn home_map_form(lang: Lang, id: String, m: crate::api::people::HomeMapView) -> impl IntoView {
    let margin = m.margin;
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' viewBox='0 0 {w} {h}'>\
         <rect width='{w}' height='{h}' fill='#ffffff'/>\
         <path transform='translate({margin} {margin})' d='{outline}' fill='#e8f1ef' stroke='#1d5c57' stroke-width='1.5'/>\
         <circle cx='{x}' cy='{y}' r='7' fill='#b3261e' stroke='#ffffff' stroke-width='2'/></svg>",
        w = m.width,
        h = m.height,
        outline = m.outline,
        x = m.home[0],
        y = m.home[1],
    );
    let src = format!(
        "data:image/svg+xml,{}",
        svg.replace('%', "%25").replace('#', "%23").replace('<', "%3C").replace('>', "%3E")
    );
    let notice = match use_query_map().read_untracked().get("domicile").as_deref() {
        Some("place") => Some((
            "status",
            tr(
                lang,
                "Domicile placé : le planning part désormais de ce point.",
                "Home placed: planning now starts from this point.",
            ),
        )),
        Some("hors") => Some((
            "alert",
            tr(
                lang,
                "Ce point est hors de la commune : le domicile n'a pas bougé.",
                "This point is outside the commune: the home did not move.",
            ),
        )),
        Some("choisir") => Some((
            "alert",
            tr(
                lang,
                "Cliquez sur la carte à l'endroit du domicile, ou déplacez-le avec les boutons.",
                "Click the map where the home is, or move it with the buttons.",
            ),
        )),
        _ => None,
    };
    let buttons = [
        ("nord", tr(lang, "↑ Nord", "↑ North")),
        ("ouest", tr(lang, "← Ouest", "← West")),
        ("est", tr(lang, "Est →", "East →")),
        ("sud", tr(lang, "↓ Sud", "↓ South")),
    ]
    .map(|(value, label)| view! { <button type="submit" name="deplacer" value=value>{label}</button> });
    view! {
        <section class="card home-map" id="domicile" aria-labelledby="home-map-title" data-testid="home-map">
            <h2 id="home-map-title">{tr(lang, "Domicile sur la carte", "Home on the map")}</h2>
            <p class="hint" id="home-map-hint">{tr(lang,
                "Cliquez sur la carte de la commune à l'endroit du domicile (le point rouge) : il y est placé aussitôt. Sans souris, les boutons le déplacent de 100 m.",
                "Click the commune's map where the home is (the red dot): it is placed there at once. Without a mouse, the buttons move it 100 m.")}</p>
            {notice.map(|(role, text)| view! { <p class="notice" role=role data-testid="home-map-notice">{text}</p> })}
            <form method="post" action="/personnes/domicile">
                <input type="hidden" name="id" value=id/>
                <input type="image" name="carte" src=src width=m.width height=m.height aria-describedby="home-map-hint"
                    alt=tr(lang, "Carte de la commune, le domicile en rouge : cliquer pour le placer", "Map of the commune, the home in red: click to place it")/>
                <div class="map-moves" role="group" aria-label=tr(lang, "Déplacer le domicile de 100 m", "Move the home 100 m")>
                    {buttons}
                </div>
            </form>
        </section>
    }
}

/// Where the person's story in the programme begins: who referred them and when, and how long
/// it took until a first visit was done (`None` when no referral was recorded).
fn referral_line(lang: Lang, v: &FormValues, reports: &[crate::api::dossier::DossierReport]) -> Option<String> {
    let by = ReferralSource::from_code(&v.get("oriente_par"))?;
    let mut line = format!("{} {}", tr(lang, "Orientée par", "Referred by"), referral_label(lang, by));
    if let Ok(on) = Date::parse(&v.get("oriente_le")) {
        line = format!("{} — {line}", fmt_day(lang, on));
        let first =
            reports.iter().filter(|r| !r.set_aside && r.outcome == crate::domain::Outcome::Done).map(|r| r.day).min();
        if let Some(first) = first.filter(|f| *f >= on) {
            line.push_str(&crate::i18n::trf(
                lang,
                " ; première visite {days} jours après",
                "; first visit {days} days later",
                &[("days", &first.days_since(on).to_string())],
            ));
        }
    }
    Some(line)
}

/// How long a binôme lasted, in days under two months, else in months.
fn duration_text(lang: Lang, from: Date, to: Date) -> String {
    let days = to.days_since(from).max(0);
    if days < 61 {
        crate::i18n::trf(lang, "{n} jours", "{n} days", &[("n", &days.to_string())])
    } else {
        let months = crate::i18n::fmt_decimal(lang, f64::from(days) / 30.44, 0);
        crate::i18n::trf(lang, "{n} mois", "{n} months", &[("n", &months)])
    }
}

/// The person's binômes, visits, reports and concerns, newest first, down to their referral.
fn timeline_view(
    lang: Lang,
    visits: &[crate::api::dossier::DossierVisit],
    reports: &[crate::api::dossier::DossierReport],
    pairings: &[crate::api::dossier::DossierPairing],
    referral: Option<String>,
) -> impl IntoView + use<> {
    use crate::api::dossier::{TimelineEvent, timeline};
    use crate::i18n::{concern_label, outcome_label};
    let events = timeline(visits, reports, pairings);
    let empty = events.is_empty();
    let items = events
        .into_iter()
        .map(|event| match event {
            TimelineEvent::PairStarted(p) => view! {
                <li data-testid="timeline-item">
                    <strong>{fmt_day(lang, p.started_on)}</strong>
                    {format!(" — {} {}", tr(lang, "Binôme avec", "Binôme with"), p.volunteer)}
                </li>
            }
            .into_any(),
            TimelineEvent::PairEnded(p) => view! {
                <li data-testid="timeline-item">
                    <strong>{fmt_day(lang, event.day())}</strong>
                    {format!(
                        " — {} {} ({})",
                        tr(lang, "Fin du binôme avec", "End of the binôme with"),
                        p.volunteer,
                        duration_text(lang, p.started_on, event.day())
                    )}
                </li>
            }
            .into_any(),
            TimelineEvent::Visit(v) => {
                let what = match v.status.as_str() {
                    "cancelled" => tr(lang, "Visite annulée", "Visit cancelled"),
                    _ => tr(lang, "Visite prévue", "Visit planned"),
                };
                view! {
                    <li data-testid="timeline-item">
                        <strong>{format!("{} {}", fmt_day(lang, v.day), v.start)}</strong>
                        {format!(" — {what}, {}", v.volunteer)}
                    </li>
                }
                .into_any()
            }
            TimelineEvent::Report(p) => {
                let mut what = format!(" — {}, {}", outcome_label(lang, p.outcome), p.volunteer);
                if let Some(m) = p.duration_minutes {
                    what.push_str(&format!(", {m} min"));
                }
                if let Some(mood) = p.mood {
                    what.push_str(&format!(", {} {mood}/4", tr(lang, "humeur", "mood")));
                }
                if p.set_aside {
                    what.push_str(tr(lang, " (envoyé par un téléphone retiré, mis de côté)", " (sent by a removed phone, set aside)"));
                }
                let concerns = p
                    .concerns
                    .iter()
                    .map(|c| {
                        let state = crate::pages::concerns::status_label(lang, c.status);
                        view! { <li>{format!("{} {} — {state}", tr(lang, "Signalement :", "Concern:"), concern_label(lang, c.kind))}</li> }
                    })
                    .collect_view();
                view! {
                    <li data-testid="timeline-item">
                        <strong>{fmt_day(lang, p.day)}</strong>
                        {what}
                        {(!p.note.is_empty()).then(|| view! { <p class="concern-note">{format!("« {} »", p.note)}</p> })}
                        {(!p.concerns.is_empty()).then(|| view! { <ul>{concerns}</ul> })}
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    let referral = referral.map(|line| view! { <li data-testid="timeline-referral">{line}</li> });
    view! {
        <section class="card" aria-labelledby="timeline-title" data-testid="timeline">
            <h2 id="timeline-title">{tr(lang, "Chronologie", "Timeline")}</h2>
            {empty.then(|| view! { <p>{tr(lang, "Aucune visite ni compte rendu pour l'instant.", "No visit or report yet.")}</p> })}
            <ol class="history">{items}{referral}</ol>
        </section>
    }
}

/// Recording that the person withdrew their consent: everything personal is erased.
fn withdraw_form(lang: Lang, id: String) -> impl IntoView {
    view! {
        <form class="card form" method="post" action="/personnes/retrait" data-testid="withdraw-form">
            <h2>{tr(lang, "Retrait du consentement", "Consent withdrawn")}</h2>
            <p>{tr(lang,
                "Si la personne (ou son représentant) retire son accord : son nom, son adresse, son téléphone, les notes et les remarques des comptes rendus sont effacés ici et des téléphones des bénévoles à leur prochaine synchronisation ; le suivi s'arrête. Seuls des comptages anonymes restent. C'est définitif.",
                "If the person (or their representative) withdraws their agreement: their name, address, phone, notes and the remarks of visit reports are erased here and from volunteers' phones at their next sync; the follow-up stops. Only anonymous counts remain. This cannot be undone.")}</p>
            <input type="hidden" name="id" value=id/>
            <label class="choice"><input type="checkbox" name="confirme" value="1" required/>
                {tr(lang, "Je confirme que la personne a retiré son consentement", "I confirm the person withdrew their consent")}</label>
            <button type="submit" class="danger">{tr(lang, "Effacer ses données", "Erase their data")}</button>
        </form>
    }
}

/// A volunteer's form: `?id=N` edits, no id adds a volunteer (their account is created on the
/// accounts page).
#[component]
pub fn VolunteerPage() -> impl IntoView {
    let lang = use_env().lang;
    let id = query_id().map(VolunteerId);
    let title = match id {
        Some(_) => tr(lang, "Fiche du bénévole", "Volunteer's record"),
        None => tr(lang, "Ajouter un bénévole", "Add a volunteer"),
    };
    record_page(lang, title, Resource::new(|| (), move |_| volunteer_form(id)), |lang, d| {
        volunteer_fields(lang, d).into_any()
    })
}

fn volunteer_fields(lang: Lang, d: VolunteerFormData) -> impl IntoView {
    let mut stored = d.values;
    if stored.is_empty() {
        stored = vec![
            ("rayon".into(), "10".into()),
            ("capacite".into(), "4".into()),
            ("deplacement".into(), TravelMode::Car.code().into()),
            ("actif".into(), "1".into()),
        ];
    }
    let travel_modes =
        TravelMode::ALL.iter().map(|m| (m.code().to_owned(), travel_label(lang, *m).to_owned())).collect();
    let v = FormValues::new(stored);
    let accepted = d
        .scope_communes
        .into_iter()
        .map(|(code, name)| {
            let checked = v.has("communes", &code);
            view! {
                <label class="choice"><input type="checkbox" name="communes" value=code checked=checked/>{name}</label>
            }
        })
        .collect_view();
    // A stored volunteer the planner leaves out: the page says why.
    let not_planned = NotPlanned::given(v.has("actif", "1"), v.has("charte", "1"), v.has("formation", "1"))
        .filter(|_| !v.get("id").is_empty())
        .map(
            |reason| view! { <p class="notice" data-testid="not-planned">{not_planned_label(lang, Some(reason))}</p> },
        );
    view! {
        {v.summary(lang)}
        {not_planned}
        <form class="card form" method="post" action="/benevoles/enregistrer" data-testid="volunteer-form">
            <input type="hidden" name="id" value=v.get("id")/>
            <fieldset>
                <legend>{tr(lang, "Le bénévole", "The volunteer")}</legend>
                {text_input(lang, &v, "prenom", "text", true)}
                {text_input(lang, &v, "nom", "text", true)}
                {text_input(lang, &v, "telephone", "tel", true)}
                {select(lang, &v, "commune", d.all_communes, Some(tr(lang, "— choisir —", "— choose —")))}
                {text_input(lang, &v, "position", "text", false)}
                <p class="hint">{tr(lang, "Facultatif : le domicile, « 46.4321, 0.3012 ». Vide : le centre de la commune.",
                    "Optional: home, \"46.4321, 0.3012\". Empty: the commune's centre.")}</p>
                <label class="choice"><input type="checkbox" name="actif" value="1" checked=v.has("actif", "1")/>
                    {tr(lang, "Actif (reçoit des tournées)", "Active (gets rounds)")}</label>
            </fieldset>
            <fieldset data-testid="volunteer-path">
                <legend>{tr(lang, "Avant les premières visites", "Before the first visits")}</legend>
                <p class="hint">{tr(lang,
                    "Le planning ne donne de visites qu'à un bénévole qui a signé la charte et suivi la formation de base. Cochez sans date si vous ne la connaissez pas.",
                    "Planning gives visits only to a volunteer who signed the charter and did the base training. Tick without a date if you do not know it.")}</p>
                {milestone_inputs(lang, &v, "charte")}
                {milestone_inputs(lang, &v, "formation")}
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Où et combien", "Where and how much")}</legend>
                {select(lang, &v, "deplacement", travel_modes, None)}
                <p class="hint">{tr(lang,
                    "Le planning compte les trajets à la vitesse du moyen choisi (voiture 40 km/h, deux-roues 15 km/h, à pied 4,5 km/h).",
                    "Planning counts trips at the chosen mode's speed (car 40 km/h, two wheels 15 km/h, on foot 4.5 km/h).")}</p>
                {text_input(lang, &v, "rayon", "number", true)}
                <p class="hint">{tr(lang, "Le planning ne l'envoie pas plus loin que ce rayon autour de chez lui.",
                    "Planning never sends them further than this radius around their home.")}</p>
                {text_input(lang, &v, "capacite", "number", true)}
                <fieldset>
                    <legend>{field_label(lang, "communes")}</legend>
                    <p class="hint">{tr(lang, "En plus du rayon, quelle que soit la distance.", "Besides the radius, whatever the distance.")}</p>
                    {accepted}
                </fieldset>
            </fieldset>
            <fieldset>
                <legend>{tr(lang, "Disponibilités", "Availability")}</legend>
                {slot_grid(lang, &v, tr(lang, "Créneaux de la semaine", "Weekly slots"))}
            </fieldset>
            <button type="submit">{tr(lang, "Enregistrer", "Save")}</button>
        </form>
        {(!v.get("id").is_empty()).then(|| view! {
            <p><a class="button" href=format!("/benevoles/relais?id={}", v.get("id")) data-testid="handover-link">
                {tr(lang, "Passer la main (il s'arrête ou fait une pause)", "Hand over (they stop or pause)")}</a></p>
        })}
        {absences_form(lang, &v.get("id"), &d.absences)}
        {move_form(lang, &v.get("id"), d.other_scopes)}
    }
}

/// A step of the volunteer's path: done (ticked) and, when known, its day.
fn milestone_inputs(lang: Lang, v: &FormValues, name: &'static str) -> impl IntoView + use<> {
    let day: &'static str = if name == "charte" { "charte_le" } else { "formation_le" };
    view! {
        <label class="choice"><input type="checkbox" name=name value="1" checked=v.has(name, "1")/>
            {field_label(lang, name)}</label>
        {text_input(lang, v, day, "date", false)}
    }
}

/// "Passer la main": a volunteer who stops or pauses hands each person they follow to another
/// volunteer (or to nobody for now), then becomes inactive.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let lang = use_env().lang;
    let id = VolunteerId(query_id().unwrap_or(0));
    let title = tr(lang, "Passer la main", "Hand over");
    record_page(lang, title, Resource::new(|| (), move |_| crate::api::people::handover_form(id)), |lang, d| {
        handover_fields(lang, d).into_any()
    })
}

fn handover_fields(lang: Lang, d: crate::api::people::HandoverView) -> impl IntoView {
    let rows = d
        .residents
        .iter()
        .map(|r| {
            let field = format!("r{}", r.resident);
            let options = r
                .candidates
                .iter()
                .map(|(v, name, km, spare)| {
                    let label = format!(
                        "{name} — {km:.1} km, {} {spare:.1} {}",
                        tr(lang, "encore", "still"),
                        tr(lang, "visite(s) par semaine", "visit(s) a week")
                    );
                    view! { <option value=v.0>{label}</option> }
                })
                .collect_view();
            let none = if r.candidates.is_empty() {
                tr(lang, "Personne ne peut la prendre : à revoir (reste à planifier)", "Nobody can take them: to review (left to plan)")
            } else {
                tr(lang, "Personne pour l'instant (reste à planifier)", "Nobody for now (left to plan)")
            };
            view! {
                <tr data-testid="handover-row">
                    <th scope="row">{r.name.clone()}</th>
                    <td>{r.commune.clone()}</td>
                    <td>{rhythm_label(lang, r.rhythm)}</td>
                    <td>
                        <label class="visually-hidden" for=field.clone()>{format!("{} {}", tr(lang, "Nouveau bénévole de", "New volunteer of"), r.name)}</label>
                        <select id=field.clone() name=field>{options}<option value="">{none}</option></select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let intro = if d.residents.is_empty() {
        tr(
            lang,
            "Ce bénévole n'est le bénévole habituel de personne : il peut être rendu inactif.",
            "This volunteer is nobody's usual volunteer: they can be made inactive.",
        )
    } else {
        tr(
            lang,
            "Pour chaque personne, le bénévole proposé en premier est le plus proche de chez elle parmi ceux qui peuvent la prendre (même secteur, à sa portée, un créneau en commun, encore de la place dans la semaine).",
            "For each person, the volunteer proposed first is the nearest of those who can take them (same scope, within reach, a slot in common, room left in the week).",
        )
    };
    view! {
        <p>{format!("{} : {}", tr(lang, "Bénévole", "Volunteer"), d.name)}</p>
        <p>{intro}</p>
        <form class="card form" method="post" action="/benevoles/relayer" data-testid="handover-form">
            <input type="hidden" name="id" value=d.volunteer.0/>
            <div class="table-scroll" role="region" aria-labelledby="handover-caption" tabindex="0">
                <table>
                    <caption id="handover-caption">{tr(lang, "Les personnes qu'il suit", "The people they follow")}</caption>
                    <thead><tr>
                        <th scope="col">{tr(lang, "Personne", "Person")}</th>
                        <th scope="col">{tr(lang, "Commune", "Commune")}</th>
                        <th scope="col">{tr(lang, "Rythme", "Rhythm")}</th>
                        <th scope="col">{tr(lang, "Nouveau bénévole habituel", "New usual volunteer")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <label class="choice"><input type="checkbox" name="inactif" value="1" checked=d.active/>
                {tr(lang, " il s'arrête ou fait une pause : le rendre inactif (son téléphone efface ses fiches à la prochaine synchronisation)", " they stop or pause: make them inactive (their phone erases its cards at the next sync)")}</label>
            <button type="submit" class="primary">{tr(lang, "Passer la main", "Hand over")}</button>
        </form>
    }
}

/// Moving an existing volunteer to another scope (their history and binômes stay).
/// A volunteer's absences: each with its "Retirer" button, and a form to add one (plain posts
/// to `/benevoles/absence`, answered with a redirect to this page).
fn absences_form(lang: Lang, id: &str, absences: &[crate::domain::DayRange]) -> Option<AnyView> {
    if id.is_empty() {
        return None;
    }
    let outcome = use_query_map().read_untracked().get("absence");
    let notice = outcome.map(|o| match o.as_str() {
        "ajoutee" => view! { <p class="notice" role="status" data-testid="absence-saved">
            {tr(lang, "Absence enregistrée : le planning ne lui donne plus de visite ces jours-là.", "Absence saved: planning gives them no visit on those days.")}</p> }.into_any(),
        "retiree" => view! { <p class="notice" role="status" data-testid="absence-saved">
            {tr(lang, "Absence retirée.", "Absence removed.")}</p> }.into_any(),
        _ => view! { <p class="error" role="alert" data-testid="absence-refused">
            {tr(lang, "Absence non enregistrée : le dernier jour vient après le premier, l'absence dure 6 mois au plus, et ne finit pas il y a plus d'un mois.",
                "Absence not saved: the last day comes after the first, it lasts 6 months at most, and did not end over a month ago.")}</p> }.into_any(),
    });
    let rows = absences
        .iter()
        .map(|a| {
            let (first, last) = (a.first.to_string(), a.last.to_string());
            let label = format!("{} → {}", fmt_day(lang, a.first), fmt_day(lang, a.last));
            let remove = format!("{} {label}", tr(lang, "Retirer l'absence", "Remove the absence"));
            view! {
                <li data-testid="absence">
                    <form method="post" action="/benevoles/absence" class="inline">
                        <span>{label}</span>
                        <input type="hidden" name="id" value=id.to_owned()/>
                        <input type="hidden" name="action" value="retirer"/>
                        <input type="hidden" name="du" value=first/>
                        <input type="hidden" name="au" value=last/>
                        <button type="submit" aria-label=remove>{tr(lang, "Retirer", "Remove")}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <section class="card" aria-labelledby="absences-title" data-testid="volunteer-absences">
            <h2 id="absences-title">{tr(lang, "Absences", "Absences")}</h2>
            {notice}
            <p class="hint">{tr(lang,
                "Le planning ne lui donne aucune visite pendant une absence. Une visite déjà publiée qui tombe pendant une absence est listée sur la page du planning, à replanifier.",
                "Planning gives them no visit while away. A visit already published that falls in an absence is listed on the planning page, to plan again.")}</p>
            {if absences.is_empty() {
                view! { <p>{tr(lang, "Aucune absence.", "No absence.")}</p> }.into_any()
            } else {
                view! { <ul class="history">{rows}</ul> }.into_any()
            }}
            <form class="form" method="post" action="/benevoles/absence" data-testid="absence-form">
                <input type="hidden" name="id" value=id.to_owned()/>
                <input type="hidden" name="action" value="ajouter"/>
                <label for="absence-du">{tr(lang, "Absent du", "Away from")}</label>
                <input id="absence-du" name="du" type="date" required/>
                <label for="absence-au">{tr(lang, "au (inclus)", "to (included)")}</label>
                <input id="absence-au" name="au" type="date" required/>
                <button type="submit">{tr(lang, "Ajouter l'absence", "Add the absence")}</button>
            </form>
        </section>
    }.into_any())
}

fn move_form(lang: Lang, id: &str, scopes: Vec<(i64, String)>) -> Option<AnyView> {
    if id.is_empty() || scopes.is_empty() {
        return None;
    }
    let options = scopes.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view();
    Some(view! {
        <form class="card form" method="post" action="/benevoles/secteur" data-testid="volunteer-move">
            <h2>{tr(lang, "Changer de secteur", "Change scope")}</h2>
            <p>{tr(lang,
                "Le bénévole rejoint un autre secteur (il déménage, il aide ailleurs). Son historique le suit ; les personnes qu'il visite ici gardent leur binôme, signalé aux deux ambassadeurs.",
                "The volunteer joins another scope (they move, they help elsewhere). Their history goes with them; the people they visit here keep their binôme, flagged to both ambassadors.")}</p>
            <input type="hidden" name="id" value=id.to_owned()/>
            <label for="move-scope">{tr(lang, "Nouveau secteur", "New scope")}</label>
            <select id="move-scope" name="secteur" required>{options}</select>
            <label class="choice"><input type="checkbox" name="confirme" value="1" required/>
                {tr(lang, " je confirme : il ne sera plus dans mon secteur", " I confirm: they will no longer be in my scope")}</label>
            <button type="submit">{tr(lang, "Changer de secteur", "Change scope")}</button>
        </form>
    }.into_any())
}

/// Everything held on one person (right of access), to print or hand over; the same as JSON.
#[component]
pub fn DossierPage() -> impl IntoView {
    let lang = use_env().lang;
    let id = query_id().map(ResidentId);
    let title = tr(lang, "Tout ce que nous détenons sur cette personne", "Everything we hold on this person");
    // No id: asked anyway (id 0 is nobody), so that the page answers 404 like the server function.
    let data = Resource::new(|| (), move |_| crate::api::dossier::resident_dossier(id.unwrap_or(ResidentId(0))));
    record_page(lang, title, data, |lang, d| dossier_view(lang, d).into_any())
}

fn dossier_view(lang: Lang, d: crate::api::dossier::Dossier) -> impl IntoView {
    use crate::i18n::{concern_label, outcome_label};
    let r = &d.resident;
    let json = format!("/personnes/dossier.json?id={}", r.id);
    let line = |label: &'static str, value: String| view! { <tr><th scope="row">{label}</th><td>{value}</td></tr> };
    let slots = slots_text(lang, &r.preferred);
    let follow = match r.follow_up {
        crate::domain::FollowUp::Active { since } => {
            format!("{} {}", tr(lang, "en cours depuis le", "active since"), fmt_day(lang, since))
        }
        crate::domain::FollowUp::Paused { since, until } => format!(
            "{} {}{}",
            tr(lang, "en pause depuis le", "paused since"),
            fmt_day(lang, since),
            until.map(|u| format!(" → {}", fmt_day(lang, u))).unwrap_or_default()
        ),
        crate::domain::FollowUp::Ended { on } => {
            format!("{} {}", tr(lang, "terminé le", "ended on"), fmt_day(lang, on))
        }
    };
    let visits = d
        .visits
        .iter()
        .map(|v| view! { <tr><td>{fmt_day(lang, v.day)}</td><td>{v.start.to_string()}</td><td>{v.status.clone()}</td><td>{v.volunteer.clone()}</td></tr> })
        .collect_view();
    let reports = d
        .reports
        .iter()
        .map(|p| {
            let concerns: Vec<String> = p.concerns.iter().map(|c| concern_label(lang, c.kind).to_owned()).collect();
            view! {
                <tr>
                    <td>{fmt_day(lang, p.day)}</td>
                    <td>
                        {outcome_label(lang, p.outcome)}
                        {p.set_aside.then(|| format!(" ({})", tr(lang, "envoyé par un téléphone retiré, mis de côté", "sent by a removed phone, set aside")))}
                    </td>
                    <td>{p.duration_minutes.map(|m| format!("{m} min")).unwrap_or_default()}</td>
                    <td>{p.mood.map(|m| m.to_string()).unwrap_or_default()}</td>
                    <td>{p.note.clone()}</td>
                    <td>{concerns.join(", ")}</td>
                    <td>{p.volunteer.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let audit = d
        .audit
        .iter()
        .map(|e| view! { <tr><td>{e.at.paris_text()}</td><td>{e.actor_login.clone().unwrap_or_default()}</td><td>{e.action.clone()}</td><td>{e.detail.clone()}</td></tr> })
        .collect_view();
    view! {
        <p><a class="button" href=json download="" data-testid="dossier-json">{tr(lang, "Télécharger en JSON", "Download as JSON")}</a></p>
        <p>{format!("{} {}", tr(lang, "Document produit le", "Produced on"), d.produced_at.paris_text())}</p>
        <h2>{tr(lang, "Fiche", "Record")}</h2>
        <table data-testid="dossier-record"><tbody>
            {line(tr(lang, "Nom", "Name"), format!("{} {}", r.first_name, r.last_name))}
            {line(tr(lang, "Adresse", "Address"), format!("{}, {}", r.address, d.commune_name))}
            {line(tr(lang, "Position", "Position"), format!("{:.5}, {:.5}", r.home.lat, r.home.lon))}
            {line(tr(lang, "Téléphone", "Phone"), r.phone.clone().unwrap_or_default())}
            {line(tr(lang, "Pour entrer", "Getting in"), r.access_notes.clone())}
            {line(tr(lang, "Ce que la personne aime", "What the person likes"), r.likes.clone())}
            {line(tr(lang, "Rythme des visites", "Visit rhythm"), rhythm_label(lang, r.rhythm).to_owned())}
            {line(tr(lang, "Niveau d'isolement", "Isolation level"), isolation_label(lang, r.isolation.get()).to_owned())}
            {line(tr(lang, "Jours et heures préférés", "Preferred days and times"), slots)}
            {line(tr(lang, "Consentement", "Consent"), format!("{} — {} — {}", fmt_day(lang, r.consent.given_on), consent_label(lang, r.consent.method), d.consent_recorded_by))}
            {line(tr(lang, "Suivi", "Follow-up"), follow)}
            {line(tr(lang, "Mode de suivi", "Follow-up mode"), mode_label(lang, r.programme.mode).to_owned())}
            {line(tr(lang, "Orientée par", "Referred by"), match r.programme.referral {
                Some(f) => format!("{}{}", referral_label(lang, f.by), f.on.map(|d| format!(", {}", fmt_day(lang, d))).unwrap_or_default()),
                None => tr(lang, "non renseigné", "not said").to_owned(),
            })}
            {r.programme.end_reason.map(|e| line(tr(lang, "Motif de fin", "Why it ended"), end_reason_label(lang, e).to_owned()))}
            {line(tr(lang, "Bénévole habituel", "Usual volunteer"), d.usual_volunteer.clone().unwrap_or_default())}
        </tbody></table>
        <h2>{tr(lang, "Binômes", "Binômes")}</h2>
        <ul class="history" data-testid="dossier-pairings">
            {d.pairings.iter().map(|p| view! { <li>{match p.ended_on {
                Some(end) => format!("{} — {} → {}", p.volunteer, fmt_day(lang, p.started_on), fmt_day(lang, end)),
                None => format!("{} — {} {}", p.volunteer, tr(lang, "depuis le", "since"), fmt_day(lang, p.started_on)),
            }}</li> }).collect_view()}
        </ul>
        <h2>{tr(lang, "Visites", "Visits")}</h2>
        <div class="table-scroll" role="region" aria-label=tr(lang, "Visites", "Visits") tabindex="0"><table data-testid="dossier-visits">
            <thead><tr><th scope="col">{tr(lang, "Jour", "Day")}</th><th scope="col">{tr(lang, "Heure", "Time")}</th><th scope="col">{tr(lang, "État", "State")}</th><th scope="col">{tr(lang, "Bénévole", "Volunteer")}</th></tr></thead>
            <tbody>{visits}</tbody>
        </table></div>
        <h2>{tr(lang, "Comptes rendus", "Visit reports")}</h2>
        <div class="table-scroll" role="region" aria-label=tr(lang, "Comptes rendus", "Visit reports") tabindex="0"><table data-testid="dossier-reports">
            <thead><tr><th scope="col">{tr(lang, "Jour", "Day")}</th><th scope="col">{tr(lang, "Issue", "Outcome")}</th><th scope="col">{tr(lang, "Durée", "Duration")}</th><th scope="col">{tr(lang, "Humeur (1-4)", "Mood (1-4)")}</th><th scope="col">{tr(lang, "Remarque", "Remark")}</th><th scope="col">{tr(lang, "Signalements", "Concerns")}</th><th scope="col">{tr(lang, "Bénévole", "Volunteer")}</th></tr></thead>
            <tbody>{reports}</tbody>
        </table></div>
        <h2>{tr(lang, "Qui a consulté ou modifié la fiche", "Who read or changed the record")}</h2>
        <div class="table-scroll" role="region" aria-label=tr(lang, "Journal", "Log") tabindex="0"><table data-testid="dossier-audit">
            <thead><tr><th scope="col">{tr(lang, "Quand", "When")}</th><th scope="col">{tr(lang, "Qui", "Who")}</th><th scope="col">{tr(lang, "Action", "Action")}</th><th scope="col">{tr(lang, "Détail", "Detail")}</th></tr></thead>
            <tbody>{audit}</tbody>
        </table></div>
    }
}
