//! The engine through its public interface: hard rules, unserved reasons (a case table), each
//! operator on a tiny named instance, the check mode, and invariants on random instances.

use monalisa_planner::check::{Violation, check};
use monalisa_planner::format::Reason;
use monalisa_planner::format::{Instance, Solution};
use monalisa_planner::operators::{Operator, Relocate, ReplaceUnserved, Swap};
use monalisa_planner::plan::Plan;
use monalisa_planner::problem::{Problem, ProblemError};
use monalisa_planner::{Limit, construct, plan, route, to_solution};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::Instant;

const HOUR: i64 = 3600;
const DAY: i64 = 86400;
/// Near Civray; 0.01° of latitude is about 1.1 km, 130 s of travel in the benchmark's model.
const LON: f64 = 0.30;
const LAT: f64 = 46.15;

fn at(dlat: f64) -> Value {
    json!([LON, LAT + dlat])
}

fn instance(volunteers: Value, shifts: Value, visits: Value) -> Instance {
    serde_json::from_value(json!({
        "format": "monalisa-plan-instance/1",
        "name": "tiny",
        "travel": {"model": "haversine", "detour_factor": 1.3, "speed_kmh": 40},
        "volunteers": volunteers,
        "shifts": shifts,
        "visits": visits,
    }))
    .unwrap()
}

/// A morning shift (9:00-12:30) on `day` from the volunteer's home at `dlat`.
fn shift(id: &str, volunteer: &str, day: i64, dlat: f64, max_visits: u32) -> Value {
    json!({"id": id, "volunteer": volunteer, "day": day, "start": at(dlat), "end": at(dlat),
           "time_window": [day * DAY + 9 * HOUR, day * DAY + 12 * HOUR + 1800], "max_visits": max_visits})
}

/// A one-hour visit that may start on `day` between 9:00 and 12:00.
fn visit(id: &str, dlat: f64, day: i64, priority: u32) -> Value {
    json!({"id": id, "location": at(dlat), "duration_s": HOUR,
           "time_windows": [[day * DAY + 9 * HOUR, day * DAY + 12 * HOUR]], "priority": priority})
}

fn volunteer(id: &str, dlat: f64) -> Value {
    json!({"id": id, "home": at(dlat)})
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    value[key] = field;
    value
}

fn solve(instance: &Instance, iterations: u64) -> Solution {
    let p = Problem::new(instance).unwrap();
    let (planned, stats) = plan(&p, Limit::Iterations(iterations), 7, Instant::now());
    let solution = to_solution(&planned, 0, stats);
    let report = check(&p, &solution);
    assert!(report.feasible, "{:?}", report.violations);
    solution
}

fn served_by(solution: &Solution, visit: &str) -> Option<String> {
    solution.routes.iter().find(|r| r.visits.iter().any(|s| s.visit == visit)).map(|r| r.volunteer.clone())
}

fn reason_of(solution: &Solution, visit: &str) -> Option<Reason> {
    solution.reasons.iter().find(|r| r.visit == visit).map(|r| r.reason)
}

