//! The volunteer's offline screens: "Ma tournée", a resident's card, the visit report, and
//! absences. The server sends the same empty shell to everyone (no personal data, so the
//! service worker may keep it); one island fills it from the phone's IndexedDB, so everything
//! works with no network. What the volunteer records goes to the outbox and leaves with the
//! next sync.

use crate::auth::UserId;
use crate::client::{island_ready, query_param, use_session};
use crate::domain::{ClientId, ConcernKind, ConcernStatus, Date, DueState, Mood, Outcome, ResidentId, Rhythm, VisitId};
use crate::env::use_env;
use crate::html::esc;
use crate::i18n::{Lang, Msg, concern_label, fmt_day, fmt_day_long, outcome_label, t, tf};
use crate::local_store::{LocalView, UserStore};
use crate::sync::engine::{OutboxEntry, RoundNotice};
use crate::sync::runner::{now, use_sync};
use crate::sync::{AckStatus, Mutation, MutationBody, ReportInput, ResidentRecord, VisitRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolunteerPage {
    Round,
    Card,
    Report,
    Absences,
}

fn page(title: Msg, which: VolunteerPage) -> impl IntoView {
    let env = use_env();
    view! {
        <Title text=format!("{} · {}", env.t(title), env.t(Msg::AppName))/>
        <h1>{env.t(title)}</h1>
        {pin_screens(env.lang)}
        <VolunteerApp page=which/>
        {bottom_bar(env.lang, which)}
    }
}

/// The bar at the bottom of every volunteer page: the round, the people and the absences in one
/// tap. Drawn by the server (it holds no data, so it opens offline with the page's shell, at
/// its place from the first paint).
fn bottom_bar(lang: Lang, here: VolunteerPage) -> impl IntoView {
    let link = move |href: &'static str, label: Msg, page: VolunteerPage| {
        view! { <a href=href aria-current=(page == here).then_some("page")>{t(lang, label)}</a> }
    };
    view! {
        <nav class="bottom" aria-label=t(lang, Msg::NavVolunteer) data-testid="bottom-bar">
            {link("/tournee", Msg::NavRound, VolunteerPage::Round)}
            {link("/personne", Msg::NavMyPeople, VolunteerPage::Card)}
            {link("/absences", Msg::NavAbsences, VolunteerPage::Absences)}
        </nav>
    }
}

/// The PIN screens, rendered by the server (their text never reaches the WebAssembly) and
/// shown by `public/vault.js`: choose a PIN, unlock, or say that the data was wiped.
fn pin_screens(lang: Lang) -> impl IntoView {
    let l = move |fr: &'static str, en: &'static str| crate::i18n::tr(lang, fr, en);
    let field = |id: &'static str, label: &'static str| {
        view! {
            <p>
                <label for=id>{label}</label>
                <input id=id name=id type="password" inputmode="numeric" pattern="[0-9]{6}" minlength="6"
                    maxlength="6" autocomplete="off" required/>
            </p>
        }
    };
    view! {
        <div id="vault" data-testid="vault">
            <form id="pin-new" class="card" hidden data-testid="pin-new">
                <h2>{l("Protéger les données de ce téléphone", "Protect the data on this phone")}</h2>
                <p>{l(
                    "Choisissez un code de 6 chiffres. Il sera demandé pour ouvrir votre tournée, et après quelques minutes sans utiliser l'application. Ne l'écrivez pas sur le téléphone.",
                    "Choose a 6-digit code. It will be asked to open your round, and after a few minutes without using the app. Do not write it on the phone.",
                )}</p>
                <p class="error" role="alert" id="pin-new-error" hidden>
                    {l("Les deux codes doivent être identiques et faire 6 chiffres.", "Both codes must be the same, and 6 digits long.")}
                </p>
                {field("pin-new-1", l("Code (6 chiffres)", "Code (6 digits)"))}
                {field("pin-new-2", l("Le même code, encore une fois", "The same code again"))}
                <p><button type="submit">{l("Enregistrer le code", "Save the code")}</button></p>
            </form>
            <form id="pin-unlock" class="card" hidden data-testid="pin-unlock">
                <h2>{l("Application verrouillée", "The app is locked")}</h2>
                <p class="error" role="alert" id="pin-wrong" hidden data-text=l(
                    "Code incorrect. Encore {n} essai(s), puis les données de ce téléphone seront effacées.",
                    "Wrong code. {n} more attempt(s), then the data on this phone will be wiped.",
                )></p>
                {field("pin-code", l("Votre code (6 chiffres)", "Your code (6 digits)"))}
                <p><button type="submit">{l("Ouvrir", "Open")}</button></p>
            </form>
            <div id="wiped" class="card" hidden data-testid="wiped">
                <h2>{l("Données effacées de ce téléphone", "Data wiped from this phone")}</h2>
                <p id="wiped-pin" hidden>{l("Cinq codes faux ont été saisis.", "Five wrong codes were entered.")}</p>
                <p id="wiped-silence" hidden>{l(
                    "Ce téléphone n'a pas joint le serveur depuis trop longtemps.",
                    "This phone has not reached the server for too long.",
                )}</p>
                <p>{l(
                    "Les comptes rendus en attente seront quand même envoyés dès que le réseau le permettra. Reconnectez-vous avec votre mot de passe pour retrouver votre tournée.",
                    "Reports waiting to be sent will still be sent as soon as the network allows. Log in again with your password to get your round back.",
                )}</p>
                <p><a class="button" href="/connexion">{t(lang, Msg::NavLogin)}</a></p>
            </div>
            <p class="error" role="alert" id="vault-error" hidden>
                {l("Le téléphone n'a pas pu protéger ses données. Réessayez, ou demandez de l'aide à votre ambassadeur.",
                   "The phone could not protect its data. Try again, or ask your ambassador for help.")}
            </p>
        </div>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    page(Msg::RoundTitle, VolunteerPage::Round)
}

#[component]
pub fn CardPage() -> impl IntoView {
    page(Msg::CardTitle, VolunteerPage::Card)
}

#[component]
pub fn ReportPage() -> impl IntoView {
    page(Msg::ReportTitle, VolunteerPage::Report)
}

#[component]
pub fn AbsencesPage() -> impl IntoView {
    page(Msg::AbsencesTitle, VolunteerPage::Absences)
}

/// Today on the phone, in French local time.
fn today() -> Date {
    now().paris_local().0
}

/// A new client id (128 random bits from the browser's cryptographic generator).
fn new_id() -> ClientId {
    #[cfg_attr(
        not(all(feature = "hydrate", target_arch = "wasm32")),
        expect(unused_mut, reason = "filled in the browser only")
    )]
    let mut bytes = [0u8; 16];
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    ClientId::from_bytes(bytes)
}

pub(crate) fn rhythm_label(lang: Lang, r: Rhythm) -> &'static str {
    t(
        lang,
        match r {
            Rhythm::Weekly => Msg::RhythmWeekly,
            Rhythm::TwoWeekly => Msg::RhythmTwoWeekly,
            Rhythm::Monthly => Msg::RhythmMonthly,
        },
    )
}

fn name_of(view: &LocalView, id: ResidentId) -> String {
    view.residents
        .iter()
        .find(|r| r.id == id)
        .map_or_else(|| format!("#{}", id.0), |r| format!("{} {}", r.first_name, r.last_name))
}

/// The badge of a visit: reported, or where the resident stands today against their rhythm.
fn badge(lang: Lang, resident: Option<&ResidentRecord>, visit: &VisitRecord, today: Date) -> (String, &'static str) {
    if visit.reported {
        return (t(lang, Msg::BadgeReported).to_owned(), "badge done");
    }
    let Some(r) = resident else {
        return (String::new(), "badge");
    };
    match crate::domain::rules::due_state(r.rhythm, r.next_due, today) {
        DueState::Overdue { days_late } => {
            (tf(lang, Msg::BadgeOverdue, &[("n", &days_late.to_string())]), "badge late")
        }
        DueState::Due { .. } => (t(lang, Msg::BadgeDue).to_owned(), "badge due"),
        DueState::NotYetDue { days_until_due } => {
            (tf(lang, Msg::BadgeNotDue, &[("n", &days_until_due.to_string())]), "badge")
        }
    }
}

