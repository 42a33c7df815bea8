//! From the product's model to the planning engine and back (server side): one scope's week
//! becomes a `monalisa-plan-instance/1` (which residents are due, their windows and priority,
//! the volunteers' slots, range, capacity and absences, the existing pairs), and the engine's
//! plan becomes rounds an ambassador can review and publish.
//!
//! Conventions (the model has no per-visit duration or per-slot limit yet):
//! - a visit lasts [`VISIT_MINUTES`];
//! - a resident with no preferred slot may be visited on weekdays between 9:00 and 17:00;
//! - a volunteer's availability slot is a shift from home, with at most one visit per full hour.

use crate::domain::rules::{next_due, planning_priority};
use crate::domain::{Date, Minute, Resident, ResidentId, TravelMode, Volunteer, VolunteerId};
use monalisa_planner::format::{
    INSTANCE_FORMAT, Instance, ModeSpec, RouteSpec, ShiftSpec, Solution, StepSpec, TravelSpec, VisitSpec, VolunteerSpec,
};
use std::collections::{HashMap, HashSet};

/// How long a visit lasts, in minutes.
pub const VISIT_MINUTES: i64 = 60;
pub use monalisa_core::wire::planning::{PlannedRound, PlannedVisit, PlanningLock};

const DAY_S: i64 = 86_400;

/// A resident with what planning needs to know of their history.
#[derive(Clone, Debug)]
pub struct ResidentForPlan {
    pub resident: Resident,
    /// Last visit done (resets the rhythm).
    pub last_done: Option<Date>,
    /// A visit already reported in the planned week: nothing left to plan.
    pub reported_this_week: bool,
}

/// One scope's people for one week.
#[derive(Clone, Debug)]
pub struct ScopeWeek {
    pub week_start: Date,
    /// The first day visits may go on: the week's Monday, or today for the week under way (no
    /// visit is planned on a day already past).
    pub first_day: Date,
    pub volunteers: Vec<Volunteer>,
    pub residents: Vec<ResidentForPlan>,
    /// An ambassador's locks: only this volunteer may do this resident's visit this week (and,
    /// for a visit placed by hand, at this day and time).
    pub locks: HashMap<ResidentId, PlanningLock>,
}

fn volunteer_key(id: VolunteerId) -> String {
    format!("v{}", id.0)
}

fn resident_key(id: ResidentId) -> String {
    format!("r{}", id.0)
}

/// Parses the ids this module writes.
pub fn parse_volunteer_key(key: &str) -> Option<VolunteerId> {
    key.strip_prefix('v')?.parse().ok().map(VolunteerId)
}

pub fn parse_resident_key(key: &str) -> Option<ResidentId> {
    key.strip_prefix('r')?.parse().ok().map(ResidentId)
}

/// A shift's volunteer and day (`v3-2-0`: volunteer 3, Wednesday; `v3-none`: no slot of
/// volunteer 3 holds the time).
pub fn parse_shift_key(key: &str) -> Option<(VolunteerId, Option<u32>)> {
    let mut parts = key.split('-');
    let volunteer = parse_volunteer_key(parts.next()?)?;
    Some((volunteer, parts.next().and_then(|d| d.parse().ok())))
}

fn slot_window(day: i64, start: i64, end: i64) -> [i64; 2] {
    [day * DAY_S + start * 60, day * DAY_S + end * 60]
}

use monalisa_core::handover::default_slots;

/// The instance's travel model is the car's; other volunteers' legs are scaled to their mode.
const CAR: TravelMode = TravelMode::Car;

/// Whether a resident's home is only their commune's centre (no position given): travel
/// times to them are then estimates, shown as "position approximative".
pub fn approximate_home(r: &Resident, centre: Option<crate::domain::Location>) -> bool {
    centre.is_some_and(|c| c == r.home)
}