#[test]
fn unserved_reasons_follow_the_exact_rule() {
    struct Case {
        name: &'static str,
        volunteers: Value,
        shifts: Value,
        visits: Value,
        expected: Reason,
    }
    let near = visit("x", 0.02, 0, 50);
    let cases = [
        Case {
            name: "only allowed volunteer does not accept the distance",
            volunteers: json!([with(volunteer("a", 0.0), "max_km", json!(1.0)), volunteer("b", 0.0)]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3), shift("b0", "b", 0, 0.0, 3)]),
            visits: json!([with(near.clone(), "allowed_volunteers", json!(["a"]))]),
            expected: Reason::NoVolunteerInRange,
        },
        Case {
            name: "no volunteer accepts the commune",
            volunteers: json!([with(volunteer("a", 0.0), "communes", json!(["86070"]))]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3)]),
            visits: json!([with(near.clone(), "commune", json!("86117"))]),
            expected: Reason::NoVolunteerInRange,
        },
        Case {
            name: "out of range, and the commune is not among those accepted besides it",
            volunteers: json!([with(with(volunteer("a", 0.0), "max_km", json!(1.0)), "communes", json!(["86070"]))]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3)]),
            visits: json!([with(near.clone(), "commune", json!("86117"))]),
            expected: Reason::NoVolunteerInRange,
        },
        Case {
            name: "locked to a volunteer out of range",
            volunteers: json!([with(volunteer("a", 0.0), "max_km", json!(0.5)), volunteer("b", 0.0)]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3), shift("b0", "b", 0, 0.0, 3)]),
            visits: json!([with(near.clone(), "locked_volunteer", json!("a"))]),
            expected: Reason::NoVolunteerInRange,
        },
        Case {
            name: "in range, but only on another day",
            volunteers: json!([volunteer("a", 0.0)]),
            shifts: json!([shift("a0", "a", 1, 0.0, 3)]),
            visits: json!([near.clone()]),
            expected: Reason::NoCommonSlot,
        },
        Case {
            name: "in range, but absent during the only shift",
            volunteers: json!([with(volunteer("a", 0.0), "absences", json!([[0, DAY]]))]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3)]),
            visits: json!([near.clone()]),
            expected: Reason::NoCommonSlot,
        },
        Case {
            name: "in range, but too far to be back before the shift ends",
            volunteers: json!([volunteer("a", 0.0)]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3)]),
            visits: json!([visit("x", 0.9, 0, 50)]),
            expected: Reason::NoCommonSlot,
        },
        Case {
            name: "the only shift is full of more urgent visits",
            volunteers: json!([volunteer("a", 0.0)]),
            shifts: json!([shift("a0", "a", 0, 0.0, 1)]),
            visits: json!([near.clone(), visit("urgent", 0.01, 0, 90)]),
            expected: Reason::NoCapacity,
        },
        Case {
            name: "the volunteer's week is full",
            volunteers: json!([with(volunteer("a", 0.0), "weekly_capacity", json!(1))]),
            shifts: json!([shift("a0", "a", 0, 0.0, 3), shift("a1", "a", 1, 0.0, 3)]),
            visits: json!([near.clone(), visit("urgent", 0.01, 1, 90)]),
            expected: Reason::NoCapacity,
        },
    ];
    for case in cases {
        let solution = solve(&instance(case.volunteers, case.shifts, case.visits), 50);
        assert_eq!(solution.unassigned, vec!["x".to_string()], "{}", case.name);
        assert_eq!(reason_of(&solution, "x"), Some(case.expected), "{}", case.name);
    }
}

#[test]
fn a_volunteer_on_foot_reaches_less_far_and_takes_longer_on_the_way() {
    let walker = with(volunteer("w", 0.0), "travel", json!({"speed_kmh": 4.5, "detour_factor": 1.2}));
    // 0.08° north, about 9 km: a quarter of an hour by car, over two hours on foot each way.
    let far = visit("x", 0.08, 0, 50);
    let both = instance(
        json!([walker.clone(), volunteer("d", 0.0)]),
        json!([shift("w0", "w", 0, 0.0, 3), shift("d0", "d", 0, 0.0, 3)]),
        json!([far.clone()]),
    );
    assert_eq!(served_by(&solve(&both, 2000), "x").as_deref(), Some("d"));
    let alone = instance(json!([walker.clone()]), json!([shift("w0", "w", 0, 0.0, 3)]), json!([far]));
    assert_eq!(reason_of(&solve(&alone, 2000), "x"), Some(Reason::NoCommonSlot));

    // 1.1 km away the walker goes, and arrives after the walk, not after the drive.
    let near = instance(json!([walker]), json!([shift("w0", "w", 0, 0.0, 3)]), json!([visit("x", 0.01, 0, 50)]));
    let start = solve(&near, 2000).routes[0].visits[0].start_s;
    let p = Problem::new(&near).unwrap();
    let drive = p.t(p.shifts[0].start, 0);
    let pace = (1.2 / 4.5) / (1.3 / 40.0);
    assert_eq!(start - 9 * HOUR, (drive as f64 * pace).ceil() as i64, "{drive} s by car");

    let mut bad = near.clone();
    bad.volunteers[0].travel = Some(monalisa_planner::format::ModeSpec { speed_kmh: 0.0, detour_factor: 1.2 });
    assert!(matches!(Problem::new(&bad), Err(ProblemError::Volunteer { .. })));
}