/// A message shown after an action.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Flash {
    Saved(Msg),
    Error(Msg),
}

/// The island. Its screens are drawn as HTML text from the local data (escaped), and its
/// buttons and forms handled by delegation on the container: this keeps the phone's bundle far
/// smaller than a typed view per element (see README, "Two commands": the size budget).
#[island]
fn VolunteerApp(page: VolunteerPage) -> impl IntoView {
    island_ready();
    let lang = use_env().lang;
    let session = use_session();
    let sync = use_sync();
    let data = RwSignal::new(None::<LocalView>);
    let flash = RwSignal::new(None::<Flash>);
    let decline_open = RwSignal::new(None::<VisitId>);
    // The later weeks, unfolded by the volunteer: kept so across the redraws that follow syncs.
    let later_open = RwSignal::new(false);
    // Forms are drawn once (redrawing would lose what is being typed); lists follow the data.
    let form_drawn = RwSignal::new(None::<String>);
    // Nothing is read until the data is open: the PIN screens are `public/vault.js`'s, which
    // says when the key is there (and reloads the page when it locks again).
    let opened = RwSignal::new(0u32);
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    std::mem::forget(window_event_listener_untyped(crate::vault::OPENED_EVENT, move |_| opened.update(|n| *n += 1)));
    Effect::new(move |_| {
        let user = session.info.get().map(|i| i.user);
        sync.generation.track();
        opened.track();
        if !crate::vault::is_open() {
            return;
        }
        if let Some(user) = user {
            leptos::task::spawn_local(async move {
                if let Ok(view) = UserStore::new(user).view().await {
                    data.set(Some(view));
                }
            });
        }
    });
    // The report form starts from the saved draft, if any.
    Effect::new(move |_| {
        let (Some(info), Some(view)) = (session.info.get(), data.get()) else {
            return;
        };
        if page != VolunteerPage::Report || form_drawn.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            let target = report_target();
            let saved = match &target {
                Some((key, ..)) => UserStore::new(info.user)
                    .draft(key)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|j| serde_json::from_slice::<Draft>(j.as_bytes()).ok()),
                None => None,
            };
            // Correcting a refused report: its reason, and the report as recorded (or
            // the draft of the correction already under way).
            let refused = correcting().and_then(|id| refused_report(&view, &id));
            let draft = saved.or_else(|| refused.as_ref().map(|(_, input)| Draft::from_input(input)));
            let why = refused.map(|(reason, _)| {
                format!(
                    "<p class=\"error\" role=\"alert\" data-testid=\"refused-reason\">{}</p>",
                    esc(&refusal_text(lang, &reason))
                )
            });
            let html = why.unwrap_or_default() + &render_report_form(lang, &view, target, draft);
            form_drawn.set(Some(html));
        });
    });
    let html = move || {
        let Some(info) = session.info.get() else {
            return format!(
                "<p>{} <a href=\"/connexion\">{}</a></p>",
                t(lang, Msg::NotLoggedInHere),
                t(lang, Msg::NavLogin)
            );
        };
        let _ = info;
        // Tracked before the check: when the data opens (in this page), this draws again.
        data.track();
        opened.track();
        if !crate::vault::is_open() {
            return String::new();
        }
        let flash_html = match flash.get() {
            Some(Flash::Saved(m)) => format!(
                "<div class=\"card\" role=\"status\" data-testid=\"flash\"><p>{}</p><p><a class=\"button\" href=\"/tournee\">{}</a></p></div>",
                t(lang, m),
                t(lang, Msg::NavRound)
            ),
            Some(Flash::Error(m)) => {
                format!("<p class=\"error\" role=\"alert\" data-testid=\"flash-error\">{}</p>", t(lang, m))
            }
            None => String::new(),
        };
        let Some(view) = data.get() else {
            return format!("<p>{}</p>", t(lang, Msg::Loading));
        };
        let body = match page {
            VolunteerPage::Round => render_round(lang, &view, today(), decline_open.get(), later_open.get()),
            VolunteerPage::Card => {
                render_card(lang, &view, query_param("id").and_then(|s| s.parse().ok()).map(ResidentId))
            }
            // Drawn from the data each time: the list follows the outbox and each sync.
            VolunteerPage::Absences => render_absences(lang, &view),
            VolunteerPage::Report => {
                if matches!(flash.get(), Some(Flash::Saved(_))) {
                    String::new()
                } else {
                    form_drawn.get().unwrap_or_default()
                }
            }
        };
        format!("{flash_html}{body}")
    };

    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((action, el)) = action_of(&ev) else {
            return;
        };
        let Some(user) = session.info.get_untracked().map(|i| i.user) else {
            return;
        };
        match action.as_str() {
            "later" => {
                ev.prevent_default();
                later_open.update(|open| *open = !*open);
            }
            "decline" => decline_open.set(attr(&el, "data-visit").and_then(|v| v.parse().ok()).map(VisitId)),
            "decline-cancel" => decline_open.set(None),
            // Taken back before it left: out of the outbox (a decline, or an absence).
            "decline-undo" | "absence-undo" => {
                let absence = action == "absence-undo";
                let Some(id) = attr(&el, "data-mutation").and_then(|m| ClientId::parse(&m)) else {
                    return;
                };
                let queued = data.get_untracked().is_some_and(|v| {
                    v.outbox.iter().any(|e| {
                        e.mutation.id == id
                            && match e.mutation.body {
                                MutationBody::DeclineVisit { .. } => !absence,
                                MutationBody::Absence { .. } => absence,
                                _ => false,
                            }
                    })
                });
                if !queued {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let store = UserStore::new(user);
                    let done = crate::sync::runner::without_sync(sync, user, store.withdraw(&id)).await;
                    // The page first, then what happened: the message never shows beside the
                    // old state.
                    if let Ok(v) = store.view().await {
                        data.set(Some(v));
                    }
                    crate::sync::runner::refresh(sync, user).await;
                    let (undone, too_late) = if absence {
                        (Msg::AbsenceUndone, Msg::AbsenceAlreadySent)
                    } else {
                        (Msg::DeclineUndone, Msg::DeclineAlreadySent)
                    };
                    flash.set(Some(match done {
                        Some(Ok(true)) => Flash::Saved(undone),
                        Some(Ok(false)) => Flash::Error(too_late),
                        None => Flash::Error(Msg::DeclineSending),
                        Some(Err(_)) => Flash::Error(Msg::SyncErrStorage),
                    }));
                });
            }
            // An absence the server holds: its cancellation goes like anything else.
            "absence-cancel" => {
                let day = |name: &str| attr(&el, name).and_then(|d| Date::parse(&d).ok());
                let (Some(first), Some(last)) = (day("data-first"), day("data-last")) else {
                    return;
                };
                let body = MutationBody::CancelAbsence { first, last };
                let entry =
                    OutboxEntry { mutation: Mutation { id: new_id(), recorded_at: now(), body }, queued_at: now() };
                leptos::task::spawn_local(async move {
                    match UserStore::new(user).submit(&entry, None, None).await {
                        Ok(()) => {
                            flash.set(Some(Flash::Saved(Msg::AbsenceCancelSaved)));
                            after_change(user);
                        }
                        Err(_) => flash.set(Some(Flash::Error(Msg::SyncErrStorage))),
                    }
                });
            }
            "notices-seen" => leptos::task::spawn_local(async move {
                let store = UserStore::new(user);
                let _ = store.clear_notices().await;
                if let Ok(v) = store.view().await {
                    data.set(Some(v));
                }
            }),
            _ => {}
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(user) = session.info.get_untracked().map(|i| i.user) else {
            return;
        };
        let Some(form) = form_of(&ev) else { return };
        let mut corrects = None;
        let (body, draft_key) = match form.kind.as_str() {
            "report" => {
                let Some((key, resident, visit)) = report_target() else {
                    return;
                };
                corrects = correcting();
                match form.draft.to_input(resident, visit, today()) {
                    Some(input) => (MutationBody::Report(input), Some(key)),
                    None => return flash.set(Some(Flash::Error(Msg::ReportInvalid))),
                }
            }
            "absence" => match (Date::parse(&form.draft.day), Date::parse(&form.draft.next)) {
                (Ok(a), Ok(b)) if crate::domain::windows::absence(a, b, today()).is_ok() => {
                    (MutationBody::Absence { first: a, last: b }, None)
                }
                _ => return flash.set(Some(Flash::Error(Msg::AbsenceInvalid))),
            },
            "decline" => {
                let Some(visit) = decline_open.get_untracked() else {
                    return;
                };
                (MutationBody::DeclineVisit { visit, reason: form.draft.note.trim().to_owned() }, None)
            }
            _ => return,
        };
        let saved_msg = match body {
            MutationBody::Report(_) => Msg::ReportSaved,
            MutationBody::Absence { .. } => Msg::AbsenceSaved,
            MutationBody::DeclineVisit { .. } => Msg::DeclineSaved,
            MutationBody::CancelAbsence { .. } => Msg::AbsenceCancelSaved,
        };
        let entry = OutboxEntry { mutation: Mutation { id: new_id(), recorded_at: now(), body }, queued_at: now() };
        leptos::task::spawn_local(async move {
            match UserStore::new(user).submit(&entry, draft_key.as_deref(), corrects.as_ref()).await {
                Ok(()) => {
                    decline_open.set(None);
                    flash.set(Some(Flash::Saved(saved_msg)));
                    after_change(user);
                }
                Err(_) => flash.set(Some(Flash::Error(Msg::SyncErrStorage))),
            }
        });
    };
    // Every change to the report form: keep the draft, show the fields that apply.
    let on_input = move |ev: leptos::ev::Event| {
        let Some(user) = session.info.get_untracked().map(|i| i.user) else {
            return;
        };
        let Some(form) = form_of(&ev) else { return };
        if form.kind != "report" {
            return;
        }
        adjust_report_form(&ev, &form.draft);
        let Some((key, ..)) = report_target() else {
            return;
        };
        if let Ok(json) = serde_json::to_string(&form.draft) {
            leptos::task::spawn_local(async move {
                let _ = UserStore::new(user).save_draft(&key, &json).await;
            });
        }
    };
    view! {
        <div class="volunteer" data-testid="volunteer-app" inner_html=html on:click=on_click on:submit=on_submit on:input=on_input
            on:change=on_input></div>
    }
}

