//! "Planifier la semaine" (ambassadors): the planning engine run on the ambassador's scope for
//! one week, shown for review, then published as the volunteers' rounds.
//!
//! The plan is computed with a fixed seed and iteration budget, so the same data always gives
//! the same plan: the page shows it with a fingerprint, and publishing recomputes it and
//! refuses if the fingerprint changed meanwhile (someone declared an absence, a report came
//! in): what is published is exactly what the ambassador saw.

use super::ApiError;
use crate::domain::{Date, Minute, ResidentId, VolunteerId};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Why a resident due this week is left out (the planner's exact rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnservedReason {
    NoVolunteerInRange,
    NoCommonSlot,
    NoCapacity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewVisit {
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub day: Date,
    pub start: Minute,
    /// The resident's usual volunteer does this visit.
    pub usual: bool,
    /// The ambassador locked this resident to this volunteer.
    pub locked: bool,
    /// The ambassador placed this visit by hand (day and time).
    pub placed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRound {
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    pub visits: Vec<PreviewVisit>,
    /// The round on the scope's map: the volunteer's home, then each visit in order, as SVG
    /// user units of [`ScopeMap`].
    pub route: Vec<[i32; 2]>,
}

/// The scope's communes drawn once, in SVG user units (north up, 1 unit ≈ the same distance
/// east-west and north-south).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeMap {
    pub width: i32,
    pub height: i32,
    /// One SVG path (`d`) per commune.
    pub communes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewUnserved {
    pub resident: ResidentId,
    pub resident_name: String,
    pub commune: String,
    pub reason: UnservedReason,
    /// The volunteer the ambassador locked this resident to, if any (the lock may be the cause).
    pub locked_to: Option<String>,
}

/// Someone to choose in the page's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// A lock: this resident goes to this volunteer this week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewLock {
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer_name: String,
    /// Placed by hand: day and start time.
    pub at: Option<(Date, Minute)>,
}

/// A rule the week's plan breaks, found by the engine's check mode once an ambassador placed
/// visits by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// No availability slot of the volunteer holds that time.
    NoSlot,
    /// The volunteer is away that day.
    Absent,
    /// Not this volunteer's commune or distance.
    NotAllowed,
    /// More visits in the slot than it holds.
    TooManyInSlot,
    /// More visits in the week than the volunteer's capacity.
    OverCapacity,
    /// Outside the person's preferred days and times.
    OutsideHours,
    /// The volunteer gets home after the end of the slot.
    LateReturn,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanIssue {
    pub kind: IssueKind,
    pub volunteer_name: String,
    pub resident_name: Option<String>,
    pub day: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPreview {
    pub week: Date,
    /// Residents due this week (planned or not).
    pub due: usize,
    pub rounds: Vec<PreviewRound>,
    pub unserved: Vec<PreviewUnserved>,
    /// Identifies this exact plan (see the module documentation).
    pub fingerprint: String,
    pub map: ScopeMap,
    /// The scope's active volunteers and the residents due, for the "lock" form.
    pub volunteers: Vec<Choice>,
    pub residents: Vec<Choice>,
    pub locks: Vec<PreviewLock>,
    /// Whether visits were placed by hand (then the plan went through the check mode).
    pub checked: bool,
    /// Travel times from the road network (a routing service), else estimated from distances.
    pub road_times: bool,
    /// What the check mode found.
    pub issues: Vec<PlanIssue>,
}

/// One visit on a volunteer's printed round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetVisit {
    pub visit: crate::domain::VisitId,
    pub day: Date,
    pub start: Minute,
    pub resident_name: String,
    pub address: String,
    pub commune: String,
    pub phone: Option<String>,
    pub access_notes: String,
}

/// A volunteer's published round for a week, for volunteers without a smartphone (printed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSheet {
    pub week: Date,
    pub volunteer_name: String,
    pub visits: Vec<SheetVisit>,
}

#[server(prefix = "/api/v1", endpoint = "planning/round-sheet", input = Json)]
pub async fn printable_round(volunteer: VolunteerId, week: Date) -> Result<RoundSheet, ApiError> {
    crate::backend::reply(sheet(volunteer, week).await)
}