#[test]
fn the_usual_pair_is_kept_even_when_someone_is_closer() {
    let vols = json!([volunteer("near", 0.01), volunteer("usual", 0.1)]);
    let shifts = json!([shift("n0", "near", 0, 0.01, 3), shift("u0", "usual", 0, 0.1, 3)]);
    let visits = json!([with(visit("x", 0.0, 0, 10), "usual_volunteer", json!("usual"))]);
    let solution = solve(&instance(vols.clone(), shifts.clone(), visits), 100);
    assert_eq!(served_by(&solution, "x").as_deref(), Some("usual"));
    // Without the pair, the nearer volunteer goes.
    let solution = solve(&instance(vols, shifts, json!([visit("x", 0.0, 0, 10)])), 100);
    assert_eq!(served_by(&solution, "x").as_deref(), Some("near"));
}

#[test]
fn an_accepted_commune_extends_the_range() {
    let vols = json!([with(with(volunteer("a", 0.0), "max_km", json!(1.0)), "communes", json!(["86117"]))]);
    let shifts = json!([shift("a0", "a", 0, 0.0, 3)]);
    let visits = json!([with(visit("x", 0.05, 0, 10), "commune", json!("86117")), visit("y", 0.05, 0, 10)]);
    let solution = solve(&instance(vols, shifts, visits), 50);
    assert_eq!(served_by(&solution, "x").as_deref(), Some("a"));
    assert_eq!(solution.unassigned, vec!["y".to_string()]);
    assert_eq!(reason_of(&solution, "y"), Some(Reason::NoVolunteerInRange));
}

#[test]
fn a_lock_is_obeyed() {
    let vols = json!([volunteer("near", 0.01), volunteer("far", 0.1)]);
    let shifts = json!([shift("n0", "near", 0, 0.01, 3), shift("f0", "far", 0, 0.1, 3)]);
    let visits = json!([with(visit("x", 0.0, 0, 10), "locked_volunteer", json!("far"))]);
    let solution = solve(&instance(vols, shifts, visits), 100);
    assert_eq!(served_by(&solution, "x").as_deref(), Some("far"));
}

#[test]
fn the_search_serves_priority_first_then_saves_travel() {
    // One place in a shift, two visits: the urgent one wins even though it is farther.
    let solution = solve(
        &instance(
            json!([volunteer("a", 0.0)]),
            json!([shift("a0", "a", 0, 0.0, 1)]),
            json!([visit("close", 0.01, 0, 10), visit("urgent", 0.1, 0, 60)]),
        ),
        100,
    );
    assert_eq!(solution.unassigned, vec!["close".to_string()]);
}

/// Puts visits in routes by hand (ids), for the operator tests.
fn plan_with<'p>(p: &'p Problem, routes: &[(&str, &[&str])]) -> Plan<'p> {
    let mut plan = Plan::new(p);
    for (shift, visits) in routes {
        let s = p.shifts.iter().position(|x| x.id == *shift).unwrap() as u32;
        let visits: Vec<u32> =
            visits.iter().map(|id| p.visits.iter().position(|v| v.id == *id).unwrap() as u32).collect();
        let travel = route::evaluate(p, s, &visits).expect("a feasible hand-made route");
        plan.set_route(s, visits, travel);
    }
    plan
}

fn visit_index(p: &Problem, id: &str) -> u32 {
    p.visits.iter().position(|v| v.id == id).unwrap() as u32
}

fn assert_improves(op: &dyn Operator, plan: &mut Plan, visit: u32) {
    let before = plan.cost();
    let m = op.evaluate(plan, visit).unwrap_or_else(|| panic!("{} found no move", op.name()));
    assert!(plan.try_move(&m), "{} did not lower the cost", op.name());
    assert!(plan.cost() < before, "{}", op.name());
    assert_eq!(plan.cost(), plan.recomputed_cost(), "{}: bookkeeping", op.name());
    let solution = to_solution(plan, 0, Value::Null);
    assert!(check(plan.p, &solution).feasible, "{}", op.name());
}

#[test]
fn relocate_moves_a_visit_to_the_nearer_volunteer() {
    let inst = instance(
        json!([volunteer("a", 0.0), volunteer("b", 0.2)]),
        json!([shift("a0", "a", 0, 0.0, 3), shift("b0", "b", 0, 0.2, 3)]),
        json!([visit("x", 0.01, 0, 10)]),
    );
    let p = Problem::new(&inst).unwrap();
    let mut plan = plan_with(&p, &[("b0", &["x"])]);
    assert_improves(&Relocate, &mut plan, visit_index(&p, "x"));
    assert_eq!(plan.shift_of(visit_index(&p, "x")), 0);
}