/// Reads the local data again (after the volunteer changed something) and syncs.
fn after_change(user: UserId) {
    let sync = use_sync();
    leptos::task::spawn_local(async move {
        crate::sync::runner::refresh(sync, user).await;
        let _ = crate::sync::runner::run(sync, user).await;
    });
}

/// The report page's subject, from its address: (draft key, resident, visit).
/// The refused report the report form corrects (`?corriger=<id>`), if any.
fn correcting() -> Option<ClientId> {
    query_param("corriger").and_then(|s| ClientId::parse(&s))
}

/// A refused report of the view, by id.
fn refused_report(view: &LocalView, id: &ClientId) -> Option<(String, ReportInput)> {
    view.refused.iter().find(|r| &r.mutation.id == id).and_then(|r| match &r.mutation.body {
        MutationBody::Report(input) => Some((r.reason.clone(), input.clone())),
        _ => None,
    })
}

fn report_target() -> Option<(String, ResidentId, Option<VisitId>)> {
    let resident = query_param("personne").and_then(|s| s.parse::<i64>().ok()).map(ResidentId)?;
    let visit = query_param("visite").and_then(|s| s.parse::<i64>().ok()).map(VisitId);
    let key = match visit {
        Some(v) => format!("visit:{}", v.0),
        None => format!("resident:{}", resident.0),
    };
    Some((key, resident, visit))
}

/// What is being typed in a form (the report's fields; other forms reuse `day`, `next` and
/// `note`), kept on the phone as it is typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub outcome: String,
    pub day: String,
    pub duration: String,
    pub mood: String,
    pub concerns: Vec<ConcernKind>,
    pub note: String,
    pub next: String,
}

impl Draft {
    /// The form filled with a report as it was recorded (to correct one the server refused).
    pub fn from_input(r: &ReportInput) -> Draft {
        Draft {
            outcome: r.outcome.code().to_owned(),
            day: r.day.to_string(),
            duration: r.duration_minutes.map(|d| d.to_string()).unwrap_or_default(),
            mood: r.mood.map(|m| m.get().to_string()).unwrap_or_default(),
            concerns: r.concerns.clone(),
            note: r.note.clone(),
            next: r.proposed_next.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The report this draft describes, if it is valid (the same checks the server makes, the
    /// dates against the phone's `today`).
    pub fn to_input(&self, resident: ResidentId, visit: Option<VisitId>, today: Date) -> Option<ReportInput> {
        let outcome = Outcome::from_code(&self.outcome)?;
        let done = outcome == Outcome::Done;
        let input = ReportInput {
            visit,
            resident,
            day: Date::parse(&self.day).ok()?,
            outcome,
            duration_minutes: if done && !self.duration.trim().is_empty() {
                Some(self.duration.trim().parse().ok()?)
            } else {
                None
            },
            mood: if done { self.mood.parse().ok().and_then(Mood::new) } else { None },
            concerns: self.concerns.clone(),
            note: self.note.trim().to_owned(),
            proposed_next: if self.next.is_empty() { None } else { Some(Date::parse(&self.next).ok()?) },
        };
        // The server's date window, checked against the phone's today (the server decides).
        let dates = crate::domain::windows::report(input.day, input.proposed_next, Date::MIN, today);
        (input.validate().is_ok() && dates.is_ok()).then_some(input)
    }
}

struct FormRead {
    kind: String,
    draft: Draft,
}

/// The form an event happened in, with its fields.
fn form_of(ev: &leptos::ev::Event) -> Option<FormRead> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let form: web_sys::HtmlFormElement = target.closest("form").ok()??.dyn_into().ok()?;
        let kind = form.get_attribute("data-form")?;
        let data = web_sys::FormData::new_with_form(&form).ok()?;
        let get = |name: &str| data.get(name).as_string().unwrap_or_default();
        let concerns = data
            .get_all("concerns")
            .iter()
            .filter_map(|v| v.as_string())
            .filter_map(|c| ConcernKind::from_code(&c))
            .collect();
        return Some(FormRead {
            kind,
            draft: Draft {
                outcome: get("outcome"),
                day: get("day"),
                duration: get("duration"),
                mood: get("mood"),
                concerns,
                note: get("note"),
                next: get("next"),
            },
        });
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = ev;
        None
    }
}

/// The clicked element's `data-action`, if any.
fn action_of(ev: &leptos::ev::MouseEvent) -> Option<(String, leptos::web_sys::Element)> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
        let el = target.closest("[data-action]").ok()??;
        return Some((el.get_attribute("data-action")?, el));
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = ev;
        None
    }
}

fn attr(el: &leptos::web_sys::Element, name: &str) -> Option<String> {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    return el.get_attribute(name);
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = (el, name);
        None
    }
}

