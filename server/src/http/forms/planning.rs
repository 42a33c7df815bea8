//! The planning page's form posts: publish the week, lock or place a visit, enter a paper report.

use crate::http::error::AppError;
use crate::http::extract::{Ambassador, Form};
use crate::http::prelude::*;
use crate::http::state::AppState;

#[derive(serde::Deserialize)]
pub(crate) struct PublishForm {
    semaine: String,
    empreinte: String,
}

/// The planning page's "publish" button (a plain form post): recomputes the week's plan and
/// publishes it only if it is still the one the ambassador saw; answers with a redirect back
/// to the page, which says what happened.
pub(crate) async fn publish_plan(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let Ok(week) = monalisa_app::domain::Date::parse(&form.semaine) else {
        return Err(AppError::invalid("semaine", "a date YYYY-MM-DD"));
    };
    let computed = monalisa_app::planning::compute(&state.ctx, scope, week).await?;
    if computed.preview.fingerprint != form.empreinte {
        return Ok(Redirect::to(&format!("/planification?semaine={week}&erreur=change")).into_response());
    }
    let published = state.ctx.store.publish_rounds(scope, week, &computed.rounds).await.map_err(internal)?;
    let unserved: Vec<_> = computed.preview.unserved.iter().map(|u| (u.resident, u.reason)).collect();
    state.ctx.store.record_unserved(scope, week, &unserved).await.map_err(internal)?;
    let detail = format!("week {week}: {published} visits in {} rounds", computed.rounds.len());
    monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "rounds.publish", "visit", &week.to_string(), &detail)
        .await?;
    tracing::info!(scope = scope.0, %week, published, "rounds published");
    Ok(Redirect::to(&format!("/planification?semaine={week}&publie={published}")).into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct LockForm {
    semaine: String,
    personne: i64,
    /// Empty: remove the lock.
    #[serde(default)]
    benevole: String,
    /// A visit placed by hand: its day (in the week) and start time; both or neither.
    #[serde(default)]
    jour: String,
    #[serde(default)]
    heure: String,
}

/// The planning page's "assign" and "remove" buttons (plain form posts): records or removes an
/// ambassador's lock for the week, then back to the page, which recomputes the plan around it.
pub(crate) async fn lock_plan(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<LockForm>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::{Date, ResidentId, VolunteerId};
    let Ok(week) = Date::parse(&form.semaine) else {
        return Err(AppError::invalid("semaine", "a date YYYY-MM-DD"));
    };
    let volunteer = match form.benevole.trim() {
        "" => None,
        text => match text.parse() {
            Ok(id) => Some(VolunteerId(id)),
            Err(_) => {
                return Err(AppError::invalid("benevole", "a volunteer id"));
            }
        },
    };
    let today = Date::from_timestamp(monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()));
    monalisa_app::api::planning::check_week(week, today)?;
    let at = match (form.jour.trim(), form.heure.trim()) {
        ("", "") => None,
        (day, time) => match (Date::parse(day), monalisa_app::domain::Minute::parse(time)) {
            (Ok(day), Ok(time)) if day.week_start() == week => Some((day, time)),
            _ => return Ok(Redirect::to(&format!("/planification?semaine={week}&erreur=placement")).into_response()),
        },
    };
    let resident = ResidentId(form.personne);
    let lock = volunteer.map(|volunteer| monalisa_app::planning::PlanningLock { volunteer, at });
    match state.ctx.store.set_planning_lock(scope, week, resident, lock).await {
        Ok(()) => {}
        Err(monalisa_app::backend::StoreError::NotFound) => return Err(ApiError::NotFound.into()),
        Err(e) => return Err(internal(e).into()),
    }
    let detail = match lock {
        Some(monalisa_app::planning::PlanningLock { volunteer, at: Some((day, time)) }) => {
            format!("week {week}: placed with volunteer {volunteer} on {day} at {time}")
        }
        Some(l) => format!("week {week}: locked to volunteer {}", l.volunteer),
        None => format!("week {week}: lock removed"),
    };
    monalisa_app::backend::auth::audit(
        &state.ctx,
        Some(&me),
        "planning.lock",
        "resident",
        &resident.to_string(),
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/planification?semaine={week}")).into_response())
}

/// A report entered by an ambassador for a volunteer without a smartphone (the entry page's
/// plain form post). It goes through the phones' own sync path, as that volunteer's report but
/// sent from the ambassador's session and device, so it is recorded once (the form carries the
/// report's id), flagged like any other, and the audit trail shows who entered it.
pub(crate) async fn enter_report(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    use monalisa_app::domain::{ClientId, ConcernKind, Mood, Outcome, Timestamp, VisitId};
    use monalisa_app::sync::{AckStatus, Mutation, MutationBody, PROTOCOL_VERSION, PushRequest, ReportInput};
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default();
    let invalid = AppError::invalid;
    let Some(id) = ClientId::parse(field("id")) else { return Err(invalid("id", "a report id")) };
    let Ok(visit) = field("visite").parse().map(VisitId) else { return Err(invalid("visite", "a visit id")) };
    let Some(outcome) = Outcome::from_code(field("issue")) else { return Err(invalid("issue", "an outcome")) };
    let duration_minutes = match field("duree") {
        "" => None,
        text => match text.parse() {
            Ok(d) => Some(d),
            Err(_) => return Err(invalid("duree", "minutes")),
        },
    };
    let mood = match field("humeur") {
        "" => None,
        text => match text.parse().ok().and_then(Mood::new) {
            Some(m) => Some(m),
            None => return Err(invalid("humeur", "1 to 4")),
        },
    };
    let concerns: Vec<ConcernKind> =
        ConcernKind::ALL.into_iter().filter(|k| field(&format!("souci_{}", k.code())) == "1").collect();
    let entry = match state.ctx.store.visit_entry(scope, visit).await {
        Ok(Some(e)) => e,
        Ok(None) => return Err(ApiError::NotFound.into()),
        Err(e) => return Err(internal(e).into()),
    };
    let day = match field("jour") {
        "" => entry.day,
        text => match monalisa_app::domain::Date::parse(text) {
            Ok(d) => d,
            Err(_) => return Err(invalid("jour", "a date YYYY-MM-DD")),
        },
    };
    let input = ReportInput {
        visit: Some(visit),
        resident: entry.resident,
        day,
        outcome,
        duration_minutes,
        mood,
        concerns,
        note: field("note").to_owned(),
        proposed_next: None,
    };
    if let Err(reason) = input.validate() {
        return Err(invalid("compte-rendu", reason));
    }
    let now = Timestamp(monalisa_app::backend::now_ms());
    let caller = monalisa_app::backend::SyncCaller {
        user: me.user.id,
        device: me.device,
        volunteer: Some(entry.volunteer),
        revoked: false,
    };
    let request = PushRequest {
        protocol: PROTOCOL_VERSION,
        sent_at: now,
        mutations: vec![Mutation { id: id.clone(), recorded_at: now, body: MutationBody::Report(input) }],
        sealed: vec![],
    };
    let acks = state.ctx.store.apply_push(&caller, &request, now).await.map_err(internal)?;
    match acks.first().map(|a| &a.status) {
        Some(AckStatus::Applied { .. }) => {
            let detail = format!("entered for volunteer {}", entry.volunteer);
            let audit = monalisa_app::backend::auth::audit(
                &state.ctx,
                Some(&me),
                "report.enter_for",
                "report",
                id.as_str(),
                &detail,
            );
            audit.await?;
        }
        Some(AckStatus::AlreadyApplied { .. }) => {}
        Some(AckStatus::Rejected { reason }) => return Err(invalid("compte-rendu", reason)),
        _ => return Err(ApiError::Unavailable.into()),
    }
    let week = entry.day.week_start();
    Ok(Redirect::to(&format!("/planification/feuille?semaine={week}&benevole={}&saisi=1", entry.volunteer))
        .into_response())
}
