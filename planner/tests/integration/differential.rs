//! The check mode against the benchmark's independent evaluator (`evaluate.py`, copied in
//! `tests/data`): a good plan is broken at random in many ways (visits moved, duplicated,
//! dropped, reordered, too many in a shift, a wrong volunteer, a wrong unassigned list), and
//! both must reach the same verdict on each. The start times given to the evaluator are the
//! check mode's own (earliest) ones, so it also verifies those.

use monalisa_planner::check::check;
use monalisa_planner::format::{Instance, Solution, StepSpec};
use monalisa_planner::problem::Problem;
use monalisa_planner::search::Rng;
use monalisa_planner::{Limit, plan, to_solution};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Breaks a plan in one random way.
fn break_plan(solution: &mut Solution, instance: &Instance, rng: &mut Rng) -> &'static str {
    let routes = solution.routes.len();
    let pick = |rng: &mut Rng, n: usize| rng.below(n.max(1));
    match rng.below(8) {
        0 => {
            // Move a visit to another shift (which may or may not fit it).
            let from = pick(rng, routes);
            if solution.routes[from].visits.is_empty() {
                return "nothing";
            }
            let step = solution.routes[from].visits.remove(0);
            let shift = &instance.shifts[pick(rng, instance.shifts.len())];
            match solution.routes.iter_mut().find(|r| r.shift == shift.id) {
                Some(route) => route.visits.push(step),
                None => solution.routes.push(monalisa_planner::format::RouteSpec {
                    shift: shift.id.clone(),
                    volunteer: shift.volunteer.clone(),
                    visits: vec![step],
                }),
            }
            "moved"
        }
        1 => {
            // Serve a visit twice.
            let a = pick(rng, routes);
            let b = pick(rng, routes);
            if let Some(step) = solution.routes[a].visits.first().cloned() {
                solution.routes[b].visits.push(step);
            }
            "duplicated"
        }
        2 => {
            // Drop a served visit without listing it as unassigned.
            let a = pick(rng, routes);
            solution.routes[a].visits.pop();
            "dropped"
        }
        3 => {
            // Reverse a route.
            let a = pick(rng, routes);
            solution.routes[a].visits.reverse();
            "reversed"
        }
        4 => {
            // Serve an unassigned visit at the end of some route (maybe too many, too late).
            if solution.unassigned.is_empty() {
                return "nothing";
            }
            let visit = solution.unassigned.remove(pick(rng, solution.unassigned.len()));
            let a = pick(rng, routes);
            solution.routes[a].visits.push(StepSpec { visit, start_s: 0 });
            "added"
        }
        5 => {
            // Claim another volunteer for a shift.
            let a = pick(rng, routes);
            let other = &instance.shifts[pick(rng, instance.shifts.len())].volunteer;
            solution.routes[a].volunteer = other.clone();
            "volunteer"
        }
        6 => {
            // List a served visit as unassigned too.
            if let Some(step) = solution.routes[pick(rng, routes)].visits.first() {
                solution.unassigned.push(step.visit.clone());
            }
            "listed"
        }
        _ => "unchanged",
    }
}

#[test]
fn the_check_mode_agrees_with_the_benchmark_evaluator() {
    let path = data("territory-s1.json");
    let instance: Instance = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let p = Problem::new(&instance).unwrap();
    let (planned, _) = plan(&p, Limit::Iterations(3000), 11, Instant::now());
    let good = to_solution(&planned, 0, serde_json::Value::Null);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(2026);
    let (mut feasible, mut infeasible) = (0, 0);
    for case in 0..60 {
        let mut solution = good.clone();
        let mut how = Vec::new();
        for _ in 0..1 + rng.below(2) {
            how.push(break_plan(&mut solution, &instance, &mut rng));
        }
        let report = check(&p, &solution);
        // The evaluator gets the check mode's times (for the visits it could place).
        for (route, computed) in solution.routes.iter_mut().zip(&report.routes) {
            if route.visits.len() == computed.visits.len() {
                for (step, timed) in route.visits.iter_mut().zip(&computed.visits) {
                    step.start_s = timed.start_s;
                }
            }
        }
        let file = dir.path().join(format!("case-{case}.json"));
        std::fs::write(&file, serde_json::to_string(&solution).unwrap()).unwrap();
        let out = Command::new("python3").arg(data("evaluate.py")).arg(&path).arg(&file).output().unwrap();
        let line = String::from_utf8_lossy(&out.stdout);
        let verdict: serde_json::Value = serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("{line}"));
        assert_eq!(
            report.feasible,
            verdict["feasible"] == true,
            "case {case} ({how:?}): check says {:?}, evaluate.py says {}",
            report.violations,
            verdict["errors"]
        );
        if report.feasible {
            feasible += 1;
            assert_eq!(serde_json::json!(report.priority_served), verdict["priority_served"]);
            assert_eq!(serde_json::json!(report.travel_s), verdict["travel_s"]);
        } else {
            infeasible += 1;
        }
    }
    // The random breakage must exercise both verdicts.
    assert!(feasible >= 5 && infeasible >= 20, "{feasible} feasible, {infeasible} infeasible");
}