#[test]
fn replace_unserved_serves_the_more_urgent_visit() {
    let inst = instance(
        json!([volunteer("a", 0.0)]),
        json!([shift("a0", "a", 0, 0.0, 1)]),
        json!([visit("low", 0.01, 0, 10), visit("high", 0.02, 0, 80)]),
    );
    let p = Problem::new(&inst).unwrap();
    let mut plan = plan_with(&p, &[("a0", &["low"])]);
    assert_improves(&ReplaceUnserved, &mut plan, visit_index(&p, "high"));
    assert!(plan.is_served(visit_index(&p, "high")) && !plan.is_served(visit_index(&p, "low")));
}

#[test]
fn swap_uncrosses_two_volunteers() {
    let inst = instance(
        json!([volunteer("a", 0.0), volunteer("b", 0.2)]),
        json!([shift("a0", "a", 0, 0.0, 1), shift("b0", "b", 0, 0.2, 1)]),
        json!([visit("near-a", 0.01, 0, 10), visit("near-b", 0.19, 0, 10)]),
    );
    let p = Problem::new(&inst).unwrap();
    let mut plan = plan_with(&p, &[("a0", &["near-b"]), ("b0", &["near-a"])]);
    assert_improves(&Swap, &mut plan, visit_index(&p, "near-a"));
}

#[test]
fn check_mode_lists_every_broken_rule() {
    let inst = instance(
        json!([volunteer("a", 0.0), with(volunteer("b", 0.0), "weekly_capacity", json!(1))]),
        json!([shift("a0", "a", 0, 0.0, 1), shift("b0", "b", 0, 0.0, 3), shift("b1", "b", 1, 0.0, 3)]),
        json!([
            visit("x", 0.01, 0, 10),
            visit("y", 0.01, 0, 10),
            visit("z", 0.01, 2, 10),
            visit("w", 0.01, 1, 10),
            visit("v", 0.01, 0, 10)
        ]),
    );
    let p = Problem::new(&inst).unwrap();
    let solution: Solution = serde_json::from_value(json!({
        "format": "monalisa-plan-solution/1", "instance": "tiny", "solver": "hand", "solve_ms": 0,
        "routes": [
            {"shift": "a0", "volunteer": "a", "visits": [{"visit": "x", "start_s": 0}, {"visit": "y", "start_s": 0}]},
            {"shift": "b0", "volunteer": "a", "visits": [{"visit": "z", "start_s": 0}, {"visit": "x", "start_s": 0}]},
            {"shift": "b1", "volunteer": "b", "visits": [{"visit": "w", "start_s": 0}, {"visit": "v", "start_s": 0}]},
            {"shift": "nope", "volunteer": "b", "visits": []}
        ],
        "unassigned": ["w"]
    }))
    .unwrap();
    let report = check(&p, &solution);
    assert!(!report.feasible);
    let s = |x: &str| x.to_string();
    for expected in [
        Violation::TooManyVisits { shift: s("a0"), visits: 2, max: 1 },
        Violation::WrongVolunteer { shift: s("b0"), volunteer: s("a") },
        // z may only start on Wednesday: waiting for it makes the Monday shift end late.
        Violation::LateReturn { shift: s("b0") },
        // v's only window is on Monday, before this Tuesday shift.
        Violation::OutsideWindows { visit: s("v"), shift: s("b1") },
        Violation::VisitTwice { visit: s("x") },
        Violation::UnknownShift { shift: s("nope") },
        Violation::OverWeeklyCapacity { volunteer: s("b"), visits: 3, capacity: 1 },
        Violation::UnassignedWrong { visit: s("w") },
    ] {
        assert!(report.violations.contains(&expected), "{expected:?} missing from {:?}", report.violations);
    }
    assert!(report.violations.iter().all(|v| !v.message_fr().is_empty()));
    // Times are computed, not taken from the file: x starts when the volunteer can be there.
    assert!(report.routes[0].visits[0].start_s >= 9 * HOUR);
}