/// Shows the details of a visit that happened only when it happened, and the emergency
/// reminder as soon as a concern is ticked.
fn adjust_report_form(ev: &leptos::ev::Event, draft: &Draft) {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
        else {
            return;
        };
        let show = |selector: &str, shown: bool| {
            let Ok(all) = form.query_selector_all(selector) else { return };
            for el in (0..all.length()).filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok()) {
                let _ = if shown { el.remove_attribute("hidden") } else { el.set_attribute("hidden", "") };
            }
        };
        show(".done-only", draft.outcome == "done");
        show("#emergency", !draft.concerns.is_empty());
    }
    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    let _ = (ev, draft);
}

fn render_notices(lang: Lang, view: &LocalView) -> String {
    if view.notices.is_empty() {
        return String::new();
    }
    let mut items = String::new();
    for n in &view.notices {
        let text = match n {
            RoundNotice::Added { resident, day, start, .. } => tf(
                lang,
                Msg::NoticeAdded,
                &[("name", &name_of(view, *resident)), ("day", &fmt_day(lang, *day)), ("time", &start.to_string())],
            ),
            RoundNotice::Moved { resident, from, to, .. } => tf(
                lang,
                Msg::NoticeMoved,
                &[
                    ("name", &name_of(view, *resident)),
                    ("from", &format!("{} {}", fmt_day(lang, from.0), from.1)),
                    ("to", &format!("{} {}", fmt_day(lang, to.0), to.1)),
                ],
            ),
            RoundNotice::Removed { resident, day, .. } => {
                tf(lang, Msg::NoticeRemoved, &[("name", &name_of(view, *resident)), ("day", &fmt_day(lang, *day))])
            }
        };
        items.push_str(&format!("<li>{}</li>", esc(&text)));
    }
    format!(
        "<section class=\"card notices\" role=\"status\" aria-labelledby=\"notices-title\" data-testid=\"round-notices\">\
         <h2 id=\"notices-title\">{}</h2><ul>{items}</ul><button type=\"button\" data-action=\"notices-seen\">{}</button></section>",
        t(lang, Msg::NoticesTitle),
        t(lang, Msg::NoticesSeen)
    )
}

/// Reports the server refused, each with its reason and a way to correct it.
fn render_refused(lang: Lang, view: &LocalView) -> String {
    let mut out = String::new();
    for r in &view.refused {
        let MutationBody::Report(input) = &r.mutation.body else { continue };
        let visit = input.visit.map(|v| format!("&visite={}", v.0)).unwrap_or_default();
        out.push_str(&format!(
            "<section class=\"card notice\" role=\"alert\" data-testid=\"refused\"><p>{}</p><p>{}</p>\
             <p><a class=\"button primary\" href=\"/compte-rendu?personne={}{visit}&corriger={}\">{}</a></p></section>",
            esc(&tf(
                lang,
                Msg::RefusedReport,
                &[("name", &name_of(view, input.resident)), ("day", &fmt_day(lang, input.day))]
            )),
            esc(&refusal_text(lang, &r.reason)),
            input.resident.0,
            r.mutation.id.as_str(),
            t(lang, Msg::RefusedCorrect),
        ));
    }
    out
}

/// Why the server refused a report, in words.
fn refusal_text(lang: Lang, reason: &str) -> String {
    let msg = match reason {
        "day_in_future" => Msg::RefusedDayInFuture,
        "day_too_early" => Msg::RefusedDayTooEarly,
        "proposed_next" => Msg::RefusedProposedNext,
        "note_characters" => Msg::RefusedNoteCharacters,
        _ => return tf(lang, Msg::RefusedOther, &[("code", reason)]),
    };
    t(lang, msg).to_owned()
}

fn render_round(lang: Lang, view: &LocalView, today: Date, decline_open: Option<VisitId>, later_open: bool) -> String {
    let mut out = render_refused(lang, view);
    out.push_str(&render_notices(lang, view));
    // Until a first sync has ended, an empty round means "not here yet", not "nothing this week":
    // the residents may have arrived while the visits are still on their way.
    if view.visits.is_empty() && view.sync.last_success.is_none() {
        out.push_str(&format!("<p data-testid=\"round-not-loaded\">{}</p>", t(lang, Msg::RoundNotLoaded)));
        return out;
    }
    let mut visits = view.visits.clone();
    visits.retain(|v| v.day >= today.week_start() || !v.reported);
    visits.sort_by_key(|v| (v.day, v.order, v.start));
    // The volunteer's people past their date with no visit planned: they wait too (unless a
    // visit done is already on the phone, waiting to be sent).
    let visited = |id: ResidentId| {
        view.outbox.iter().any(
            |e| matches!(&e.mutation.body, MutationBody::Report(r) if r.resident == id && r.outcome == Outcome::Done),
        )
    };
    let overdue: Vec<&ResidentRecord> = view
        .residents
        .iter()
        .filter(|r| !visits.iter().any(|v| v.resident == r.id && !v.reported) && !visited(r.id))
        .filter(|r| matches!(crate::domain::rules::due_state(r.rhythm, r.next_due, today), DueState::Overdue { .. }))
        .collect();
    if visits.is_empty() && overdue.is_empty() {
        out.push_str(&format!("<p data-testid=\"round-empty\">{}</p>", t(lang, Msg::RoundEmpty)));
        return out;
    }
    out.push_str(&format!("<p>{}</p><div data-testid=\"round\">", t(lang, Msg::RoundIntro)));
    let week_end = today.week_start().add_days(6);
    let (now, later): (Vec<&VisitRecord>, Vec<&VisitRecord>) = visits.iter().partition(|v| v.day <= week_end);
    let days = |list: &[&VisitRecord]| {
        let mut html = String::new();
        let mut day: Option<Date> = None;
        for v in list {
            if day != Some(v.day) {
                if day.is_some() {
                    html.push_str("</ol></section>");
                }
                day = Some(v.day);
                let title = if v.day == today {
                    format!("{} ({})", fmt_day_long(lang, v.day), t(lang, Msg::Today))
                } else {
                    fmt_day_long(lang, v.day)
                };
                html.push_str(&format!("<section class=\"day\"><h3>{}</h3><ol class=\"visits\">", esc(&title)));
            }
            html.push_str(&render_visit(lang, view, v, today, decline_open == Some(v.id)));
        }
        if day.is_some() {
            html.push_str("</ol></section>");
        }
        html
    };
    out.push_str(&format!("<section data-testid=\"this-week\"><h2>{}</h2>", t(lang, Msg::RoundThisWeek)));
    if now.is_empty() {
        out.push_str(&format!("<p>{}</p>", t(lang, Msg::RoundNothingThisWeek)));
    }
    out.push_str(&days(&now));
    out.push_str("</section>");
    if !overdue.is_empty() {
        out.push_str(&format!(
            "<section data-testid=\"overdue\"><h2>{}</h2><ol class=\"visits\">",
            t(lang, Msg::RoundOverdue)
        ));
        for r in overdue {
            out.push_str(&render_overdue(lang, r, today));
        }
        out.push_str("</ol></section>");
    }
    if !later.is_empty() {
        out.push_str(&format!(
            "<details class=\"later\" data-testid=\"later-weeks\"{}><summary data-action=\"later\"><h2>{}</h2></summary>{}</details>",
            if later_open { " open" } else { "" },
            esc(&tf(lang, Msg::RoundLater, &[("n", &later.len().to_string())])),
            days(&later)
        ));
    }
    out.push_str("</div>");
    out
}

/// Where a resident lives, as the card of a visit says it: street, then commune.
fn place(r: Option<&ResidentRecord>) -> String {
    r.map(|r| {
        if r.address.is_empty() {
            esc(&r.commune_name)
        } else {
            format!("{}, {}", esc(&r.address), esc(&r.commune_name))
        }
    })
    .unwrap_or_default()
}