#[cfg(feature = "ssr")]
async fn sheet(volunteer: VolunteerId, week: Date) -> Result<RoundSheet, ApiError> {
    use crate::backend::{auth, internal, server_context};
    let ctx = server_context()?;
    let me = auth::require(&[crate::auth::Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    if week.week_start() != week {
        return Err(ApiError::Invalid { field: "semaine".into(), reason: "a week starts on a Monday".into() });
    }
    let (sheet, residents) =
        ctx.store.round_sheet(scope, volunteer, week).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
    for resident in residents {
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "printed round").await?;
    }
    Ok(sheet)
}

/// A planned visit whose report an ambassador enters for a volunteer without a smartphone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEntry {
    pub visit: crate::domain::VisitId,
    pub resident: ResidentId,
    pub resident_name: String,
    pub volunteer: VolunteerId,
    pub volunteer_name: String,
    pub day: Date,
    pub start: Minute,
    /// The id the report will have: made when the form is shown, so sending the same form
    /// twice records one report.
    pub report_id: crate::domain::ClientId,
}

#[server(prefix = "/api/v1", endpoint = "planning/visit-entry", input = Json)]
pub async fn visit_for_entry(visit: crate::domain::VisitId) -> Result<VisitEntry, ApiError> {
    crate::backend::reply(entry(visit).await)
}