/// The planner's instance for a scope's week: residents due by the end of the week and active
/// on some day of it, not yet visited that week.
pub fn build_instance(week: &ScopeWeek) -> Instance {
    let start = week.week_start;
    let last_day = start.add_days(6);
    // Only volunteers who may visit (active, charter signed, trained) are given visits.
    let active: HashSet<VolunteerId> = week.volunteers.iter().filter(|v| v.plannable()).map(|v| v.id).collect();
    let mut volunteers = Vec::new();
    let mut shifts = Vec::new();
    for v in week.volunteers.iter().filter(|v| v.plannable()) {
        let absences: Vec<[i64; 2]> = v
            .absences
            .iter()
            .filter(|a| a.last >= start && a.first <= last_day)
            .map(|a| {
                [
                    i64::from(a.first.days_since(start).max(0)) * DAY_S,
                    i64::from(a.last.days_since(start).min(6) + 1) * DAY_S,
                ]
            })
            .collect();
        volunteers.push(VolunteerSpec {
            id: volunteer_key(v.id),
            home: [v.home.lon, v.home.lat],
            weekly_capacity: Some(u32::from(v.weekly_capacity)),
            max_km: Some(v.reach.radius_km),
            communes: (!v.reach.communes.is_empty())
                .then(|| v.reach.communes.iter().map(|c| c.as_str().to_string()).collect()),
            absences,
            travel: (v.travel != CAR)
                .then(|| ModeSpec { speed_kmh: v.travel.speed_kmh(), detour_factor: v.travel.detour_factor() }),
        });
        for (k, slot) in v.availability.iter().enumerate() {
            if start.add_days(i32::from(slot.weekday.index())) < week.first_day {
                continue;
            }
            let day = i64::from(slot.weekday.index());
            let (from, to) = (i64::from(slot.start.get()), i64::from(slot.end.get()));
            let max_visits = ((to - from) / 60).clamp(1, i64::from(v.weekly_capacity.max(1))) as u32;
            shifts.push(ShiftSpec {
                id: format!("{}-{day}-{k}", volunteer_key(v.id)),
                volunteer: volunteer_key(v.id),
                day: day as u32,
                start: [v.home.lon, v.home.lat],
                end: [v.home.lon, v.home.lat],
                time_window: slot_window(day, from, to),
                max_visits,
            });
        }
    }
    let mut visits = Vec::new();
    for entry in &week.residents {
        let r = &entry.resident;
        // Followed by phone calls only: no home visit to plan.
        if entry.reported_this_week || !r.programme.mode.visits() {
            continue;
        }
        let due = next_due(r.rhythm, r.follow_up_start, entry.last_done);
        if due > last_day {
            continue;
        }
        let slots = if r.preferred.is_empty() { default_slots() } else { r.preferred.clone() };
        let mut windows: Vec<[i64; 2]> = slots
            .iter()
            .filter(|s| r.follow_up.is_active_on(start.add_days(i32::from(s.weekday.index()))))
            .filter(|s| start.add_days(i32::from(s.weekday.index())) >= week.first_day)
            .filter(|s| i64::from(s.end.get()) - i64::from(s.start.get()) >= VISIT_MINUTES)
            .map(|s| {
                let day = i64::from(s.weekday.index());
                slot_window(day, i64::from(s.start.get()), i64::from(s.end.get()) - VISIT_MINUTES)
            })
            .collect();
        if windows.is_empty() {
            continue;
        }
        windows.sort();
        let lock = week.locks.get(&r.id).filter(|l| active.contains(&l.volunteer));
        // Placed by hand: that start time, and no other.
        if let Some((day, at)) = lock.and_then(|l| l.at).filter(|(day, _)| (start..=last_day).contains(day)) {
            let t = i64::from(day.days_since(start)) * DAY_S + i64::from(at.get()) * 60;
            windows = vec![[t, t]];
        }
        visits.push(VisitSpec {
            id: resident_key(r.id),
            person: None,
            location: [r.home.lon, r.home.lat],
            duration_s: VISIT_MINUTES * 60,
            time_windows: windows,
            priority: u32::from(planning_priority(r.isolation, r.rhythm, due, start)),
            allowed_volunteers: None,
            commune: Some(r.commune.as_str().to_string()),
            usual_volunteer: r.volunteer.filter(|v| active.contains(v)).map(volunteer_key),
            locked_volunteer: lock.map(|l| volunteer_key(l.volunteer)),
        });
    }
    Instance {
        format: INSTANCE_FORMAT.to_string(),
        name: format!("week-{start}"),
        meta: serde_json::Value::Null,
        travel: TravelSpec {
            model: "haversine".into(),
            detour_factor: CAR.detour_factor(),
            speed_kmh: CAR.speed_kmh(),
            earth_radius_km: 6371.0088,
        },
        volunteers,
        shifts,
        visits,
    }
}