/// The big buttons to reach a resident: call (when there is a number), and go there.
fn contact_buttons(lang: Lang, r: &ResidentRecord) -> String {
    let who = esc(&format!("{} {}", r.first_name, r.last_name));
    let phone = r
        .phone
        .as_ref()
        .map(|p| {
            format!(
                "<a class=\"button\" href=\"tel:{}\">{} {}<span class=\"visually-hidden\"> — {who}</span></a>",
                esc(&p.replace(' ', "")),
                t(lang, Msg::Call),
                esc(p)
            )
        })
        .unwrap_or_default();
    format!(
        "<p class=\"actions\">{phone}<a class=\"button\" href=\"{}\" data-testid=\"navigate\">{}<span class=\"visually-hidden\"> — {who}</span></a></p>",
        esc(&maps_link(r, apple_phone())),
        t(lang, Msg::Navigate),
    )
}

/// A link that hands the destination to the phone's own maps app: `geo:` on Android (the
/// volunteer's choice of app), Apple Maps' documented `maps.apple.com` link on an iPhone or
/// iPad. To the recorded position; to the address when the home is only the commune's centre.
fn maps_link(r: &ResidentRecord, apple: bool) -> String {
    let point = format!("{},{}", micro_degrees(r.home.lat), micro_degrees(r.home.lon));
    let address = crate::html::encode_path(&format!("{}, {}", r.address, r.commune_name).replace('/', " "));
    match (apple, r.approximate) {
        (false, false) => format!("geo:{point}?q={point}"),
        (false, true) => format!("geo:0,0?q={address}"),
        (true, false) => format!("https://maps.apple.com/?daddr={point}"),
        (true, true) => format!("https://maps.apple.com/?daddr={address}"),
    }
}

/// An iPhone or an iPad (iPadOS says it is a Mac, with a touch screen).
fn apple_phone() -> bool {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    if let Some(nav) = web_sys::window().map(|w| w.navigator()) {
        let agent = nav.user_agent().unwrap_or_default();
        return ["iPhone", "iPad", "iPod"].iter().any(|d| agent.contains(d))
            || (agent.contains("Macintosh") && nav.max_touch_points() > 1);
    }
    false
}

/// A resident past their date with no visit planned: where, how late, and what to do.
fn render_overdue(lang: Lang, r: &ResidentRecord, today: Date) -> String {
    let late = match crate::domain::rules::due_state(r.rhythm, r.next_due, today) {
        DueState::Overdue { days_late } => tf(lang, Msg::BadgeOverdue, &[("n", &days_late.to_string())]),
        _ => String::new(),
    };
    format!(
        "<li class=\"visit overdue\" data-testid=\"overdue-person\"><p class=\"when\"><span class=\"badge late\">{late}</span></p>\
         <p class=\"who\"><strong>{name}</strong></p><p class=\"where\">{place}</p>{contact}\
         <p class=\"actions\"><a class=\"button primary\" href=\"/compte-rendu?personne={rid}\">{report}</a>\
         <a class=\"button\" href=\"/personne?id={rid}\">{card}</a></p></li>",
        late = esc(&late),
        name = esc(&format!("{} {}", r.first_name, r.last_name)),
        place = place(Some(r)),
        contact = contact_buttons(lang, r),
        rid = r.id.0,
        report = t(lang, Msg::WriteReport),
        card = t(lang, Msg::OpenCard),
    )
}

fn render_visit(lang: Lang, view: &LocalView, v: &VisitRecord, today: Date, declining: bool) -> String {
    let resident = view.residents.iter().find(|r| r.id == v.resident);
    let (badge_text, badge_class) = badge(lang, resident, v, today);
    let last = resident.map(|r| match &r.last_visit {
        Some(l) => {
            tf(lang, Msg::LastVisit, &[("date", &fmt_day(lang, l.day)), ("outcome", outcome_label(lang, l.outcome))])
        }
        None => t(lang, Msg::NoVisitYet).to_owned(),
    });
    // Declined and not yet sent: the visit stays on the round, said declined, until the server
    // has it (then it leaves the round at the same sync).
    let declined = view
        .outbox
        .iter()
        .find(|e| matches!(&e.mutation.body, MutationBody::DeclineVisit { visit, .. } if *visit == v.id));
    if let Some(entry) = declined {
        return format!(
            "<li class=\"visit declined\" data-testid=\"visit\"><p class=\"when\"><strong>{start}</strong></p>\
             <p class=\"who\"><strong>{name}</strong></p><p class=\"where\">{place}</p>\
             <p class=\"note\" data-testid=\"visit-declined\">{pending}</p>\
             <p class=\"actions\"><a class=\"button\" href=\"/personne?id={rid}\">{card}</a> \
             <button type=\"button\" class=\"link\" data-action=\"decline-undo\" data-mutation=\"{mutation}\">{undo}</button></p></li>",
            start = v.start,
            name = esc(&name_of(view, v.resident)),
            place = place(resident),
            pending = t(lang, Msg::DeclinePending),
            rid = v.resident.0,
            card = t(lang, Msg::OpenCard),
            mutation = entry.mutation.id.as_str(),
            undo = t(lang, Msg::DeclineUndo),
        );
    }
    let decline_button = if v.reported {
        String::new()
    } else {
        format!(
            "<p class=\"decline\"><button type=\"button\" data-action=\"decline\" data-visit=\"{}\">{}</button></p>",
            v.id.0,
            t(lang, Msg::Decline)
        )
    };
    let decline_form = if declining {
        format!(
            "<form class=\"form\" data-form=\"decline\" autocomplete=\"off\"><label for=\"why\">{}</label><input id=\"why\" name=\"note\" type=\"text\" maxlength=\"500\">\
             <button type=\"submit\">{}</button> <button type=\"button\" class=\"link\" data-action=\"decline-cancel\">{}</button></form>",
            t(lang, Msg::DeclineReason),
            t(lang, Msg::DeclineSend),
            t(lang, Msg::Back)
        )
    } else {
        String::new()
    };
    format!(
        "<li class=\"visit\" data-testid=\"visit\"><p class=\"when\"><strong>{start}</strong> · <span class=\"{badge_class}\">{badge}</span></p>\
         <p class=\"who\"><strong>{name}</strong></p><p class=\"where\">{place}</p>{last}{contact}\
         <p class=\"actions\"><a class=\"button primary\" href=\"/compte-rendu?visite={vid}&amp;personne={rid}\">{report}</a> \
         <a class=\"button\" href=\"/personne?id={rid}\">{card}</a></p>{decline_button}{decline_form}</li>",
        start = v.start,
        badge = esc(&badge_text),
        name = esc(&name_of(view, v.resident)),
        place = place(resident),
        last = last.map(|l| format!("<p class=\"note\">{}</p>", esc(&l))).unwrap_or_default(),
        contact = resident.map(|r| contact_buttons(lang, r)).unwrap_or_default(),
        rid = v.resident.0,
        vid = v.id.0,
        card = t(lang, Msg::OpenCard),
        report = t(lang, Msg::WriteReport),
    )
}

/// The people the volunteer visits, by name: each opens their card.
fn render_people(lang: Lang, view: &LocalView) -> String {
    if view.residents.is_empty() {
        return format!("<p data-testid=\"people-none\">{}</p>", t(lang, Msg::PeopleNone));
    }
    let mut people: Vec<&ResidentRecord> = view.residents.iter().collect();
    people.sort_by(|a, b| (&a.last_name, &a.first_name).cmp(&(&b.last_name, &b.first_name)));
    let items: String = people
        .iter()
        .map(|r| {
            format!(
                "<li><a href=\"/personne?id={}\" data-testid=\"person\"><strong>{}</strong><span>{}</span></a></li>",
                r.id.0,
                esc(&format!("{} {}", r.last_name, r.first_name)),
                esc(&r.commune_name)
            )
        })
        .collect();
    format!("<ul class=\"people\" data-testid=\"people\">{items}</ul>")
}