#[cfg(feature = "ssr")]
async fn entry(visit: crate::domain::VisitId) -> Result<VisitEntry, ApiError> {
    use crate::backend::{auth, internal, server_context};
    let ctx = server_context()?;
    let me = auth::require(&[crate::auth::Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    let found = ctx.store.visit_entry(scope, visit).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
    auth::audit(&ctx, Some(&me), "resident.read", "resident", &found.resident.to_string(), "report entry").await?;
    Ok(found)
}

/// The Monday of the week after `today`: what "plan next week" means.
pub fn next_week(today: Date) -> Date {
    today.week_start().add_days(7)
}

/// A week an ambassador may plan: a Monday, from this week to twelve weeks ahead.
pub fn check_week(week: Date, today: Date) -> Result<(), ApiError> {
    let bad = |reason: &str| Err(ApiError::Invalid { field: "semaine".into(), reason: reason.into() });
    if week.week_start() != week {
        return bad("a week starts on a Monday");
    }
    if week < today.week_start() || week > today.week_start().add_days(7 * 12) {
        return bad("from this week to twelve weeks ahead");
    }
    Ok(())
}

#[server(prefix = "/api/v1", endpoint = "planning/preview", input = Json)]
pub async fn planning_preview(week: Date) -> Result<PlanPreview, ApiError> {
    crate::backend::reply(preview(week).await)
}

#[cfg(feature = "ssr")]
async fn preview(week: Date) -> Result<PlanPreview, ApiError> {
    use crate::backend::{auth, server_context};
    let ctx = server_context()?;
    let me = auth::require(&[crate::auth::Role::Ambassador])?;
    let scope = me.user.scope.ok_or(ApiError::Forbidden)?;
    let computed = compute(&ctx, scope, week).await?;
    let mut shown: Vec<ResidentId> = computed.preview.unserved.iter().map(|u| u.resident).collect();
    for round in &computed.preview.rounds {
        shown.extend(round.visits.iter().map(|v| v.resident));
    }
    for resident in shown {
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "planning").await?;
    }
    Ok(computed.preview)
}

/// A computed plan: what the page shows, and the rounds to publish.
#[cfg(feature = "ssr")]
pub struct Computed {
    pub preview: PlanPreview,
    pub rounds: Vec<crate::planning::PlannedRound>,
}

/// Iterations of the search for one scope's week (a few tenths of a second for a scope of a
/// hundred residents; fixed, so that a plan can be recomputed identically).
#[cfg(feature = "ssr")]
const PLAN_ITERATIONS: u64 = 20_000;

/// Width of the round maps, in SVG user units.
#[cfg(feature = "ssr")]
const MAP_WIDTH: f64 = 320.0;

/// Plans a scope's week from the store.
#[cfg(feature = "ssr")]
pub async fn compute(
    ctx: &crate::backend::ServerContext,
    scope: crate::domain::ScopeId,
    week: Date,
) -> Result<Computed, ApiError> {
    use crate::backend::internal;
    use crate::planning::{ResidentForPlan, ScopeWeek, build_instance, parse_resident_key, rounds_from};
    use std::collections::{HashMap, HashSet};

    let today = Date::from_timestamp(crate::domain::Timestamp(crate::backend::now_ms()));
    check_week(week, today)?;
    let store = &ctx.store;
    let (volunteer_ids, resident_ids) = store.scope_people(scope).await.map_err(internal)?;
    let reported: HashSet<ResidentId> =
        store.reported_between(scope, week, week.add_days(6)).await.map_err(internal)?.into_iter().collect();
    let mut volunteers = Vec::new();
    for id in volunteer_ids {
        volunteers.extend(store.volunteer(id).await.map_err(internal)?);
    }
    let mut residents = Vec::new();
    for id in resident_ids {
        let Some(resident) = store.resident(id).await.map_err(internal)? else { continue };
        let last_done = store.last_contact(id).await.map_err(internal)?.and_then(|c| c.last_done);
        residents.push(ResidentForPlan { resident, last_done, reported_this_week: reported.contains(&id) });
    }
    let locks: HashMap<ResidentId, crate::planning::PlanningLock> =
        store.planning_locks(scope, week).await.map_err(internal)?.into_iter().collect();
    let scope_week = ScopeWeek { week_start: week, first_day: week.max(today), volunteers, residents, locks };
    let instance = build_instance(&scope_week);
    let due = instance.visits.len();
    let due_ids: Vec<ResidentId> = instance.visits.iter().filter_map(|v| parse_resident_key(&v.id)).collect();
    // Road times when a routing service is configured; if it fails, the plan is made with
    // great-circle distances (the page says which) rather than not at all.
    let roads = match &ctx.road_times {
        None => None,
        Some(source) => match source.table(&monalisa_planner::problem::Problem::location_points(&instance)).await {
            Ok(table) => Some(table),
            Err(e) => {
                tracing::warn!(error = %e, "road times unavailable: planning with great-circle distances");
                None
            }
        },
    };
    let road_times = roads.is_some();
    let placed_any = scope_week.locks.values().any(|l| l.at.is_some());
    let (solution, rounds, forced, violations) = {
        let scope_week = scope_week.clone();
        tokio::task::spawn_blocking(move || {
            use monalisa_planner::problem::Problem;
            let problem = match roads {
                Some(table) => Problem::with_travel(&instance, |_| Ok(Box::new(table))),
                None => Problem::new(&instance),
            }
            .map_err(|e| e.to_string())?;
            let limit = monalisa_planner::Limit::Iterations(PLAN_ITERATIONS);
            let (plan, stats) = monalisa_planner::plan(&problem, limit, 1, std::time::Instant::now());
            let solution = monalisa_planner::to_solution(&plan, 0, stats);
            let mut rounds = rounds_from(week, &solution);
            // Visits placed by hand: forced in if the engine could not fit them, then the whole
            // plan through the check mode.
            let forced = crate::planning::force_placed(&scope_week, &instance, &mut rounds);
            let violations = if placed_any {
                let edited = crate::planning::solution_from(&instance, week, &rounds);
                monalisa_planner::check::check(&problem, &edited).violations
            } else {
                Vec::new()
            };
            Ok::<_, String>((solution, rounds, forced, violations))
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r)
        .map_err(|e| {
            tracing::error!(error = %e, "planning failed");
            ApiError::Unavailable
        })?
    };

    let communes: HashMap<String, String> =
        store.communes().await.map_err(internal)?.into_iter().map(|c| (c.insee.as_str().to_string(), c.name)).collect();
    let people: HashMap<ResidentId, &crate::domain::Resident> =
        scope_week.residents.iter().map(|r| (r.resident.id, &r.resident)).collect();
    let names: HashMap<VolunteerId, String> =
        scope_week.volunteers.iter().map(|v| (v.id, format!("{} {}", v.first_name, v.last_name))).collect();
    let describe = |id: ResidentId| {
        people.get(&id).map_or((String::new(), String::new()), |r| {
            (format!("{} {}", r.first_name, r.last_name), communes.get(r.commune.as_str()).cloned().unwrap_or_default())
        })
    };
    let outlines = store.scope_outlines(scope).await.map_err(internal)?;
    let projection = crate::planning::Projection::fit(&outlines, MAP_WIDTH);
    let homes: HashMap<VolunteerId, crate::domain::Location> =
        scope_week.volunteers.iter().map(|v| (v.id, v.home)).collect();
    let preview_rounds = rounds
        .iter()
        .map(|round| PreviewRound {
            route: homes
                .get(&round.volunteer)
                .into_iter()
                .copied()
                .chain(round.visits.iter().filter_map(|v| people.get(&v.resident).map(|r| r.home)))
                .map(|at| projection.point(at.lon, at.lat))
                .collect(),
            volunteer: round.volunteer,
            volunteer_name: names.get(&round.volunteer).cloned().unwrap_or_default(),
            visits: round
                .visits
                .iter()
                .map(|v| {
                    let (resident_name, commune) = describe(v.resident);
                    let usual = people.get(&v.resident).is_some_and(|r| r.volunteer == Some(round.volunteer));
                    let lock = scope_week.locks.get(&v.resident).filter(|l| l.volunteer == round.volunteer);
                    PreviewVisit {
                        resident: v.resident,
                        resident_name,
                        commune,
                        day: v.day,
                        start: v.start,
                        usual,
                        locked: lock.is_some(),
                        placed: lock.is_some_and(|l| l.at == Some((v.day, v.start))),
                    }
                })
                .collect(),
        })
        .collect();
    let unserved = solution
        .reasons
        .iter()
        .filter_map(|u| {
            let resident = parse_resident_key(&u.visit).filter(|r| !forced.contains(r))?;
            let (resident_name, commune) = describe(resident);
            let reason = match u.reason {
                monalisa_planner::format::Reason::NoVolunteerInRange => UnservedReason::NoVolunteerInRange,
                monalisa_planner::format::Reason::NoCommonSlot => UnservedReason::NoCommonSlot,
                monalisa_planner::format::Reason::NoCapacity => UnservedReason::NoCapacity,
            };
            let locked_to = scope_week.locks.get(&resident).and_then(|l| names.get(&l.volunteer)).cloned();
            Some(PreviewUnserved { resident, resident_name, commune, reason, locked_to })
        })
        .collect();
    let fingerprint = {
        use sha2::Digest;
        let bytes = serde_json::to_vec(&rounds).map_err(|_| ApiError::Unavailable)?;
        let digest = sha2::Sha256::digest(&bytes);
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    };
    let map = projection.map(&outlines);
    let mut volunteer_choices: Vec<Choice> =
        names.iter().map(|(id, name)| Choice { id: id.0, name: name.clone() }).collect();
    volunteer_choices.sort_by(|a, b| a.name.cmp(&b.name));
    let mut resident_choices: Vec<Choice> =
        due_ids.iter().map(|&id| Choice { id: id.0, name: describe(id).0 }).collect();
    resident_choices.sort_by(|a, b| a.name.cmp(&b.name));
    let mut lock_list: Vec<PreviewLock> = scope_week
        .locks
        .iter()
        .map(|(&resident, lock)| PreviewLock {
            resident,
            resident_name: describe(resident).0,
            volunteer_name: names.get(&lock.volunteer).cloned().unwrap_or_default(),
            at: lock.at,
        })
        .collect();
    lock_list.sort_by(|a, b| a.resident_name.cmp(&b.resident_name));
    let preview = PlanPreview {
        week,
        due,
        rounds: preview_rounds,
        unserved,
        fingerprint,
        map,
        volunteers: volunteer_choices,
        residents: resident_choices,
        locks: lock_list,
        checked: placed_any,
        road_times,
        issues: violations.iter().map(|v| issue_of(v, week, &names, &|r| describe(r).0)).collect(),
    };
    Ok(Computed { preview, rounds })
}

/// A check-mode violation in the ambassador's terms (names and days rather than engine ids).
#[cfg(feature = "ssr")]
fn issue_of(
    v: &monalisa_planner::check::Violation,
    week: Date,
    names: &std::collections::HashMap<VolunteerId, String>,
    resident_name: &dyn Fn(ResidentId) -> String,
) -> PlanIssue {
    use crate::planning::{parse_resident_key, parse_shift_key, parse_volunteer_key};
    use monalisa_planner::check::Violation as V;
    let (kind, shift, visit, volunteer) = match v {
        V::UnknownShift { shift } => (IssueKind::NoSlot, Some(shift), None, None),
        V::ShiftUnavailable { shift } => (IssueKind::Absent, Some(shift), None, None),
        V::NotAllowed { visit, shift } => (IssueKind::NotAllowed, Some(shift), Some(visit), None),
        V::TooManyVisits { shift, .. } => (IssueKind::TooManyInSlot, Some(shift), None, None),
        V::OverWeeklyCapacity { volunteer, .. } => (IssueKind::OverCapacity, None, None, Some(volunteer)),
        V::OutsideWindows { visit, shift } => (IssueKind::OutsideHours, Some(shift), Some(visit), None),
        V::LateReturn { shift } => (IssueKind::LateReturn, Some(shift), None, None),
        V::UnknownVisit { visit } | V::VisitTwice { visit } | V::UnassignedWrong { visit } => {
            (IssueKind::Other, None, Some(visit), None)
        }
        V::ShiftTwice { shift } | V::WrongVolunteer { shift, .. } => (IssueKind::Other, Some(shift), None, None),
    };
    let from_shift = shift.and_then(|s| parse_shift_key(s));
    let who = from_shift.map(|(v, _)| v).or_else(|| volunteer.and_then(|v| parse_volunteer_key(v)));
    PlanIssue {
        kind,
        volunteer_name: who.and_then(|v| names.get(&v)).cloned().unwrap_or_default(),
        resident_name: visit.and_then(|v| parse_resident_key(v)).map(resident_name),
        day: from_shift.and_then(|(_, day)| day).map(|d| week.add_days(d as i32)),
    }
}
