//! The weekly planning engine of Monalisa Visites: pure Rust, no I/O, deterministic for a seed
//! and an iteration budget. Layers, each in its module: the shared file [`format`], validated
//! [`problem`] data with candidate shifts found through a spatial grid, [`travel`] providers,
//! [`route`] timing, the [`plan`] state and its lexicographic [`plan::Cost`], [`construct`]ion,
//! improvement [`operators`], the [`search`] loop and the [`check`] mode. Each layer uses only
//! those before it (`route` reads a problem through [`route::RouteData`], so it sits below it).

pub mod check;
pub mod construct;
pub mod format;
pub mod operators;
pub mod plan;
pub mod problem;
pub mod route;
pub mod search;
pub mod travel;

use format::{RouteSpec, SOLUTION_FORMAT, Solution, StepSpec, UnservedSpec};
use plan::Plan;
use problem::Problem;
use std::time::{Duration, Instant};

pub const SOLVER: &str = concat!("monalisa-planner-", env!("CARGO_PKG_VERSION"));

/// How long to search: a wall-clock limit, or a number of iterations (reproducible).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Limit {
    Time(Duration),
    Iterations(u64),
}

/// Plans a problem: greedy construction, then the search within the limit, then a final descent
/// with every operator. Returns the plan and figures of the run.
pub fn plan(p: &Problem, limit: Limit, seed: u64, started: Instant) -> (Plan<'_>, serde_json::Value) {
    let mut plan = Plan::new(p);
    construct::greedy(&mut plan);
    let greedy = plan.cost();
    let settings = search::Settings::default();
    let (stats, deadline) = match limit {
        Limit::Time(limit) => {
            // Keep a little time for the final descent and writing out.
            let search_limit = limit.mul_f64(0.95).saturating_sub(started.elapsed());
            let stats =
                search::search(&mut plan, &mut search::WallClock::new(Instant::now(), search_limit), seed, &settings);
            (stats, Some(started + limit.mul_f64(0.98)))
        }
        Limit::Iterations(n) => (search::search(&mut plan, &mut search::Iterations(n), seed, &settings), None),
    };
    let polished = operators::descend(&mut plan, &operators::all(), deadline);
    let stats = serde_json::json!({
        "seed": seed,
        "iterations": stats.iterations,
        "accepted": stats.accepted,
        "improved": stats.improved,
        "greedy": { "priority_lost": greedy.priority_lost, "travel_s": greedy.travel, "pairs_broken": greedy.pairs_broken },
        "final": { "priority_lost": polished.priority_lost, "travel_s": polished.travel, "pairs_broken": polished.pairs_broken },
    });
    (plan, stats)
}

/// Writes a plan in the shared solution format, with start times and unserved reasons.
pub fn to_solution(plan: &Plan, solve_ms: u64, stats: serde_json::Value) -> Solution {
    let p = plan.p;
    let mut routes = Vec::new();
    for (s, visits) in plan.routes().iter().enumerate() {
        if visits.is_empty() {
            continue;
        }
        let starts = route::schedule(p, s as u32, visits).expect("the plan only holds feasible routes");
        routes.push(RouteSpec {
            shift: p.shifts[s].id.clone(),
            volunteer: p.volunteers[p.shifts[s].volunteer as usize].id.clone(),
            visits: visits
                .iter()
                .zip(starts)
                .map(|(&v, start_s)| StepSpec { visit: p.visits[v as usize].id.clone(), start_s })
                .collect(),
        });
    }
    let unserved: Vec<u32> = (0..p.visits.len() as u32).filter(|&v| !plan.is_served(v)).collect();
    Solution {
        format: SOLUTION_FORMAT.to_string(),
        instance: p.name.clone(),
        solver: SOLVER.to_string(),
        solve_ms,
        routes,
        unassigned: unserved.iter().map(|&v| p.visits[v as usize].id.clone()).collect(),
        reasons: unserved
            .iter()
            .map(|&v| UnservedSpec { visit: p.visits[v as usize].id.clone(), reason: p.unserved_reason(v) })
            .collect(),
        stats,
    }
}