fn render_card(lang: Lang, view: &LocalView, id: Option<ResidentId>) -> String {
    let Some(id) = id else {
        return render_people(lang, view);
    };
    let Some(r) = view.residents.iter().find(|r| r.id == id) else {
        return format!("<p data-testid=\"unknown-person\">{}</p>", t(lang, Msg::UnknownPerson));
    };
    let section = |title: Msg, text: &str| {
        if text.is_empty() { String::new() } else { format!("<h3>{}</h3><p>{}</p>", t(lang, title), esc(text)) }
    };
    format!(
        "<section class=\"card person\" data-testid=\"resident-card\"><h2>{name}</h2><p>{address}<br>{commune}</p>\
         {contact}<p>{due}</p>{access}{likes}\
         <p><a class=\"button primary\" href=\"/compte-rendu?personne={id}\">{report}</a></p></section>\
         <section aria-labelledby=\"history-title\"><h2 id=\"history-title\">{history_title}</h2>{history}</section>",
        name = esc(&format!("{} {}", r.first_name, r.last_name)),
        address = esc(&r.address),
        commune = esc(&r.commune_name),
        contact = contact_buttons(lang, r),
        due = esc(&tf(
            lang,
            Msg::NextDue,
            &[("date", &fmt_day(lang, r.next_due)), ("rhythm", rhythm_label(lang, r.rhythm))]
        )),
        access = section(Msg::AccessNotes, &r.access_notes),
        likes = section(Msg::Likes, &r.likes),
        id = r.id.0,
        report = t(lang, Msg::WriteReport),
        history_title = t(lang, Msg::History),
        history = render_history(lang, view, r.id),
    )
}

