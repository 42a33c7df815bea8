//! Check mode (as VROOM's): given a plan an ambassador edited by hand, compute its times and
//! list every rule it breaks, rather than stopping at the first.

use crate::format::{RouteSpec, Solution, StepSpec};
use crate::problem::{NONE, Problem};
use crate::route;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    UnknownShift { shift: String },
    UnknownVisit { visit: String },
    ShiftTwice { shift: String },
    WrongVolunteer { shift: String, volunteer: String },
    VisitTwice { visit: String },
    ShiftUnavailable { shift: String },
    NotAllowed { visit: String, shift: String },
    TooManyVisits { shift: String, visits: usize, max: u32 },
    OverWeeklyCapacity { volunteer: String, visits: u32, capacity: u32 },
    OutsideWindows { visit: String, shift: String },
    LateReturn { shift: String },
    UnassignedWrong { visit: String },
}

impl Violation {
    /// The ambassador's words.
    pub fn message_fr(&self) -> String {
        match self {
            Violation::UnknownShift { shift } => format!("créneau inconnu : {shift}"),
            Violation::UnknownVisit { visit } => format!("visite inconnue : {visit}"),
            Violation::ShiftTwice { shift } => format!("le créneau {shift} apparaît deux fois"),
            Violation::WrongVolunteer { shift, volunteer } => {
                format!("le créneau {shift} n'appartient pas au bénévole {volunteer}")
            }
            Violation::VisitTwice { visit } => format!("la visite {visit} est prévue deux fois"),
            Violation::ShiftUnavailable { shift } => format!("le bénévole est absent pendant le créneau {shift}"),
            Violation::NotAllowed { visit, shift } => {
                format!(
                    "le bénévole du créneau {shift} ne peut pas faire la visite {visit} (autorisation, verrou, commune ou distance)"
                )
            }
            Violation::TooManyVisits { shift, visits, max } => {
                format!("{visits} visites dans le créneau {shift}, au plus {max}")
            }
            Violation::OverWeeklyCapacity { volunteer, visits, capacity } => {
                format!("{visits} visites cette semaine pour le bénévole {volunteer}, au plus {capacity}")
            }
            Violation::OutsideWindows { visit, shift } => {
                format!("la visite {visit} ne peut pas commencer dans ses horaires (créneau {shift})")
            }
            Violation::LateReturn { shift } => format!("retour après la fin du créneau {shift}"),
            Violation::UnassignedWrong { visit } => format!("la liste des visites non servies est fausse pour {visit}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckReport {
    pub feasible: bool,
    pub violations: Vec<Violation>,
    /// The plan with its computed (earliest) start times; a visit that cannot start in time
    /// keeps the time it would arrive.
    pub routes: Vec<RouteSpec>,
    pub priority_served: u64,
    pub travel_s: i64,
}

/// Checks a plan against the problem.
pub fn check(p: &Problem, solution: &Solution) -> CheckReport {
    let shift_ids: HashMap<&str, u32> = p.shifts.iter().enumerate().map(|(i, s)| (s.id.as_str(), i as u32)).collect();
    let visit_ids: HashMap<&str, u32> = p.visits.iter().enumerate().map(|(i, v)| (v.id.as_str(), i as u32)).collect();
    let mut violations = Vec::new();
    let mut served = vec![NONE; p.visits.len()];
    let mut seen_shift = vec![false; p.shifts.len()];
    let mut load = vec![0u32; p.volunteers.len()];
    let mut routes = Vec::new();
    let (mut priority_served, mut travel_s) = (0u64, 0i64);
    for r in &solution.routes {
        let Some(&s) = shift_ids.get(r.shift.as_str()) else {
            violations.push(Violation::UnknownShift { shift: r.shift.clone() });
            continue;
        };
        if std::mem::replace(&mut seen_shift[s as usize], true) {
            violations.push(Violation::ShiftTwice { shift: r.shift.clone() });
            continue;
        }
        let shift = &p.shifts[s as usize];
        let vol = shift.volunteer;
        if p.volunteers[vol as usize].id != r.volunteer {
            violations.push(Violation::WrongVolunteer { shift: r.shift.clone(), volunteer: r.volunteer.clone() });
        }
        if !shift.usable && !r.visits.is_empty() {
            violations.push(Violation::ShiftUnavailable { shift: r.shift.clone() });
        }
        let mut visits = Vec::new();
        for step in &r.visits {
            let Some(&v) = visit_ids.get(step.visit.as_str()) else {
                violations.push(Violation::UnknownVisit { visit: step.visit.clone() });
                continue;
            };
            if served[v as usize] != NONE {
                violations.push(Violation::VisitTwice { visit: step.visit.clone() });
                continue;
            }
            served[v as usize] = s;
            if !p.accepts(vol, v) {
                violations.push(Violation::NotAllowed { visit: step.visit.clone(), shift: r.shift.clone() });
            }
            priority_served += u64::from(p.visits[v as usize].priority);
            load[vol as usize] += 1;
            visits.push(v);
        }
        if visits.len() > shift.max_visits as usize {
            violations.push(Violation::TooManyVisits {
                shift: r.shift.clone(),
                visits: visits.len(),
                max: shift.max_visits,
            });
        }
        travel_s += crate::plan::route_travel_any(p, s, &visits);
        let starts = times(p, s, &visits, &mut violations);
        routes.push(RouteSpec {
            shift: r.shift.clone(),
            volunteer: p.volunteers[vol as usize].id.clone(),
            visits: visits
                .iter()
                .zip(starts)
                .map(|(&v, start_s)| StepSpec { visit: p.visits[v as usize].id.clone(), start_s })
                .collect(),
        });
    }
    for (vol, &visits) in load.iter().enumerate() {
        let capacity = p.volunteers[vol].capacity;
        if visits > capacity {
            violations.push(Violation::OverWeeklyCapacity {
                volunteer: p.volunteers[vol].id.clone(),
                visits,
                capacity,
            });
        }
    }
    let listed: std::collections::HashSet<&str> = solution.unassigned.iter().map(String::as_str).collect();
    for (v, visit) in p.visits.iter().enumerate() {
        if (served[v] == NONE) != listed.contains(visit.id.as_str()) {
            violations.push(Violation::UnassignedWrong { visit: visit.id.clone() });
        }
    }
    CheckReport { feasible: violations.is_empty(), violations, routes, priority_served, travel_s }
}

/// Earliest times along a route, recording each visit that cannot start in its windows (it
/// then starts on arrival, so that one late visit does not hide the others).
fn times(p: &Problem, shift: u32, visits: &[u32], violations: &mut Vec<Violation>) -> Vec<i64> {
    let s = &p.shifts[shift as usize];
    let (mut at, mut time) = (s.start, s.open);
    let mut starts = Vec::with_capacity(visits.len());
    for &v in visits {
        let visit = &p.visits[v as usize];
        let arrival = time + p.shift_leg(shift, at, v);
        let start = route::earliest_start(&visit.windows, arrival).unwrap_or_else(|| {
            violations.push(Violation::OutsideWindows { visit: visit.id.clone(), shift: s.id.clone() });
            arrival
        });
        starts.push(start);
        time = start + visit.duration;
        at = v;
    }
    if !visits.is_empty() && time + p.shift_leg(shift, at, s.end) > s.close {
        violations.push(Violation::LateReturn { shift: s.id.clone() });
    }
    starts
}