/// The engine's routes as rounds (one per volunteer, days in order).
pub fn rounds_from(week_start: Date, solution: &Solution) -> Vec<PlannedRound> {
    let mut by_volunteer: HashMap<VolunteerId, Vec<(i64, ResidentId)>> = HashMap::new();
    for route in &solution.routes {
        let Some(volunteer) = parse_volunteer_key(&route.volunteer) else { continue };
        for step in &route.visits {
            if let Some(resident) = parse_resident_key(&step.visit) {
                by_volunteer.entry(volunteer).or_default().push((step.start_s, resident));
            }
        }
    }
    let mut rounds: Vec<PlannedRound> = by_volunteer
        .into_iter()
        .map(|(volunteer, mut steps)| {
            steps.sort();
            let visits = steps
                .into_iter()
                .filter_map(|(t, resident)| {
                    let day = week_start.add_days((t / DAY_S) as i32);
                    Some(PlannedVisit { resident, day, start: Minute::new(((t % DAY_S) / 60) as u16)? })
                })
                .collect();
            PlannedRound { volunteer, visits }
        })
        .collect();
    rounds.sort_by_key(|r| r.volunteer);
    rounds
}

/// Puts the visits placed by hand that the engine could not fit (their volunteer is not free
/// then, say) into their volunteer's round anyway, at their day and time: the ambassador
/// decided. Returns the residents so placed; the check mode then says what they break.
pub fn force_placed(week: &ScopeWeek, instance: &Instance, rounds: &mut Vec<PlannedRound>) -> Vec<ResidentId> {
    let planned: HashSet<ResidentId> = rounds.iter().flat_map(|r| r.visits.iter().map(|v| v.resident)).collect();
    let due: HashSet<ResidentId> = instance.visits.iter().filter_map(|v| parse_resident_key(&v.id)).collect();
    let mut forced = Vec::new();
    let mut placed: Vec<(&ResidentId, &PlanningLock)> = week.locks.iter().collect();
    placed.sort_by_key(|(r, _)| **r);
    for (&resident, lock) in placed {
        let Some((day, start)) = lock.at else { continue };
        if planned.contains(&resident) || !due.contains(&resident) || day.week_start() != week.week_start {
            continue;
        }
        let visit = PlannedVisit { resident, day, start };
        match rounds.iter_mut().find(|r| r.volunteer == lock.volunteer) {
            Some(round) => {
                round.visits.push(visit);
                round.visits.sort_by_key(|v| (v.day, v.start));
            }
            None => {
                rounds.push(PlannedRound { volunteer: lock.volunteer, visits: vec![visit] });
                rounds.sort_by_key(|r| r.volunteer);
            }
        }
        forced.push(resident);
    }
    forced
}

/// Rounds (as an ambassador may have edited them) in the engine's format, for its check mode:
/// each volunteer's visits go to the shift whose slot holds their day and time.
pub fn solution_from(instance: &Instance, week_start: Date, rounds: &[PlannedRound]) -> Solution {
    let mut routes: Vec<RouteSpec> = Vec::new();
    let mut served = HashSet::new();
    for round in rounds {
        let key = volunteer_key(round.volunteer);
        for visit in &round.visits {
            let t = i64::from(visit.day.days_since(week_start)) * DAY_S + i64::from(visit.start.get()) * 60;
            let shift = instance
                .shifts
                .iter()
                .find(|s| s.volunteer == key && s.time_window[0] <= t && t <= s.time_window[1])
                .map(|s| s.id.clone())
                .unwrap_or_else(|| format!("{key}-none"));
            served.insert(resident_key(visit.resident));
            let step = StepSpec { visit: resident_key(visit.resident), start_s: t };
            match routes.iter_mut().find(|r| r.shift == shift) {
                Some(route) => route.visits.push(step),
                None => routes.push(RouteSpec { shift, volunteer: key.clone(), visits: vec![step] }),
            }
        }
    }
    Solution {
        format: monalisa_planner::format::SOLUTION_FORMAT.to_string(),
        instance: instance.name.clone(),
        solver: "ambassador".into(),
        solve_ms: 0,
        routes,
        unassigned: instance.visits.iter().filter(|v| !served.contains(&v.id)).map(|v| v.id.clone()).collect(),
        reasons: Vec::new(),
        stats: serde_json::Value::Null,
    }
}