/// A resident's reports: waiting on the phone, then what the server holds, with each concern's
/// follow-up (on the phone, received, acknowledged, resolved).
/// A coordinate with 6 decimals, by integer arithmetic (float formatting would add kilobytes
/// of code to the phone's bundle).
fn micro_degrees(x: f64) -> String {
    let micro = (x * 1e6).round() as i64;
    let sign = if micro < 0 { "-" } else { "" };
    let micro = micro.unsigned_abs();
    format!("{sign}{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

fn render_history(lang: Lang, view: &LocalView, resident: ResidentId) -> String {
    let mut rows: Vec<(Date, String, Msg, Vec<String>)> = Vec::new();
    for e in &view.outbox {
        if let MutationBody::Report(r) = &e.mutation.body {
            if r.resident == resident {
                let concerns = r
                    .concerns
                    .iter()
                    .map(|k| format!("{} — {}", concern_label(lang, *k), t(lang, Msg::ConcernOnPhone)))
                    .collect();
                rows.push((r.day, outcome_label(lang, r.outcome).to_owned(), Msg::ReportOnPhone, concerns));
            }
        }
    }
    for r in view.reports.iter().filter(|r| r.resident == resident) {
        let concerns = r
            .concerns
            .iter()
            .map(|(k, s)| {
                let status = match s {
                    ConcernStatus::Open => Msg::ConcernReceived,
                    ConcernStatus::Acknowledged => Msg::ConcernAcknowledged,
                    ConcernStatus::Resolved => Msg::ConcernResolved,
                };
                format!("{} — {}", concern_label(lang, *k), t(lang, status))
            })
            .collect();
        let state = if r.flag.is_some() { Msg::ReportFlagged } else { Msg::ReportReceived };
        rows.push((r.day, outcome_label(lang, r.outcome).to_owned(), state, concerns));
    }
    // Acknowledged but not in the pulled reports: set aside or refused.
    for s in &view.sent {
        let state = match &s.status {
            AckStatus::Quarantined => Msg::ReportQuarantined,
            AckStatus::Rejected { .. } => Msg::ReportRejected,
            _ => continue,
        };
        rows.push((Date::from_timestamp(s.acked_at), String::new(), state, Vec::new()));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = String::from("<ul class=\"history\">");
    for (day, outcome, state, concerns) in rows {
        let concerns = if concerns.is_empty() {
            String::new()
        } else {
            format!("<ul>{}</ul>", concerns.iter().map(|c| format!("<li>{}</li>", esc(c))).collect::<String>())
        };
        out.push_str(&format!(
            "<li data-testid=\"history-item\"><strong>{}</strong> {} — <span class=\"state\">{}</span>{concerns}</li>",
            fmt_day(lang, day),
            esc(&outcome),
            t(lang, state)
        ));
    }
    out.push_str("</ul>");
    out
}

fn render_report_form(
    lang: Lang,
    view: &LocalView,
    target: Option<(String, ResidentId, Option<VisitId>)>,
    draft: Option<Draft>,
) -> String {
    let Some((_, resident, _)) = target else {
        return format!("<p data-testid=\"unknown-person\">{}</p>", t(lang, Msg::UnknownPerson));
    };
    // Nothing is chosen for the volunteer: a wrong default would be recorded as a fact. Only the
    // day starts at today, in plain view.
    let d = draft.unwrap_or_else(|| Draft { day: today().to_string(), ..Draft::default() });
    let checked = |yes: bool| if yes { " checked" } else { "" };
    let hidden = |yes: bool| if yes { " hidden" } else { "" };
    // `required` on the radios: the browser itself says that an outcome is missing.
    let outcomes: String = Outcome::ALL
        .iter()
        .map(|o| {
            format!(
                "<label class=\"choice\"><input type=\"radio\" name=\"outcome\" value=\"{}\" required{}> {}</label>",
                o.code(),
                checked(d.outcome == o.code()),
                outcome_label(lang, *o)
            )
        })
        .collect();
    let moods: String = [(1, Msg::Mood1), (2, Msg::Mood2), (3, Msg::Mood3), (4, Msg::Mood4)]
        .iter()
        .map(|(m, label)| {
            format!(
                "<label class=\"choice\"><input type=\"radio\" name=\"mood\" value=\"{m}\"{}> {}</label>",
                checked(d.mood == m.to_string()),
                t(lang, *label)
            )
        })
        .collect();
    let concerns: String = ConcernKind::ALL
        .iter()
        .map(|k| {
            format!(
                "<label class=\"choice\"><input type=\"checkbox\" name=\"concerns\" value=\"{}\"{}> {}</label>",
                k.code(),
                checked(d.concerns.contains(k)),
                concern_label(lang, *k)
            )
        })
        .collect();
    // The details start folded, unless the draft already has some.
    let more_open = !(d.duration.is_empty() && d.concerns.is_empty() && d.note.is_empty() && d.next.is_empty());
    // `autocomplete="off"` on the volunteer's forms: otherwise Chromium writes what is typed in
    // them to the profile in clear (form state kept with the tab's session in `Sessions/`, and
    // autofill entries), where a copy of the profile would read it (issue 13).
    format!(
        "<form class=\"card form report\" data-form=\"report\" data-testid=\"report-form\" autocomplete=\"off\">\
         <p class=\"person\"><strong>{name}</strong></p>\
         <fieldset class=\"big\"><legend>{l_outcome}</legend>{outcomes}</fieldset>\
         <fieldset class=\"big done-only\"{done_hidden}><legend>{l_mood}</legend>{moods}</fieldset>\
         <label for=\"r-day\">{l_day}</label><input id=\"r-day\" name=\"day\" type=\"date\" value=\"{day}\" required>\
         <details class=\"more\"{more_open}><summary>{l_more}</summary>\
         <div class=\"form\"><div class=\"done-only form\"{done_hidden}>\
         <label for=\"r-duration\">{l_duration}</label><input id=\"r-duration\" name=\"duration\" type=\"number\" min=\"1\" max=\"600\" inputmode=\"numeric\" value=\"{duration}\"></div>\
         <fieldset><legend>{l_concerns}</legend>{concerns}</fieldset>\
         <p id=\"emergency\" class=\"notice\" role=\"alert\" data-testid=\"emergency-reminder\"{emergency_hidden}>{emergency}</p>\
         <label for=\"r-note\">{l_note}</label><textarea id=\"r-note\" name=\"note\" maxlength=\"2000\" rows=\"3\">{note}</textarea>\
         <label for=\"r-next\">{l_next}</label><input id=\"r-next\" name=\"next\" type=\"date\" value=\"{next}\"></div></details>\
         <div class=\"save-bar\"><button type=\"submit\" class=\"primary\">{save}</button><p class=\"note\">{kept}</p></div></form>",
        name = esc(&name_of(view, resident)),
        l_outcome = t(lang, Msg::FieldOutcome),
        l_day = t(lang, Msg::FieldDay),
        day = esc(&d.day),
        done_hidden = hidden(d.outcome != "done"),
        l_more = t(lang, Msg::ReportMore),
        more_open = if more_open { " open" } else { "" },
        l_duration = t(lang, Msg::FieldDuration),
        duration = esc(&d.duration),
        l_mood = t(lang, Msg::FieldMood),
        l_concerns = t(lang, Msg::FieldConcerns),
        emergency_hidden = hidden(d.concerns.is_empty()),
        emergency = t(lang, Msg::EmergencyReminder),
        l_note = t(lang, Msg::FieldNote),
        note = esc(&d.note),
        l_next = t(lang, Msg::FieldNextDate),
        next = esc(&d.next),
        save = t(lang, Msg::SaveReport),
        kept = t(lang, Msg::DraftKept),
    )
}

/// The absence form, then the volunteer's absences to come: those the server holds (each can
/// be cancelled: the cancellation waits in the outbox like anything else), and those still on
/// the phone (taken back at once, before they leave).
fn render_absences(lang: Lang, view: &LocalView) -> String {
    let days = |first: Date, last: Date| format!("{} → {}", fmt_day(lang, first), fmt_day(lang, last));
    let cancelling = |a: &crate::domain::DayRange| {
        view.outbox.iter().any(
            |e| matches!(e.mutation.body, MutationBody::CancelAbsence { first, last } if first == a.first && last == a.last),
        )
    };
    let held: String = view
        .absences
        .iter()
        .map(|a| {
            if cancelling(a) {
                format!(
                    "<li data-testid=\"absence\">{} ({})</li>",
                    days(a.first, a.last),
                    t(lang, Msg::AbsenceCancelPending)
                )
            } else {
                format!(
                    "<li data-testid=\"absence\">{} <button type=\"button\" class=\"link\" data-action=\"absence-cancel\" \
                     data-first=\"{}\" data-last=\"{}\">{}</button></li>",
                    days(a.first, a.last),
                    a.first,
                    a.last,
                    t(lang, Msg::AbsenceCancel)
                )
            }
        })
        .collect();
    let pending: String = view
        .outbox
        .iter()
        .filter_map(|e| match e.mutation.body {
            MutationBody::Absence { first, last } => Some(format!(
                "<li data-testid=\"absence-pending\">{} ({}) <button type=\"button\" class=\"link\" \
                 data-action=\"absence-undo\" data-mutation=\"{}\">{}</button></li>",
                days(first, last),
                t(lang, Msg::ReportOnPhone),
                e.mutation.id,
                t(lang, Msg::AbsenceCancel)
            )),
            _ => None,
        })
        .collect();
    let list = if held.is_empty() && pending.is_empty() {
        format!("<p data-testid=\"absences-none\">{}</p>", t(lang, Msg::AbsencesNone))
    } else {
        format!("<ul data-testid=\"absences\">{held}{pending}</ul>")
    };
    format!(
        "<p>{intro}</p><form class=\"card form\" data-form=\"absence\" data-testid=\"absence-form\" autocomplete=\"off\">\
         <label for=\"a-first\">{first}</label><input id=\"a-first\" name=\"day\" type=\"date\" required>\
         <label for=\"a-last\">{last}</label><input id=\"a-last\" name=\"next\" type=\"date\" required>\
         <button type=\"submit\" class=\"primary\">{declare}</button></form><h2>{declared}</h2>{list}",
        intro = t(lang, Msg::AbsencesIntro),
        first = t(lang, Msg::AbsenceFirst),
        last = t(lang, Msg::AbsenceLast),
        declare = t(lang, Msg::AbsenceDeclare),
        declared = t(lang, Msg::AbsencesDeclared),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_not_yet_synced_is_not_called_empty() {
        let today = Date::parse("2026-11-26").unwrap();
        let resident: crate::sync::ResidentRecord = serde_json::from_value(serde_json::json!({
            "id": 42, "first_name": "Ginette", "last_name": "Rabouin", "address": "3 rue des Glycines",
            "commune_name": "Civray", "phone": null, "home": { "lat": 46.15, "lon": 0.29 },
            "access_notes": "", "likes": "", "rhythm": "weekly", "next_due": "2026-11-30", "last_visit": null
        }))
        .unwrap();
        let first_sync_running = LocalView { residents: vec![resident], ..LocalView::default() };
        let round = render_round(Lang::Fr, &first_sync_running, today, None, false);
        assert!(round.contains("round-not-loaded") && !round.contains("round-empty"), "{round}");

        let synced = LocalView {
            sync: crate::local_store::SyncMeta { last_success: Some(crate::domain::Timestamp(1)), last_error: None },
            ..first_sync_running
        };
        let round = render_round(Lang::Fr, &synced, today, None, false);
        assert!(round.contains("round-empty") && !round.contains("round-not-loaded"), "{round}");
    }

    #[test]
    fn a_visit_declined_but_not_sent_says_so_and_offers_no_report() {
        let today = Date::parse("2026-11-26").unwrap();
        let visit = |id: i64| VisitRecord {
            id: VisitId(id),
            resident: ResidentId(42),
            day: today,
            start: crate::domain::Minute::hm(14, id as u16).unwrap(),
            order: id as u32,
            week_start: today.week_start(),
            reported: false,
        };
        let decline = OutboxEntry {
            mutation: Mutation {
                id: ClientId::from_bytes([1; 16]),
                recorded_at: crate::domain::Timestamp(1),
                body: MutationBody::DeclineVisit { visit: VisitId(1), reason: String::new() },
            },
            queued_at: crate::domain::Timestamp(1),
        };
        let view = LocalView {
            visits: vec![visit(1), visit(2)],
            outbox: vec![decline],
            sync: crate::local_store::SyncMeta { last_success: Some(crate::domain::Timestamp(1)), last_error: None },
            ..LocalView::default()
        };
        let round = render_round(Lang::Fr, &view, today, None, false);
        assert_eq!(round.matches("data-testid=\"visit-declined\"").count(), 1, "{round}");
        assert_eq!(round.matches("data-action=\"decline\"").count(), 1, "only the other visit can be declined");
        assert!(!round.contains("visite=1&amp;"), "no report for the declined visit: {round}");
    }

    fn resident(id: i64, next_due: &str) -> ResidentRecord {
        ResidentRecord {
            id: ResidentId(id),
            first_name: "Ginette".into(),
            last_name: format!("R{id}"),
            address: "3 rue des Glycines".into(),
            commune_name: "Civray".into(),
            phone: Some("05 49 00 00 00".into()),
            home: crate::domain::Location { lat: 46.148_1, lon: 0.295 },
            approximate: false,
            access_notes: String::new(),
            likes: String::new(),
            rhythm: Rhythm::Weekly,
            next_due: Date::parse(next_due).unwrap(),
            last_visit: None,
        }
    }

    #[test]
    fn the_round_shows_this_week_then_the_overdue_then_later_weeks_folded() {
        let today = Date::parse("2026-11-26").unwrap(); // a Thursday
        let visit = |id: i64, resident: i64, day: &str| VisitRecord {
            id: VisitId(id),
            resident: ResidentId(resident),
            day: Date::parse(day).unwrap(),
            start: crate::domain::Minute::hm(14, 0).unwrap(),
            order: 0,
            week_start: Date::parse(day).unwrap().week_start(),
            reported: false,
        };
        let view = LocalView {
            residents: vec![
                resident(1, "2026-11-27"), // visited this week
                resident(2, "2026-12-01"), // visited next week
                resident(3, "2026-11-10"), // overdue, nothing planned: shown apart
                resident(4, "2026-11-12"), // overdue, but planned tomorrow: only on the round
                resident(5, "2026-12-20"), // not due, nothing planned: not on the round
            ],
            visits: vec![visit(10, 1, "2026-11-27"), visit(11, 2, "2026-12-02"), visit(12, 4, "2026-11-27")],
            sync: crate::local_store::SyncMeta { last_success: Some(crate::domain::Timestamp(1)), last_error: None },
            ..LocalView::default()
        };
        let round = render_round(Lang::Fr, &view, today, None, false);
        let at = |needle: &str| round.find(needle).unwrap_or_else(|| panic!("{needle} missing: {round}"));
        let (week, overdue, later) =
            (at("data-testid=\"this-week\""), at("data-testid=\"overdue\""), at("<details class=\"later\""));
        assert!(week < overdue && overdue < later, "{round}");
        assert!(at("visite=10&") < overdue && at("visite=12&") < overdue, "this week's visits first");
        assert!(at("visite=11&") > later, "next week's visit in the folded part");
        assert!(!round[later..].contains(" open"), "folded");
        // Unfolded by the volunteer, it stays so when the round is drawn again (after a sync).
        let unfolded = render_round(Lang::Fr, &view, today, None, true);
        assert!(unfolded.contains("data-testid=\"later-weeks\" open><summary data-action=\"later\">"), "{unfolded}");
        assert_eq!(round.matches("data-testid=\"overdue-person\"").count(), 1, "{round}");
        assert!(round[overdue..later].contains("/compte-rendu?personne=3\""), "resident 3 can be reported");
        assert!(!round.contains("personne=5"), "resident 5 is not due");
        assert!(round.contains("en retard de 16 j"), "how late: {round}");
        // Each card says where, with the big buttons.
        assert!(round.contains("3 rue des Glycines, Civray"));
        assert_eq!(round.matches("href=\"tel:0549000000\"").count(), 4, "three visits and the overdue person");

        // Nothing this week, something later: said, and the later weeks are still there.
        let later_only =
            LocalView { visits: vec![visit(11, 2, "2026-12-02")], residents: vec![resident(2, "2026-12-01")], ..view };
        let round = render_round(Lang::Fr, &later_only, today, None, false);
        assert!(round.contains("Aucune visite prévue cette semaine.") && round.contains("visite=11&"), "{round}");
    }

    #[test]
    fn the_maps_link_opens_the_phones_own_maps_app() {
        let r = resident(1, "2026-11-27");
        let approximate = ResidentRecord { approximate: true, ..r.clone() };
        for (resident, apple, expected) in [
            (&r, false, "geo:46.148100,0.295000?q=46.148100,0.295000"),
            (&r, true, "https://maps.apple.com/?daddr=46.148100,0.295000"),
            (&approximate, false, "geo:0,0?q=3%20rue%20des%20Glycines%2C%20Civray"),
            (&approximate, true, "https://maps.apple.com/?daddr=3%20rue%20des%20Glycines%2C%20Civray"),
        ] {
            assert_eq!(maps_link(resident, apple), expected);
        }
        // An address cannot end the parameter or add one.
        let odd = ResidentRecord { address: "1 bis & 2/3 \"x\"".into(), ..approximate };
        assert_eq!(maps_link(&odd, false), "geo:0,0?q=1%20bis%20%26%202%203%20%22x%22%2C%20Civray");
    }

    #[test]
    fn the_report_form_chooses_nothing_for_the_volunteer() {
        let view = LocalView { residents: vec![resident(1, "2026-11-27")], ..LocalView::default() };
        let form = render_report_form(Lang::Fr, &view, Some(("resident:1".into(), ResidentId(1), None)), None);
        assert!(!form.contains(" checked"), "no outcome, mood or concern preselected: {form}");
        assert!(form.contains("<details class=\"more\"><summary>"), "the details start folded");
        assert_eq!(form.matches("name=\"outcome\"").count(), Outcome::ALL.len());
        assert!(form.contains("Personne n&#39;a ouvert") || form.contains("Personne n'a ouvert"), "{form}");
        // A draft with a note opens the details, and keeps its choices.
        let draft = Draft { outcome: "done".into(), mood: "3".into(), note: "x".into(), ..Draft::default() };
        let form = render_report_form(Lang::Fr, &view, Some(("resident:1".into(), ResidentId(1), None)), Some(draft));
        assert!(form.contains("<details class=\"more\" open>"), "{form}");
        assert_eq!(form.matches(" checked").count(), 2, "the outcome and the mood of the draft");
    }

    #[test]
    fn coordinates_for_the_maps_link() {
        assert_eq!(micro_degrees(46.148_123_4), "46.148123");
        assert_eq!(micro_degrees(-0.000_000_6), "-0.000001");
        assert_eq!(micro_degrees(0.3), "0.300000");
    }

    #[test]
    fn everything_from_the_data_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn drafts_become_valid_reports_or_nothing() {
        let day = Date::parse("2026-11-26").unwrap();
        let d = Draft {
            outcome: "done".into(),
            day: "2026-11-25".into(),
            duration: "45".into(),
            mood: "3".into(),
            ..Draft::default()
        };
        let r = d.to_input(ResidentId(1), None, day).unwrap();
        assert_eq!((r.duration_minutes, r.mood.map(Mood::get)), (Some(45), Some(3)));
        assert!(Draft { duration: "0".into(), ..d.clone() }.to_input(ResidentId(1), None, day).is_none());
        assert!(Draft { duration: "abc".into(), ..d.clone() }.to_input(ResidentId(1), None, day).is_none());
        let away = Draft { outcome: "nobody_home".into(), ..d.clone() }.to_input(ResidentId(1), None, day).unwrap();
        assert_eq!((away.duration_minutes, away.mood), (None, None), "details only for a visit that happened");
        assert!(Draft { day: "hier".into(), ..d.clone() }.to_input(ResidentId(1), None, day).is_none());
        // Dates the server would refuse are caught on the phone already.
        assert!(Draft { day: "9999-12-31".into(), ..d.clone() }.to_input(ResidentId(1), None, day).is_none());
        assert!(Draft { next: "9999-12-31".into(), ..d }.to_input(ResidentId(1), None, day).is_none());
    }
    use crate::api::residents::LastVisit;
    use crate::domain::{Location, Minute};

    #[test]
    fn badges_follow_the_shared_rules() {
        let resident = ResidentRecord {
            id: ResidentId(1),
            first_name: "A".into(),
            last_name: "B".into(),
            address: String::new(),
            commune_name: String::new(),
            phone: None,
            home: Location { lat: 46.0, lon: 0.3 },
            approximate: false,
            access_notes: String::new(),
            likes: String::new(),
            rhythm: Rhythm::Weekly,
            next_due: Date::parse("2026-11-20").unwrap(),
            last_visit: Some(LastVisit { day: Date::parse("2026-11-13").unwrap(), outcome: Outcome::Done }),
        };
        let visit = VisitRecord {
            id: VisitId(1),
            resident: ResidentId(1),
            day: Date::parse("2026-11-26").unwrap(),
            start: Minute::hm(14, 0).unwrap(),
            order: 0,
            week_start: Date::parse("2026-11-23").unwrap(),
            reported: false,
        };
        let today = Date::parse("2026-11-25").unwrap();
        assert_eq!(badge(Lang::Fr, Some(&resident), &visit, today), ("en retard de 5 j".to_owned(), "badge late"));
        let due = ResidentRecord { next_due: today, ..resident.clone() };
        assert_eq!(badge(Lang::Fr, Some(&due), &visit, today).1, "badge due");
        let reported = VisitRecord { reported: true, ..visit };
        assert_eq!(badge(Lang::En, Some(&resident), &reported, today).0, "report done");
    }
}