#[test]
fn bad_instances_get_clear_errors() {
    let good =
        instance(json!([volunteer("a", 0.0)]), json!([shift("a0", "a", 0, 0.0, 1)]), json!([visit("x", 0.0, 0, 1)]));
    let mut bad = good.clone();
    bad.format = "other/1".into();
    assert!(matches!(Problem::new(&bad), Err(ProblemError::Format(_))));
    let mut bad = good.clone();
    bad.visits[0].priority = 0;
    assert!(Problem::new(&bad).unwrap_err().to_string().contains("priority 0"));
    let mut bad = good.clone();
    bad.visits.push(bad.visits[0].clone());
    assert_eq!(Problem::new(&bad).unwrap_err(), ProblemError::DuplicateId { kind: "visit", id: "x".into() });
    let mut bad = good.clone();
    bad.visits[0].allowed_volunteers = Some(vec!["ghost".into()]);
    assert!(Problem::new(&bad).unwrap_err().to_string().contains("ghost"));
    let mut bad = good.clone();
    bad.shifts[0].time_window = [10, 5];
    assert!(Problem::new(&bad).unwrap_err().to_string().contains("ends before it starts"));
    let mut bad = good;
    bad.visits[0].location = [f64::NAN, 46.0];
    assert!(Problem::new(&bad).unwrap_err().to_string().contains("coordinates"));
}

fn random_instance() -> impl Strategy<Value = Instance> {
    let volunteers = (0.0..0.3f64, prop::option::of(1u32..4), prop::option::of(5.0..40.0f64));
    let shifts = (0usize..4, 0i64..3, 1u32..4);
    let visits = (0.0..0.3f64, 0i64..3, 0i64..4, 1u32..101, prop::option::of(0usize..4), prop::option::of(0usize..4));
    (prop::collection::vec(volunteers, 1..5), prop::collection::vec(shifts, 1..8), prop::collection::vec(visits, 0..16))
        .prop_map(|(vols, shifts, visits)| {
            let n = vols.len();
            let volunteers: Vec<Value> = vols
                .iter()
                .enumerate()
                .map(|(i, (dlat, cap, km))| {
                    let mut v = volunteer(&format!("v{i}"), *dlat);
                    if let Some(cap) = cap {
                        v["weekly_capacity"] = json!(cap);
                    }
                    if let Some(km) = km {
                        v["max_km"] = json!(km);
                    }
                    v
                })
                .collect();
            // At most one shift per volunteer and day, as the format says.
            let mut seen = std::collections::HashSet::new();
            let shifts: Vec<Value> = shifts
                .iter()
                .filter(|(v, day, _)| seen.insert((v % n, *day)))
                .map(|(v, day, max)| {
                    let v = v % n;
                    shift(&format!("s{v}-{day}"), &format!("v{v}"), *day, vols[v].0, *max)
                })
                .collect();
            let visits: Vec<Value> = visits
                .iter()
                .enumerate()
                .map(|(i, (dlat, day, extra_hours, priority, allowed, usual))| {
                    let mut v = visit(&format!("x{i}"), *dlat, *day, *priority);
                    v["duration_s"] = json!(1800 + extra_hours * 900);
                    if let Some(a) = allowed {
                        v["allowed_volunteers"] = json!([format!("v{}", a % n)]);
                    }
                    if let Some(u) = usual {
                        v["usual_volunteer"] = json!(format!("v{}", u % n));
                    }
                    v
                })
                .collect();
            instance(json!(volunteers), json!(shifts), json!(visits))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Whatever the instance: the plan passes the check, its incremental cost is exact, it is
    /// never worse than the plain greedy insertion, every unserved visit has a reason, and the
    /// same seed gives the same plan.
    #[test]
    fn plans_are_feasible_exact_and_reproducible(inst in random_instance()) {
        let p = Problem::new(&inst).unwrap();
        let (planned, _) = plan(&p, Limit::Iterations(150), 3, Instant::now());
        prop_assert_eq!(planned.cost(), planned.recomputed_cost());
        let mut greedy = Plan::new(&p);
        construct::greedy(&mut greedy);
        prop_assert!(planned.cost() <= greedy.cost());
        let solution = to_solution(&planned, 0, Value::Null);
        let report = check(&p, &solution);
        prop_assert!(report.feasible, "{:?}", report.violations);
        prop_assert_eq!(solution.reasons.len(), solution.unassigned.len());
        let (again, _) = plan(&p, Limit::Iterations(150), 3, Instant::now());
        prop_assert_eq!(again.routes(), planned.routes());
    }
}