/// A flat projection of a scope for its maps: longitudes scaled by the cosine of the middle
/// latitude, north up, fitted to a width in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    min_lon: f64,
    max_lat: f64,
    cos_lat: f64,
    scale: f64,
    height: f64,
    width: f64,
}

/// The rings of a GeoJSON Polygon or MultiPolygon geometry.
pub fn rings(geojson: &str) -> Vec<Vec<[f64; 2]>> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(geojson) else { return Vec::new() };
    let polygons: Vec<serde_json::Value> = match value["type"].as_str() {
        Some("Polygon") => vec![value["coordinates"].clone()],
        Some("MultiPolygon") => value["coordinates"].as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    polygons
        .iter()
        .filter_map(|p| p.as_array())
        .flatten()
        .filter_map(|ring| serde_json::from_value::<Vec<[f64; 2]>>(ring.clone()).ok())
        .collect()
}

impl Projection {
    /// Fits the outlines' bounding box into `width` units.
    pub fn fit(outlines: &[String], width: f64) -> Projection {
        let (mut min_lon, mut max_lon, mut min_lat, mut max_lat) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for [lon, lat] in outlines.iter().flat_map(|o| rings(o)).flatten() {
            (min_lon, max_lon, min_lat, max_lat) =
                (min_lon.min(lon), max_lon.max(lon), min_lat.min(lat), max_lat.max(lat));
        }
        if min_lon > max_lon {
            (min_lon, max_lon, min_lat, max_lat) = (0.0, 1.0, 45.0, 46.0);
        }
        let cos_lat = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let span = ((max_lon - min_lon) * cos_lat).max(1e-6);
        let scale = width / span;
        Projection { min_lon, max_lat, cos_lat, scale, height: (max_lat - min_lat) * scale, width }
    }

    /// The position at a point of the map (the inverse of [`Projection::point`]).
    pub fn location(&self, x: f64, y: f64) -> Option<crate::domain::Location> {
        crate::domain::Location::new(self.max_lat - y / self.scale, self.min_lon + x / (self.cos_lat * self.scale))
    }

    pub fn point(&self, lon: f64, lat: f64) -> [i32; 2] {
        [
            ((lon - self.min_lon) * self.cos_lat * self.scale).round() as i32,
            ((self.max_lat - lat) * self.scale).round() as i32,
        ]
    }

    /// The outlines as SVG paths.
    pub fn map(&self, outlines: &[String]) -> monalisa_core::wire::planning::ScopeMap {
        let communes = outlines
            .iter()
            .map(|o| {
                rings(o)
                    .iter()
                    .map(|ring| {
                        let mut points: Vec<[i32; 2]> = ring.iter().map(|&[lon, lat]| self.point(lon, lat)).collect();
                        // At this scale many vertices round to the same unit: keep one.
                        points.dedup();
                        let points: Vec<String> = points.iter().map(|[x, y]| format!("{x},{y}")).collect();
                        format!("M{}Z", points.join("L"))
                    })
                    .collect::<String>()
            })
            .collect();
        monalisa_core::wire::planning::ScopeMap {
            width: self.width.round() as i32,
            height: self.height.round() as i32,
            communes,
        }
    }
}

/// One commune's map for placing a home on it: the outline fitted to [`HomeMap::WIDTH`] units
/// within a margin of [`HomeMap::MARGIN`], as the resident's page draws it (at that size, never
/// scaled, so a click's coordinates read back exactly) and as its click is read back.
pub struct HomeMap {
    projection: Projection,
    outline: String,
}

impl HomeMap {
    pub const WIDTH: f64 = 280.0;
    pub const MARGIN: i32 = 8;

    pub fn new(outline: &str) -> HomeMap {
        let outlines = [outline.to_owned()];
        let projection = Projection::fit(&outlines, Self::WIDTH);
        let map = projection.map(&outlines);
        HomeMap { projection, outline: map.communes.concat() }
    }

    /// The map with `home` on it, the margin included in its frame and in every point.
    pub fn view(&self, home: crate::domain::Location) -> monalisa_core::wire::people::HomeMapView {
        let m = Self::MARGIN;
        let [x, y] = self.projection.point(home.lon, home.lat);
        monalisa_core::wire::people::HomeMapView {
            width: self.projection.width.round() as i32 + 2 * m,
            height: self.projection.height.round() as i32 + 2 * m,
            margin: m,
            outline: self.outline.clone(),
            home: [x + m, y + m],
        }
    }

    /// The position of a click at (`x`, `y`) on the drawn map (margin included).
    pub fn location(&self, x: i32, y: i32) -> Option<crate::domain::Location> {
        let m = Self::MARGIN;
        self.projection.location(f64::from(x - m), f64::from(y - m))
    }
}

/// A home moved `metres` towards the north, south, east or west (the map's keyboard way).
pub fn nudge(at: crate::domain::Location, direction: &str, metres: f64) -> Option<crate::domain::Location> {
    let dlat = metres / 111_320.0;
    let dlon = dlat / at.lat.to_radians().cos();
    let (lat, lon) = match direction {
        "nord" => (at.lat + dlat, at.lon),
        "sud" => (at.lat - dlat, at.lon),
        "est" => (at.lat, at.lon + dlon),
        "ouest" => (at.lat, at.lon - dlon),
        _ => return None,
    };
    crate::domain::Location::new(lat, lon)
}

// ---- orchestration: load the scope's week from the store, plan it, make the page's view ----

use monalisa_core::error::ApiError;
use monalisa_core::wire::planning::{
    Choice, IssueKind, PlanIssue, PlanPreview, PreviewLock, PreviewRound, PreviewUnserved, PreviewVisit,
    UnservedReason, check_week,
};

/// A computed plan: what the page shows, and the rounds to publish.
pub struct Computed {
    pub preview: PlanPreview,
    pub rounds: Vec<crate::planning::PlannedRound>,
}

/// Iterations of the search for one scope's week (a few tenths of a second for a scope of a
/// hundred residents; fixed, so that a plan can be recomputed identically).
const PLAN_ITERATIONS: u64 = 20_000;

/// Width of the round maps, in SVG user units.
const MAP_WIDTH: f64 = 320.0;

/// Plans a scope's week from the store.
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
    // Load: the scope's people in one call, the week's reports and locks.
    let people = store.planning_people(scope).await.map_err(internal)?;
    let reported: HashSet<ResidentId> =
        store.reported_between(scope, week, week.add_days(6)).await.map_err(internal)?.into_iter().collect();
    let volunteers = people.volunteers;
    let residents = people
        .residents
        .into_iter()
        .map(|(resident, last_done)| {
            let reported_this_week = reported.contains(&resident.id);
            ResidentForPlan { resident, last_done, reported_this_week }
        })
        .collect();
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

    let all_communes = store.communes().await.map_err(internal)?;
    let centres: HashMap<String, crate::domain::Location> =
        all_communes.iter().map(|c| (c.insee.as_str().to_string(), c.centre)).collect();
    let communes: HashMap<String, String> =
        all_communes.into_iter().map(|c| (c.insee.as_str().to_string(), c.name)).collect();
    let people: HashMap<ResidentId, &crate::domain::Resident> =
        scope_week.residents.iter().map(|r| (r.resident.id, &r.resident)).collect();
    let names: HashMap<VolunteerId, String> =
        scope_week.volunteers.iter().map(|v| (v.id, format!("{} {}", v.first_name, v.last_name))).collect();
    let describe = |id: ResidentId| {
        people.get(&id).map_or((String::new(), String::new()), |r| {
            (format!("{} {}", r.first_name, r.last_name), communes.get(r.commune.as_str()).cloned().unwrap_or_default())
        })
    };
    let outlines: Vec<String> =
        store.scope_outlines(scope).await.map_err(internal)?.into_iter().map(|(_, outline)| outline).collect();
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
                        approximate: people
                            .get(&v.resident)
                            .is_some_and(|r| approximate_home(r, centres.get(r.commune.as_str()).copied())),
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
        declined: Vec::new(),
        absent: Vec::new(),
    };
    Ok(Computed { preview, rounds })
}

/// A check-mode violation in the ambassador's terms (names and days rather than engine ids).
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

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str =
        r#"{"type":"Polygon","coordinates":[[[0.30,46.10],[0.36,46.10],[0.36,46.14],[0.30,46.14],[0.30,46.10]]]}"#;

    #[test]
    fn a_click_on_a_home_map_reads_back_the_place_drawn_there() {
        let map = HomeMap::new(SQUARE);
        let home = Location { lat: 46.12, lon: 0.33 };
        let view = map.view(home);
        assert_eq!(view.width, HomeMap::WIDTH as i32 + 16);
        assert!(view.outline.starts_with('M') && view.outline.ends_with('Z'));
        let back = map.location(view.home[0], view.home[1]).unwrap();
        // One unit of the map is about 17 m here.
        assert!(back.distance_km(&home) < 0.02, "{back:?}");
        let corner = map.location(HomeMap::MARGIN, HomeMap::MARGIN).unwrap();
        assert!((corner.lat - 46.14).abs() < 1e-9 && (corner.lon - 0.30).abs() < 1e-9, "{corner:?}");
    }

    #[test]
    fn a_home_moves_a_hundred_metres_each_way() {
        let at = Location { lat: 46.15, lon: 0.30 };
        // (direction, sign of the latitude's change, sign of the longitude's change)
        for (direction, lat, lon) in [("nord", 1.0, 0.0), ("sud", -1.0, 0.0), ("est", 0.0, 1.0), ("ouest", 0.0, -1.0)] {
            let moved = nudge(at, direction, 100.0).unwrap();
            assert!((moved.distance_km(&at) - 0.1).abs() < 0.001, "{direction}: {moved:?}");
            let sign = |d: f64| if d.abs() < 1e-12 { 0.0 } else { d.signum() };
            assert_eq!((sign(moved.lat - at.lat), sign(moved.lon - at.lon)), (lat, lon), "{direction}");
        }
        assert_eq!(nudge(at, "haut", 100.0), None);
    }
    use crate::domain::{
        AmbassadorId, Consent, ConsentMethod, DayRange, FollowUp, FollowUpMode, InseeCode, IsolationLevel, Location,
        Milestone, Programme, Reach, Rhythm, ScopeId, Weekday, WeeklySlot,
    };

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn slot(weekday: Weekday, from: u16, to: u16) -> WeeklySlot {
        WeeklySlot::new(weekday, Minute::hm(from, 0).unwrap(), Minute::hm(to, 0).unwrap()).unwrap()
    }

    fn volunteer(id: i64) -> Volunteer {
        Volunteer {
            id: VolunteerId(id),
            first_name: "Bénévole".into(),
            last_name: format!("{id}"),
            phone: String::new(),
            commune: InseeCode::parse("86070").unwrap(),
            home: Location { lat: 46.15, lon: 0.30 },
            scope: ScopeId(1),
            travel: TravelMode::Car,
            reach: Reach { communes: Vec::new(), radius_km: 15.0 },
            weekly_capacity: 4,
            availability: vec![slot(Weekday::Tuesday, 9, 12)],
            absences: Vec::new(),
            charter: Some(Milestone::DateUnknown),
            training: Some(Milestone::On(d("2026-01-10"))),
            active: true,
        }
    }

    fn resident(id: i64, rhythm: Rhythm, last_done: Option<&str>) -> ResidentForPlan {
        ResidentForPlan {
            resident: Resident {
                id: ResidentId(id),
                first_name: "Personne".into(),
                last_name: format!("{id}"),
                address: String::new(),
                commune: InseeCode::parse("86070").unwrap(),
                home: Location { lat: 46.16, lon: 0.31 },
                phone: None,
                access_notes: String::new(),
                likes: String::new(),
                rhythm,
                isolation: IsolationLevel::new(3).unwrap(),
                preferred: vec![slot(Weekday::Tuesday, 10, 12)],
                consent: Consent {
                    given_on: d("2026-01-05"),
                    method: ConsentMethod::Written,
                    recorded_by: AmbassadorId(1),
                },
                follow_up_start: d("2026-01-05"),
                follow_up: FollowUp::Active { since: d("2026-01-05") },
                volunteer: Some(VolunteerId(1)),
                programme: Programme::default(),
            },
            last_done: last_done.map(d),
            reported_this_week: false,
        }
    }

    fn week(residents: Vec<ResidentForPlan>) -> ScopeWeek {
        ScopeWeek {
            week_start: d("2026-12-07"),
            first_day: d("2026-12-07"),
            volunteers: vec![volunteer(1), volunteer(2)],
            residents,
            locks: HashMap::new(),
        }
    }

    #[test]
    fn the_week_under_way_is_planned_from_today() {
        // Residents free on Tuesday only; the week is planned on Wednesday: nothing is placed
        // on the day already past, and no volunteer shift of Monday or Tuesday is offered.
        let w = ScopeWeek { first_day: d("2026-12-09"), ..week(vec![resident(1, Rhythm::Weekly, Some("2026-12-01"))]) };
        let instance = build_instance(&w);
        assert!(instance.visits.is_empty(), "{:?}", instance.visits);
        assert!(instance.shifts.iter().all(|s| s.day >= 2), "{:?}", instance.shifts);
        let monday = build_instance(&week(vec![resident(1, Rhythm::Weekly, Some("2026-12-01"))]));
        assert_eq!(monday.visits.len(), 1);
    }

    #[test]
    fn only_residents_due_by_the_end_of_the_week_are_planned() {
        let w = week(vec![
            resident(1, Rhythm::Weekly, Some("2026-12-01")), // due 12-08: in the week
            resident(2, Rhythm::Monthly, Some("2026-12-01")), // due in January: not yet
            ResidentForPlan { reported_this_week: true, ..resident(3, Rhythm::Weekly, None) },
        ]);
        let instance = build_instance(&w);
        let ids: Vec<&str> = instance.visits.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["r1"]);
        let v = &instance.visits[0];
        // Tuesday 10:00-12:00, starting at the latest at 11:00 for a one-hour visit.
        assert_eq!(v.time_windows, vec![[DAY_S + 10 * 3600, DAY_S + 11 * 3600]]);
        assert_eq!(v.usual_volunteer.as_deref(), Some("v1"));
        assert_eq!(v.duration_s, VISIT_MINUTES * 60);
        assert!((1..=100).contains(&v.priority));
    }

    #[test]
    fn slots_absences_and_locks_become_the_planner_s_rules() {
        let mut w = week(vec![resident(1, Rhythm::Weekly, None)]);
        w.volunteers[1].absences = vec![DayRange::new(d("2026-12-01"), d("2026-12-08")).unwrap()];
        w.volunteers[1].reach.communes = vec![InseeCode::parse("86117").unwrap()];
        w.locks.insert(ResidentId(1), PlanningLock { volunteer: VolunteerId(2), at: None });
        let instance = build_instance(&w);
        assert_eq!(instance.shifts.len(), 2);
        assert_eq!(instance.shifts[0].time_window, [DAY_S + 9 * 3600, DAY_S + 12 * 3600]);
        assert_eq!(instance.shifts[0].max_visits, 3);
        // Away until Tuesday 8th inclusive: from Monday 0:00 to Wednesday 0:00 of the week.
        assert_eq!(instance.volunteers[1].absences, vec![[0, 2 * DAY_S]]);
        assert_eq!(instance.volunteers[1].communes, Some(vec!["86117".to_string()]));
        assert_eq!(instance.volunteers[0].communes, None);
        assert_eq!(instance.visits[0].locked_volunteer.as_deref(), Some("v2"));
        // A lock on a volunteer who left is ignored rather than making the week unplannable.
        w.volunteers[1].active = false;
        assert_eq!(build_instance(&w).visits[0].locked_volunteer, None);
    }

    #[test]
    fn people_followed_by_calls_only_get_no_visit_planned() {
        let mut calls = resident(1, Rhythm::Weekly, None);
        calls.resident.programme.mode = FollowUpMode::Calls;
        let mut both = resident(2, Rhythm::Weekly, None);
        both.resident.programme.mode = FollowUpMode::Both;
        let instance = build_instance(&week(vec![calls, both]));
        assert_eq!(instance.visits.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), ["r2"]);
    }

    #[test]
    fn only_volunteers_who_may_visit_are_planned_each_at_their_own_pace() {
        let mut w = week(vec![resident(1, Rhythm::Weekly, None)]);
        w.volunteers[0].travel = TravelMode::OnFoot;
        let instance = build_instance(&w);
        let on_foot = instance.volunteers[0].travel.unwrap();
        assert_eq!((on_foot.speed_kmh, on_foot.detour_factor), (4.5, 1.2));
        assert_eq!(instance.volunteers[1].travel, None, "by car, as the instance's travel model");
        let keys = |i: &Instance| i.volunteers.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
        let missing: [(fn(&mut Volunteer), &str); 3] = [
            (|v| v.charter = None, "no charter"),
            (|v| v.training = None, "no training"),
            (|v| v.active = false, "inactive"),
        ];
        for (step, what) in missing {
            let mut w = week(vec![resident(1, Rhythm::Weekly, None)]);
            step(&mut w.volunteers[0]);
            let instance = build_instance(&w);
            assert_eq!(keys(&instance), ["v2"], "{what}");
            assert!(instance.shifts.iter().all(|s| s.volunteer == "v2"), "{what}");
            assert_eq!(instance.visits[0].usual_volunteer, None, "{what}: the pair waits, the visit is open to others");
        }
    }

    /// Placed by hand where the engine can: the visit gets exactly that start. Where it cannot
    /// (no slot of the volunteer then), the ambassador's choice is forced into the round and
    /// the check mode says what it breaks.
    #[test]
    fn a_visit_placed_by_hand_is_kept_then_checked() {
        use monalisa_planner::check::{Violation, check};
        let mut w = week(vec![resident(1, Rhythm::Weekly, None)]);
        let fits = (d("2026-12-08"), Minute::hm(10, 30).unwrap());
        w.locks.insert(ResidentId(1), PlanningLock { volunteer: VolunteerId(2), at: Some(fits) });
        let instance = build_instance(&w);
        let t = DAY_S + 10 * 3600 + 1800;
        assert_eq!(instance.visits[0].time_windows, vec![[t, t]]);
        let solve = |instance: &Instance| {
            let problem = monalisa_planner::problem::Problem::new(instance).unwrap();
            let limit = monalisa_planner::Limit::Iterations(200);
            let rounds = {
                let (plan, stats) = monalisa_planner::plan(&problem, limit, 1, std::time::Instant::now());
                rounds_from(w.week_start, &monalisa_planner::to_solution(&plan, 0, stats))
            };
            (problem, rounds)
        };
        let (_, rounds) = solve(&instance);
        let expected = PlannedVisit { resident: ResidentId(1), day: fits.0, start: fits.1 };
        assert_eq!(rounds, vec![PlannedRound { volunteer: VolunteerId(2), visits: vec![expected] }]);

        let late = (d("2026-12-10"), Minute::hm(15, 0).unwrap());
        w.locks.insert(ResidentId(1), PlanningLock { volunteer: VolunteerId(2), at: Some(late) });
        let instance = build_instance(&w);
        let (problem, mut rounds) = solve(&instance);
        assert!(rounds.is_empty(), "no slot of volunteer 2 on Thursday afternoon");
        assert_eq!(force_placed(&w, &instance, &mut rounds), [ResidentId(1)]);
        assert_eq!(rounds[0].visits, [PlannedVisit { resident: ResidentId(1), day: late.0, start: late.1 }]);
        let report = check(&problem, &solution_from(&instance, w.week_start, &rounds));
        assert!(!report.feasible);
        assert!(report.violations.contains(&Violation::UnknownShift { shift: "v2-none".into() }), "{report:?}");
        // Placed already: nothing more to force.
        assert!(force_placed(&w, &instance, &mut rounds).is_empty());
    }

    #[test]
    fn plans_come_back_as_rounds_in_day_order() {
        let solution: Solution = serde_json::from_value(serde_json::json!({
            "format": "monalisa-plan-solution/1", "instance": "w", "solver": "t", "solve_ms": 0,
            "routes": [{"shift": "v1-1-0", "volunteer": "v1", "visits": [
                {"visit": "r2", "start_s": 3 * DAY_S + 9 * 3600 + 600},
                {"visit": "r1", "start_s": DAY_S + 10 * 3600}]}],
            "unassigned": []
        }))
        .unwrap();
        let rounds = rounds_from(d("2026-12-07"), &solution);
        assert_eq!(rounds.len(), 1);
        let visits: Vec<(i64, String, String)> =
            rounds[0].visits.iter().map(|v| (v.resident.0, v.day.to_string(), v.start.to_string())).collect();
        assert_eq!(visits, [(1, "2026-12-08".into(), "10:00".into()), (2, "2026-12-10".into(), "09:10".into())]);
        // And back to the engine's format for its check mode.
        let instance = build_instance(&week(vec![resident(1, Rhythm::Weekly, None)]));
        let again = solution_from(&instance, d("2026-12-07"), &rounds[..]);
        assert_eq!(again.routes[0].shift, "v1-1-0");
    }
}
